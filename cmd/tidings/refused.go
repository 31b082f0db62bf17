package main

import (
	"context"
	"fmt"
	"io"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/report"
)

// refusedWords says why a send refuses to start, pl's rows having
// problems, and what to do ("fix them, …"; after a part, with the
// command of campaign file that sends the rest), as its last line and
// its report's ending (report.EndFacts.Refused) give it.
func refusedWords(pl *plan.Plan, opts sendOptions, file string) (words, next string) {
	if opts.part.n > 1 {
		return fmt.Sprintf("%d of %d rows have problems now; the run stops before its part %d (the messages of the parts before went)", pl.Problems, pl.Rows, opts.part.n),
			sendpool.RefusedPartFix(againCommand(file, againOf(pl, opts)))
	}
	return fmt.Sprintf("%d of %d rows have problems; nothing was sent", pl.Problems, pl.Rows), sendpool.RefusedFix
}

// writeRefusedReport writes the report of the send st began that refused
// to start, as rows have problems: every row as its preflight judged it
// (the invalid ones with their problems), those it would have sent not
// attempted (sendpool.RefusedAfter: with the part it refused to start
// and what the parts before sent, and the stop of the run before that
// still holds, the server's quota), and the refusal as its ending
// (report.EndRefused), so that a script reading report.json after it
// does not take an earlier run's report for this one's. The journal gets
// the refusal alone (recordRefusal), which a report rebuilt from it
// tells as the last send's ending. A report or a record not written is
// warned of on stderr (as a send's); the refusal stays the command's
// error.
func writeRefusedReport(ctx context.Context, g *globalOptions, st *sendStart, opts sendOptions) {
	c, setup := st.in.Campaign, setupContext(ctx, g)
	words, next := refusedWords(st.pl, opts, c.File)
	sent := partsSent(st.state, opts)
	recordRefusal(setup, g, st, words, next, sent, opts)
	reporter, err := report.NewReporter(c.StateDir, report.ReporterOptions{})
	if err == nil {
		defer reporter.Close()
		detail := sendpool.RefusedAfter(opts.part.n, sent, sendpool.StopCause(st.state.Stopped()))
		err = st.pl.SeedReport(setup, reporter, plan.Hold{Detail: detail})
	}
	if err != nil {
		tellFlush(g, c, err, false) // nothing written yet, without the lock or with it
		return
	}
	reporter.NoteEnding(func(s report.Summary) report.Ending {
		noteAgain(&s, c.File, againOf(st.pl, opts)) // as report names it after (reportAgain)
		return s.Ending(report.EndFacts{Refused: words, RefusedNext: next, Now: opts.now()})
	})
	rl := holdReport(setup, g, c, true)
	writeSendReports(setup, g, c, reporter, report.PageInput{Rows: reporter.Each, Settings: sendSettings(c, opts), Now: opts.now(), Killed: killedRunWords(st.state)}, rl != nil)
	releaseReport(g, rl)
}

// partsSent is how many messages the parts before the part of a send
// in parts opts runs sent, as the journal (state, read by that part)
// has them since the first part's run began; 0 for a send in one part
// and for its first part.
func partsSent(state *journal.State, opts sendOptions) int {
	if opts.part.n <= 1 || opts.part.runs >= len(state.Runs) {
		return 0
	}
	n, _ := state.SentSince(state.Runs[opts.part.runs].Started)
	return n
}

// recordRefusal writes the run record of the send st began that refused
// to start, as rows have problems, saying so in words and next
// (journal.Run.Refused; a part's number and what the parts before sent,
// sent, too): tidings report and bounces, rebuilding the
// report from the journal, then tell it as the last send's ending, until
// another send runs. Nothing else of the run is recorded: no row, no key
// column, so that the sends before it stand as they were (what they
// sent, how they ended) and an older tidings reads it as a run that
// delivers nothing. A refusal the journal's last send is already, in
// the same words (journal.State.Refused: a cron retrying the send each
// hour while the sheet is unfixed), with the same flags (recordAgain:
// what report's command to send the rest keeps), is not written again:
// the journal would grow a line a retry and say nothing more. Not
// written, it is warned of on stderr.
func recordRefusal(ctx context.Context, g *globalOptions, st *sendStart, words, next string, sent int, opts sendOptions) {
	if was, wasNext := st.state.Refused(); was == words && wasNext == next && lastSendAgain(st.state) == againOf(st.pl, opts) {
		return
	}
	c := st.in.Campaign
	run := newRun(c, opts.now(), map[string]string{"command": "send"})
	recordAgain(&run, st.pl, opts)
	run.Refused, run.RefusedNext = words, next
	if opts.part.n > 1 {
		run.RefusedPart, run.PartsSent = opts.part.n, sent
	}
	w, err := journal.Open(ctx, st.lock, run)
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		fmt.Fprintf(g.stderr, "warning: the refusal was not recorded in the journal, so tidings report tells the send before it as the last: %v\n", err)
	}
}

// printStopStands says, under a send's refusal to start, that the run
// before it stopped for a cause that must change or pass first
// (journal.State.Stopped, sendpool.StopWhen: the server's quota used
// up), so that the rows, fixed, go only once it has: report's ending
// says so too (sendpool.RefusedAfter). Nothing for any other stop.
func printStopStands(w io.Writer, state *journal.State) {
	if why, when := sendpool.StopStands(sendpool.StopCause(state.Stopped())); when != "" {
		fmt.Fprintf(w, "note: the run before this one stopped (%s): fixed, the rows left go only once %s\n", why, when)
	}
}
