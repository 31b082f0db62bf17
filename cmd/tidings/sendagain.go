package main

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/report"
)

// againFlags are the flags of a send that the command sending the rows
// it left (againCommand) carries on, for the next to go on as it went:
// --yes for a script (a send confirmed on a terminal had none, and the
// next asks again), --skip-invalid past rows with problems,
// --retry-failed and --resend-unknown, without which the failed or
// unknown rows it had yet to send again stay so, --rate and
// --concurrency, --resend-changed while it sends corrected rows. --limit
// is left out: the run's count would start again. send's summary takes
// them from the run's options (againOf), report's from the journal's
// record of the last send (againOfRun), which the send wrote from the
// same (recordAgain): one command for both.
type againFlags struct {
	yes, skipInvalid, retryFailed, resendUnknown, resendChanged bool
	// rate is --rate as given ("" when not), concurrency --concurrency
	// (0 when not).
	rate        string
	concurrency int
}

// againOf are the againFlags of a send run with opts over pl:
// --resend-changed only while pl sends rows again as changed.
func againOf(pl *plan.Plan, opts sendOptions) againFlags {
	a := againGiven(opts)
	a.resendChanged = a.resendChanged && pl.RevisedToSend > 0
	return a
}

// againGiven are the againFlags a send was given (opts), for a run that
// stops before or without a plan to tell them by (againOf): the same
// command again.
func againGiven(opts sendOptions) againFlags {
	return againFlags{
		yes: opts.yes, skipInvalid: opts.skipInvalid,
		retryFailed: opts.retryFailed, resendUnknown: opts.resendUnknown,
		resendChanged: opts.resendChanged,
		rate:          opts.rate, concurrency: opts.concurrency,
	}
}

// runAgain is the end of an error that asks for the same send again:
// "run again: " and the command to paste (againCommand) of the campaign
// file and the flags the send was given (againGiven).
func runAgain(file string, opts sendOptions) string {
	return "run again: " + againCommand(file, againGiven(opts))
}

// inputChangedAgain is err, when a plan.InputChangedError is in it, with
// again, the words that run the command again (runAgain of a send), after
// its words; err as it is otherwise.
func inputChangedAgain(err error, again string) error {
	if ice := (*plan.InputChangedError)(nil); errors.As(err, &ice) {
		return &againError{err: err, again: again}
	}
	return err
}

// againError is an error whose words end with the command to run
// (runAgain); it unwraps to err, by which the exit code is told.
type againError struct {
	err   error
	again string
}

func (e *againError) Error() string { return e.err.Error() + "; " + e.again }

func (e *againError) Unwrap() error { return e.err }

// recordAgain notes in run, the journal's record of a send run with opts
// over pl (one that delivers, or one refused to start as rows have
// problems), its againFlags (againOf), where againOfRun reads them back:
// --yes and --skip-invalid as its Flags' "yes" and "skip-invalid"
// ("true"), --rate and --concurrency as their "rate" and "concurrency"
// (which the report page's settings read too: lastSendSettings),
// --retry-failed, --resend-unknown and --resend-changed as its own
// fields, the last with the rows it sends again as changed
// (journal.Run.RevisedToSend). Only these flags' values: no path, no
// secret.
func recordAgain(run *journal.Run, pl *plan.Plan, opts sendOptions) {
	a := againOf(pl, opts)
	if a.yes {
		setFlag(run, "yes", "true")
	}
	if a.skipInvalid {
		setFlag(run, "skip-invalid", "true")
	}
	if a.rate != "" {
		setFlag(run, "rate", a.rate)
	}
	if a.concurrency > 0 {
		setFlag(run, "concurrency", strconv.Itoa(a.concurrency))
	}
	run.RetryFailed, run.ResendUnknown = a.retryFailed, a.resendUnknown
	run.ResendChanged, run.RevisedToSend = opts.resendChanged, pl.RevisedToSend
}

// setFlag sets run's Flags' name to value.
func setFlag(run *journal.Run, name, value string) {
	if run.Flags == nil {
		run.Flags = map[string]string{}
	}
	run.Flags[name] = value
}

