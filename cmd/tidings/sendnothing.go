package main

import (
	"cmp"
	"context"
	"errors"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/report"
)

// sendNothing ends the send st began when it has nothing to send now
// (allow.N is 0: every row sent or settled, or daily_cap used up: a
// daily cron job's run on most days near a campaign's end): it opens no
// run in the journal, whose line each such run added, and rewrites the
// report from the preflight's decisions, prints the summary and returns
// the run's outcome as a send that went would (0 when every row is sent
// or settled; 1 while some are held back or failed). When the preflight
// decided a row the journal does not have yet (plan.ErrUnjournaled: a row
// suppressed or broken since), the run goes as before, its line holding
// the decision; so does a run that owes copies to the Sent folder
// (copiesOwed), which makes them, and one after a send refused to start
// (journal.State.Refused), whose line ends the refusal: report, rebuilt
// from the journal, tells this send's ending, not the refusal's. It
// closes st.
func sendNothing(ctx context.Context, g *globalOptions, opts sendOptions, path string, st *sendStart, allow plan.Allowance) error {
	c := st.in.Campaign
	if refused, _ := st.state.Refused(); refused != "" || copiesOwed(c, st.state) {
		return sendParts(ctx, g, opts, path, st, allow)
	}
	reporter, err := report.NewReporter(c.StateDir, report.ReporterOptions{})
	if err != nil {
		st.close()
		return &unusableError{err}
	}
	setup := setupContext(ctx, g)
	err = st.pl.Seed(setup, reporter, nil, plan.Hold{Detail: heldBackNote(allow, st.pl.ToSend, opts)})
	if errors.Is(err, plan.ErrUnjournaled) {
		reporter.Close()
		return sendParts(ctx, g, opts, path, st, allow)
	}
	defer st.close()
	defer reporter.Close()
	if err != nil {
		return &unusableError{err}
	}
	after := &sendEnd{ctx: ctx, c: c, pl: st.pl, allow: allow, opts: opts}
	reporter.NoteEnding(after.ending)
	rl := holdReport(setup, g, c, true)
	flushErr, page, pageErr := writeSendReports(setup, g, c, reporter, report.PageInput{Rows: reporter.Each, Settings: lastSendSettings(c, st.state), Now: opts.now()}, rl != nil)
	releaseReport(g, rl)
	sum, countErr := reporter.Count()
	noteRelayWords(&sum, c, st.cfg.Dialer)
	printSummary(g, c, st.pl, &sum, allow, opts, runEnd{page: page, files: flushErr == nil, counted: countErr == nil, part: opts.part, after: after})
	if err := cmp.Or(flushErr, pageErr); err != nil {
		return err
	}
	return sendOutcome(g, st.pl, sum, allow, opts)
}

// capUsedUp says whether send.daily_cap lets no message of a real send go
// now (the journal, state, has as many in the last 24 hours): its
// preflight renders nothing then but for rows no earlier generation of
// the campaign as it is holds (plan.Options.SendsNone).
func capUsedUp(c *campaign.Campaign, state *journal.State, opts sendOptions) bool {
	if c.Send.DailyCap <= 0 || opts.test != "" || opts.testSet || opts.part.n > 1 {
		return false
	}
	left, _ := state.Quota(c.Send.DailyCap, 24*time.Hour, opts.now())
	return left <= 0
}

// copiesOwed says whether c keeps copies in a Sent folder and an earlier
// run left some to make (plan.CopiesOwed; a journal that cannot be read
// says yes, for the run to tell).
func copiesOwed(c *campaign.Campaign, state *journal.State) bool {
	m := c.Mailbox
	if !m.Configured() || m.SentFolder == "" {
		return false
	}
	owed, err := plan.CopiesOwed(state, m.SentCopies == campaign.SentCopiesOne)
	return owed || err != nil
}
