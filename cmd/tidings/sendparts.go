package main

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/report"
)

// partSpan is how long one part of a run delivers for at most, at the
// run's rate: a run that lasts longer is sent in parts, each of which
// renders the rows still to send when it begins, so that every message
// leaves within plan.MaxSpoolAge of its Date (and DKIM timestamp), with
// ten minutes left for the rendering and for retries.
const partSpan = plan.MaxSpoolAge - 10*time.Minute

// partTime is how long a part of a run may deliver for, from when its
// preflight began (its messages' Date): a part its rate alone does not end
// in time (a send.domains limit, a slow or throttling server) stops
// dispatching then, and the next part renders the rows still to send
// afresh, so that no message leaves later than plan.MaxSpoolAge after its
// Date.
const partTime = plan.MaxSpoolAge - 5*time.Minute

// runPart says which part of a run a delivery is (sendParts): n counts
// from 1, and more says that parts follow it; runs is how many runs the
// journal had before the first part (each part is a run of its own), and
// done how many messages the parts before this one sent (or tried);
// began is when the part's preflight began (partTime counts from then);
// total is how many messages the whole run was to send when its first
// part began (0 for a run in one part).
// The zero value is a run in one part.
type runPart struct {
	n, runs, done, total int
	more                 bool
	began                time.Time
}

// copiesWarned is how many copies openSentCopies' quota warning counts
// for a delivery of allow in part: the whole run's in its first part,
// none in the later parts (warned of once, by the first).
func copiesWarned(allow plan.Allowance, part runPart) int {
	switch {
	case part.n > 1:
		return 0
	case part.total > 0:
		return part.total
	}
	return allow.N
}

// errPartTime is the cause of a part's context whose time ran out
// (partTime).
var errPartTime = errors.New("the part's time ran out")

// partContext is ctx with the deadline of opts.part (partTime after it
// began; opts.partTime in tests), whose cause is errPartTime. The caller
// calls stop.
func partContext(ctx context.Context, opts sendOptions) (context.Context, context.CancelFunc) {
	return context.WithDeadlineCause(ctx, opts.part.began.Add(cmp.Or(opts.partTime, partTime)), errPartTime)
}

// partTimedOut reports whether a delivery under pctx (partContext of
// ctx) ended because the part's time ran out, not for a reason of its
// own or an interrupt (ctx).
func partTimedOut(ctx, pctx context.Context, runErr error) bool {
	return ctx.Err() == nil && errors.Is(context.Cause(pctx), errPartTime) && errors.Is(runErr, sendpool.ErrInterrupted)
}

// partEnd is how a delivery of opts.part under pctx (partContext of ctx)
// that tried tried messages and ended with runErr ends: timedOut when
// the part's time ran out and the run goes on with a next part (runErr
// nil then), else runErr, or partStalled when a part after the first
// tried no message in its time (the first may have waited for a yes): no
// later part would fare better, and the run stops there.
func partEnd(ctx, pctx context.Context, runErr error, tried int, file string, opts sendOptions) (timedOut bool, err error) {
	switch {
	case !partTimedOut(ctx, pctx, runErr):
		return false, runErr
	case tried == 0 && opts.part.n > 1:
		return false, partStalled(file, opts)
	}
	return true, nil
}

// partStalled is the error a run stops for when its part opts.part, not
// the first, tried no message in the time it may last (partTime): the
// server or a send.domains limit let none go, and a later part would
// fare no better. It names the command that sends the rest (runAgain of
// the campaign file).
func partStalled(file string, opts sendOptions) error {
	return fmt.Errorf("send: part %d tried no message in the %s it may last (from its rendering, its messages' Date): the server or send.domains let none go; %s", opts.part.n, sendpool.FormatEstimate(cmp.Or(opts.partTime, partTime)), runAgain(file, opts))
}

// partEndedError is deliver's error for a part whose time ran out after
// tried messages were tried: the run goes on with a part that renders the
// rest afresh. outcome is what the part's own end would have been (nil,
// or errSomeNotSent for recipients refused).
type partEndedError struct {
	tried   int
	outcome error
}