// againOfRun are the againFlags of the send run whose journal record is
// run (recordAgain): a flag the record does not have was not given (a
// journal of an older tidings, which recorded no "yes" nor the rows sent
// again as changed, gives no --yes nor --resend-changed), and a --rate
// or --concurrency the campaign's settings would refuse is left out.
func againOfRun(run journal.Run) againFlags {
	a := againFlags{
		yes: run.Flags["yes"] == "true", skipInvalid: run.Flags["skip-invalid"] == "true",
		retryFailed: run.RetryFailed, resendUnknown: run.ResendUnknown,
		resendChanged: run.ResendChanged && run.RevisedToSend > 0,
	}
	if r := run.Flags["rate"]; r != "" {
		if _, err := campaign.ParseRate(r); err == nil {
			a.rate = r
		}
	}
	if n, err := strconv.Atoi(run.Flags["concurrency"]); err == nil && n > 0 {
		a.concurrency = n
	}
	return a
}

// lastSendAgain are the againFlags of the journal's (state's) latest
// send (journal.State.LastSend: one that delivered or one that refused
// to start as rows have problems; bounces' runs and test sends do not
// count). None when no send ran.
func lastSendAgain(state *journal.State) againFlags {
	r, _ := state.LastSend()
	return againOfRun(r)
}

// againCommand is the command line that sends the rows a send left, for
// the summaries (send's, report's: report.Summary.Again) and
// report.json's ending to name: tidings, againVerb of a, and the
// campaign file, each a word the shell reads back as it is.
func againCommand(file string, a againFlags) string {
	return "tidings " + againVerb(a) + " " + commandArg(file)
}

// noteAgain notes in sum the command that sends the rest, the flags a
// and the campaign file (againCommand), as the summary's lines and
// report.json's ending name it: whole (report.Summary.Again), after
// "run" (AgainVerb) and with --resend-unknown (AgainUnknown).
func noteAgain(sum *report.Summary, file string, a againFlags) {
	sum.Again, sum.AgainVerb = againCommand(file, a), againVerb(a)
	a.resendUnknown = true
	sum.AgainUnknown = againCommand(file, a)
}

// againVerb is againCommand's command and flags, for the lines that say
// it after "run" ("run send --yes again for the not-attempted"): "send"
// and the flags a has, in againCommand's order.
func againVerb(a againFlags) string {
	words := []string{"send"}
	for _, f := range []struct {
		on   bool
		flag string
	}{{a.yes, "--yes"}, {a.skipInvalid, "--skip-invalid"}, {a.retryFailed, "--retry-failed"}, {a.resendUnknown, "--resend-unknown"}, {a.resendChanged, "--resend-changed"}} {
		if f.on {
			words = append(words, f.flag)
		}
	}
	if a.rate != "" {
		words = append(words, "--rate", journal.ShellWord(a.rate))
	}
	if a.concurrency > 0 {
		words = append(words, "--concurrency", strconv.Itoa(a.concurrency))
	}
	return strings.Join(words, " ")
}

// unrecordedWords say that the rows of ue are unknown from now on, and
// that --resend-unknown would send them twice.
func unrecordedWords(ue *sendpool.UnrecordedError) string {
	if len(ue.Rows) <= 1 {
		return fmt.Sprintf("row %d's result could not be recorded, so its message (which may have reached the server) is unknown from now on, not sent again: --resend-unknown would send it again, and its recipients may get it twice", ue.Row)
	}
	return ue.RowList() + ": their results could not be recorded, so their messages (which may have reached the server) are unknown from now on, not sent again: --resend-unknown would send them again, and their recipients may get them twice"
}

// journalFailedAgain is err, when the journal failed (sendpool.ErrJournal:
// a full disk), with what to do next after its words: free space (or
// make the journal writable), then the command that sends the rows left;
// and, when it failed to record a row's result
// (sendpool.UnrecordedError), that the row reads unknown from then on,
// its message perhaps taken, which --resend-unknown would send a second
// time. err as it is otherwise.
func journalFailedAgain(err error, file string, opts sendOptions) error {
	if !errors.Is(err, sendpool.ErrJournal) {
		return err
	}
	fix := cmp.Or(fullDiskFix(err), "once the journal can be written again")
	again := fix + " " + runAgain(file, opts) + " (it sends the rows this run did not)"
	if ue := (*sendpool.UnrecordedError)(nil); errors.As(err, &ue) {
		again += "; " + unrecordedWords(ue)
	}
	return &againError{err: err, again: again}
}
