package main

import (
	"context"
	"sync"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/sendpool/report"
)

// sendEnd is how a send ended, for its report's ending (report.Ending)
// and its summary: what send.daily_cap lets go after it, worked out once
// for both (the report's files are written beside the page, the summary
// printed after).
type sendEnd struct {
	ctx   context.Context
	c     *campaign.Campaign
	pl    *plan.Plan
	allow plan.Allowance
	opts  sendOptions
	// cut: delivery stopped before its end (an interrupt, a stop).
	cut bool

	once    sync.Once
	capLine bool        // daily_cap held rows back (capReachedLine)
	room    int         // how many the cap lets go now
	next    time.Time   // when it lets the next go once those have (zero: not known)
	slots   []time.Time // when it lets each go once those have (capWhen)
}

// capRoom is what send.daily_cap lets go after the run, whose summary
// counts notAttempted rows not attempted: whether it held rows back, how
// many it lets go now, and when the next once those have gone
// (capNext, which reads the journal again: once).
func (e *sendEnd) capRoom(notAttempted int) (capLine bool, room int, next time.Time) {
	e.once.Do(func() {
		e.capLine = e.allow.Capped && e.allow.N < e.pl.ToSend && !e.cut
		if e.capLine || e.c.Send.DailyCap > 0 && notAttempted > 0 {
			e.room, e.next, e.slots = capNext(e.ctx, e.c, e.opts)
		}
	})
	return e.capLine, e.room, e.next
}

// fill notes in sum what the summary says beyond its rows' counts: the
// rows the next send sends besides (AgainAlso), its command (noteAgain)
// and what the cap lets it send now and when the rest (CapRoom, CapAfter:
// capWhen of as many as it sends past those).
func (e *sendEnd) fill(sum *report.Summary) {
	_, room, _ := e.capRoom(sum.NotAttempted)
	sum.AgainRevised = revisedHeld(e.pl, e.allow)
	sum.AgainAlso = againAlso(*sum, e.opts) + sum.AgainRevised
	noteAgain(sum, e.c.File, againOf(e.pl, e.opts))
	sum.CapRoom(room, "")
	sum.CapAfter = capWhen(e.slots, sum.NextSends()-sum.CapLeft, sum.CapLeft, e.opts.now())
}

// revisedHeld counts the rows pl sends again as changed
// (--resend-changed: plan.Plan.RevisedToSend) that the run did not hand
// over, past what allow let go (daily_cap, --limit).
func revisedHeld(pl *plan.Plan, allow plan.Allowance) int {
	switch {
	case allow.N >= pl.ToSend:
		return 0
	case allow.N <= 0:
		return pl.RevisedToSend
	}
	return pl.RevisedToSend - pl.RevisedWithin(allow.N)
}

// ending is the report's ending of the run whose rows sum counts
// (report.Reporter.NoteEnding).
func (e *sendEnd) ending(sum report.Summary) report.Ending {
	e.fill(&sum)
	_, _, next := e.capRoom(sum.NotAttempted)
	_, refused := e.pl.Refused()
	return sum.Ending(report.EndFacts{HeldFor: heldBackNote(e.allow, e.pl.ToSend, e.opts), CapNext: next, RcptRefused: refused, Now: e.opts.now()})
}

// reportEnd notes in sum what report's summary says beyond its rows'
// counts, as send's said it (the command that sends the rest, the line
// of the rows the last send held back from its start, what
// send.daily_cap lets go at now), and returns the facts of the last
// send's ending (report.EndFacts: a send refused to start included,
// journal.State.Refused; its CapNext when the cap lets the next go), with
// whether the cap lets none go (capHolds). The command is the one the
// last send's summary gave (reportAgain).
func reportEnd(c *campaign.Campaign, state *journal.State, sum *report.Summary, now time.Time) (capped bool, facts report.EndFacts) {
	noteAgain(sum, c.File, reportAgain(state, sum.Invalid))
	held, heldFor := state.Held()
	sum.Held(held, heldFor, state.Interrupted())
	capped, next := capHolds(c, state, sum, now)
	facts = report.EndFacts{Running: state.SendRuns(), NoRun: state.Len() == 0, Unrecorded: state.Unrecorded(), Short: state.EndedShort(), CapNext: next, Now: now}
	facts.Refused, facts.RefusedNext = state.Refused()
	if r, ok := state.LastDelivery(); ok { // a send's run, not bounces' nor a test send's
		facts.NoRun, facts.HeldFor = false, r.HeldFor
	}
	return capped, facts
}

// reportAgain are the flags of the command report names to send the
// rest: those the last send ran with, as its summary gave them
// (lastSendAgain); and --skip-invalid while rows are invalid (invalid of
// them), as a plain send refuses to start then, unless the last send
// refused so (journal.State.Refused): its advice is to fix them, or
// that.
func reportAgain(state *journal.State, invalid int) againFlags {
	a := lastSendAgain(state)
	if words, _ := state.Refused(); words != "" {
		a.skipInvalid = false
	} else if invalid > 0 {
		a.skipInvalid = true
	}
	return a
}

// killedRunWords are the words of the end of the journal's (state's)
// latest send run when it was killed outright (journal.State.Unrecorded,
// EndedShort: report.EndFacts.KilledWords), for the report page's run
// table (report.PageInput.Killed); "" when it was not, and while it is
// the send running beside the reader.
func killedRunWords(state *journal.State) string {
	return report.EndFacts{Unrecorded: state.Unrecorded(), Short: state.EndedShort()}.KilledWords()
}