func (e *partEndedError) Error() string {
	return fmt.Sprintf("send: part ended after %s, its time up", report.Plural(e.tried, "message"))
}

// Unwrap is the part's outcome.
func (e *partEndedError) Unwrap() error { return e.outcome }

// partSize is how many messages one part of a run at rate (messages a
// second; 0 unlimited) sends at most in span: 0 when the rate is
// unlimited (a run in one part).
func partSize(rate float64, span time.Duration) int {
	if rate <= 0 {
		return 0
	}
	return max(1, int(rate*span.Seconds()))
}

// partCap is how many messages a part of a run sends at most: size (a
// part's worth at its rate, partSize; 0 no limit), or spooled when fewer,
// all its plan sends from the spool an interrupted part made, reused
// (plan.Plan.Spooled; 0 none).
func partCap(size, spooled int) int {
	if spooled > 0 && (size == 0 || spooled < size) {
		return spooled
	}
	return size
}

// partSizeAt is partSize at rate over this send's part span (partSpan;
// opts.partSpan in tests).
func (opts sendOptions) partSizeAt(rate float64) int {
	return partSize(rate, cmp.Or(opts.partSpan, partSpan))
}

// ownRunsFrom is the journal's first run of the send a part of which
// opts runs (plan.Options.OwnRunsFrom): 0 for the first part, whose
// preflight is the send's own, and for a send not in parts.
func ownRunsFrom(opts sendOptions) int {
	if opts.part.n <= 1 {
		return 0
	}
	return opts.part.runs + 1
}

// sendParts delivers the messages allow lets the run st began send, in
// parts of at most a part's worth at the rate each part begins with
// (partSize, as its preflight spools: spoolAtMost; send.rate may be
// edited while the send runs), each also ended by time (partTime). Each
// part after the first begins with a preflight of its own (nextPart) that
// renders the rows still to send afresh, so its messages are dated when
// it begins; its --retry-failed and --resend-unknown cover what failed
// before the first part (journal.Policy.OnlyBefore), not a row once a
// part. A part that leaves rows not sent (failed, unknown: the report
// says which) does not stop the next; anything else that ends a part
// early (an interrupt, a stop, problems found by a later part's
// preflight) ends the run. The run's lock is held throughout. sendParts
// closes st.
func sendParts(ctx context.Context, g *globalOptions, opts sendOptions, path string, st *sendStart, allow plan.Allowance) error {
	var notSent error
	runs, total := len(st.state.Runs), allow.N
	// A part gives a send.domains domain its next message when the part
	// before would have, not at once.
	opts.turns = &sendpool.DomainTurns{}
	// Nor does it meet a server that asked the part before to slow down
	// at the full rate again.
	opts.limiter = sendpool.NewLimiter(st.cfg.Rate, st.cfg.Burst, st.cfg.Clock)
	// Nor does it retry at once a message the part before left waiting
	// for a retry (a greylisting server's first refusal).
	opts.retryDue = &sendpool.RetryDue{}
	// A later part names what the sheet's edit while the send runs
	// changed: rows with a problem now, rows sent in a part before.
	told := newPartNotes(st.pl)
	for n := 1; ; n++ {
		part, size := allow, opts.partSizeAt(st.cfg.Rate)
		opts.part = runPart{n: n, runs: runs, done: opts.part.done, total: total, began: opts.part.began}
		if k := partCap(size, st.pl.Spooled); k > 0 && allow.N > k {
			part.N, part.Capped, part.Next = k, false, time.Time{}
			opts.part.more = true
		}
		err := deliver(ctx, g, st.in, st.pl, st.cfg, st.lock, part, opts)
		more, tried := opts.part.more, part.N
		if ended := (*partEndedError)(nil); errors.As(err, &ended) {
			more, tried, err = true, ended.tried, ended.outcome
		}
		if !more || err != nil && !errors.Is(err, errSomeNotSent) {
			printEditedMeanwhile(ctx, g.stdout, st.in, st.pl, opts.part.n > 1, againCommand(path, againOf(st.pl, opts)))
			opts.limits.print(g.stdout, displayPath(st.in.Campaign.File), st.cfg, flagged{concurrency: opts.concurrency > 0, rate: opts.rate != ""})
			st.close()
			return cmp.Or(err, notSent)
		}
		notSent = cmp.Or(notSent, err)
		opts.part.n++
		opts.part.done += tried
		opts.part.began = time.Now()
		if st, allow, err = nextPart(ctx, g, opts, path, st.handOver()); err != nil {
			return err
		}
		told.print(g.stdout, opts.part.n, st.pl, opts.resendChanged, path)
	}
}

// printEditedMeanwhile says which of the campaign's files (in, as the
// run's last part read them; pl its plan) changed while the send ran: it
// sent the rows as they were, and a row added, changed or taken out since
// is not in it, which check shows and again (againCommand) sends; the
// messages carry the attached files as they were; and it kept to the
// suppression list as it was.
func printEditedMeanwhile(ctx context.Context, w io.Writer, in *plan.Inputs, pl *plan.Plan, parts bool, again string) {
	when := "it began"
	if parts {
		when = "its last part began"
	}
	if changed := in.Changed(); len(changed) > 0 {
		fmt.Fprintf(w, "note: %s changed while this send ran: it sent the rows as they were when %s, so a row added or changed since is not in it, and one taken out may have gone; tidings check %s shows what is left, %s sends it\n",
			displayPaths(changed), when, commandArg(in.Campaign.File), again)
	}
	if pl.Spool != nil {
		if names, n, err := plan.ChangedAttachments(ctx, pl.Spool, 3); err == nil && n > 0 {
			list := displayPaths(names)
			if n > len(names) {
				list += fmt.Sprintf(" and %d more", n-len(names))
			}
			fmt.Fprintf(w, "note: %s changed while this send ran: the messages carry %s as %s when %s (tidings show prints what went)\n",
				list, verbFor(n, "it", "them"), verbFor(n, "it was", "they were"), when)
		}
	}
	if in.SuppressChanged() {
		fmt.Fprintf(w, "note: %s changed while this send ran: it kept to the list as it was when %s, so an address added since may have been sent to (the report says who was); the next send keeps to it\n",
			displayPath(in.Campaign.Suppress), when)
	}
}

// displayPaths is paths as the user is shown them, ", " between them.
func displayPaths(paths []string) string {
	names := make([]string, len(paths))
	for i, f := range paths {
		names[i] = displayPath(f)
	}
	return strings.Join(names, ", ")
}

// nextPart begins part opts.part.n of a run, holding the run's lock
// (released when it fails): its preflight, which renders the rows still
// to send afresh and whose lines (warnings, notes the first part printed
// already) are shown only when it stops the run, but for the campaign's
// files changed since the part before (the rows it sends go as they are
// now: printChanged; sendParts names the rows with a problem new since:
// printNewProblems), and what the part may send.
func nextPart(ctx context.Context, g *globalOptions, opts sendOptions, path string, lock *journal.Lock) (*sendStart, plan.Allowance, error) {
	var out, errOut bytes.Buffer
	pg := &globalOptions{stdout: &out, stderr: &errOut, stdin: g.stdin, abort: g.abort, quiet: g.quiet, interrupt: g.interrupt}
	st, err := startSend(ctx, opts, pg, path, lock)
	if err != nil {
		g.stdout.Write(out.Bytes())
		g.stderr.Write(errOut.Bytes())
		return nil, plan.Allowance{}, err
	}
	allow := st.pl.Allow(opts.limitLeft(), st.in.Campaign.Send.DailyCap, st.state, opts.now())
	if opts.limit > 0 && opts.part.done >= opts.limit { // the parts before tried as many
		allow.N = 0 // (limitLeft, never 0: that is no limit)
		fmt.Fprintf(g.stdout, "%spart %d: --limit %d reached\n", lineBreak(g.stdout), opts.part.n, opts.limit)
		return st, allow, nil
	}
	if allow.N == 0 { // its delivery sends nothing, and ends the run with its summary
		fmt.Fprintf(g.stdout, "%spart %d: nothing left to send now\n", lineBreak(g.stdout), opts.part.n)
		return st, allow, nil
	}
	if !g.quiet { // --quiet: the plan of a part is neither a problem nor a summary
		fmt.Fprintf(g.stdout, "%spart %d: %s still to send, rendered again now so that each is dated within the hour it leaves\n",
			lineBreak(g.stdout), opts.part.n, report.Plural(allow.N, "message"))
	}
	if note := throttledNote(opts.partLimiter(st.cfg.Rate)); note != "" && !g.quiet {
		fmt.Fprintln(g.stdout, note)
	}
	// Compared with the spool the part before sent from: an edit made
	// while the send runs, which the first part could not tell.
	printChanged(g.stdout, st.in.Campaign, st.pl.Changed, "go", st.state)
	return st, allow, nil
}

// partLimiter is the rate limit a part of a run at rate (messages a
// second; 0 unlimited) delivers under: the one the parts before it used,
// whose throttle stands, unless the part's rate is another (send.rate
// edited while the send ran) or there is none (a test send); nil then,
// for a new one.
func (opts sendOptions) partLimiter(rate float64) *sendpool.Limiter {
	if opts.limiter == nil || opts.limiter.Target() != rate {
		return nil
	}
	return opts.limiter
}

// throttledNote says at what rate a part begins when the server asked
// the parts before it to slow down (lim's rate is below its target); ""
// otherwise, and for a nil lim.
func throttledNote(lim *sendpool.Limiter) string {
	if lim == nil {
		return ""
	}
	r := lim.Rate()
	if r == 0 || lim.Target() > 0 && r >= lim.Target() {
		return ""
	}
	return fmt.Sprintf("the server asked to slow down: this part begins at %s, where the part before left off, and climbs back as the server allows", sendpool.RateText(r))
}

// spoolAtMost is how many messages a send's preflight spools
// (plan.Options.SpoolAtMost): a part's at most, the rest rendered again by
// the part that sends them. A test send's preflight spools what the send
// after it would, so that after an interrupted send in parts it decides
// the rows from the interrupted part's generation, as that send does,
// rather than spool the whole list again: the test renders its own
// messages from the sheet (plan.Plan.TestMessages), not from the spool.
// Nor does it spool more than --limit and daily_cap leave the run to
// send (c's cap as state, the journal, counts it): a part the limit cuts
// short spools the messages it may send, not a whole part's. A send in
// one part spools every message (0), for a later send to use.
func spoolAtMost(rate float64, opts sendOptions, c *campaign.Campaign, state *journal.State) int {
	size := opts.partSizeAt(rate)
	if size == 0 {
		return 0
	}
	if opts.limit > 0 {
		size = min(size, opts.limitLeft())
	}
	if c.Send.DailyCap > 0 {
		if left, _ := state.Quota(c.Send.DailyCap, 24*time.Hour, opts.now()); left > 0 {
			size = min(size, left)
		}
	}
	return size
}

// limitLeft is what --limit leaves to this part of a run: the limit less
// what the parts before sent (0: no limit). A part follows only while
// some is left.
func (opts sendOptions) limitLeft() int {
	if opts.limit <= 0 {
		return 0
	}
	return max(opts.limit-opts.part.done, 1)
}

// partsNote says, for a run of n messages at rate sent in parts of size,
// the first of them first (partCap: fewer from a reused spool), how it
// goes; "" for a run in one part.
func partsNote(n int, rate float64, size, first int) string {
	if size == 0 || n <= first {
		return ""
	}
	how := fmt.Sprintf("%d parts of at most %d, each rendered as it begins", 1+(n-first+size-1)/size, size)
	if first < size {
		how = fmt.Sprintf("%d parts: %d from the spool made before, then parts of at most %d, each rendered as it begins", 1+(n-first+size-1)/size, first, size)
	}
	return fmt.Sprintf("note: at %s these take about %s: they go in %s, so that every message leaves within %s of its Date",
		sendpool.RateText(rate), sendpool.FormatEstimate(runTime(n, rate)), how, spoolAgeWords())
}
