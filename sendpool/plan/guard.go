package plan

import (
	"fmt"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
)

// ErrBounceRate marks a run the send guard stopped: too many of the
// campaign's recipients were refused for good (send.max_bounce_rate). It
// is sendpool's, whose StopFix reads its words in a report.
var ErrBounceRate = sendpool.ErrBounceRate

// guardMinimum is how many recipients must have been tried before the
// guard judges the rate: a few early refusals say little about a list.
const guardMinimum = 200

// bounceGuard counts the campaign's recipients tried and refused for good,
// from the journal on (a resumed run does not start from zero), and says
// when the share refused passes the limit. A recipient refused in an
// earlier run whose address the suppression list names since, or whose
// row the sheet no longer has, counts not at all: the list was cleaned of
// it, which is what the guard's stop asks for. It is used from the pool's
// result callback, one call at a time.
type bounceGuard struct {
	limit              float64 // a fraction; 0 is off
	state              *journal.State
	attempted, refused int
	stopped            bool
	// atStop is attempted and refused when the guard stopped the run:
	// the messages in flight then finish after it, and count on;
	// inFlight counts them.
	atStop   [2]int
	inFlight int
	// cleared marks the recipients left out of the counts: a retry of
	// one (--retry-failed, at a corrected address) counts as new.
	cleared *journal.Marks
	// listed is false when the campaign has no suppression list.
	listed bool
}

// newBounceGuard counts what the journal (state) has: the recipients
// refused for good are left out when inSheet (nil: not known) does not
// mark them, when the refusal was one to relay (journal.Refusal.Relay:
// it says nothing of the address or of the list), or when supp (nil for
// none) names every address of their To; with policy.RetryFailed
// (--retry-failed) those refused at RCPT or DATA whose row the sheet has
// are left out too (those policy's RetryFailed covers:
// journal.Policy.Covers), and count when this run retries them (at the
// address the row has now, corrected maybe). Only the To asks for a
// recipient's lines to be read back: without supp none is.
func newBounceGuard(limit float64, state *journal.State, supp *campaign.Suppression, inSheet *journal.Marks, policy journal.Policy) (*bounceGuard, error) {
	g := &bounceGuard{limit: limit, state: state, listed: supp != nil}
	if limit <= 0 {
		return g, nil
	}
	g.cleared = state.NewMarks()
	cleared := func(r journal.Refusal) (bool, error) {
		gone := inSheet != nil && !r.In(inSheet)
		retried := policy.RetryFailed && policy.Covers(r.Run) && !gone && r.Status == sendpool.StatusFailed
		out := gone || retried || r.Relay
		if !out && supp != nil {
			e, err := r.Entry()
			if err != nil {
				return false, err
			}
			out = allSuppressed(supp, e.To)
		}
		if out {
			r.MarkIn(g.cleared)
		}
		return out, nil
	}
	var err error
	g.attempted, g.refused, err = state.OutcomesBut(cleared)
	return g, err
}

// add counts r, unless it failed for a refusal to relay (no sign of the
// list: sendpool.IsRelayRefusal), and returns the error that stops the
// run the first time the rate is passed; nil otherwise. It goes on
// counting after the stop: the messages in flight then finish, and the
// report counts them.
func (g *bounceGuard) add(r sendpool.Result) error {
	if g.limit <= 0 || r.Attempts == 0 || r.Status == sendpool.StatusFailed && sendpool.IsRelayRefusal(r.Code, r.Detail) {
		return nil
	}
	if g.stopped {
		g.inFlight++
	}
	e, ok := g.state.Brief(r.Key)
	known := ok && (e.Attempts > 0 || e.Delivered) && !g.cleared.Marked(r.Key) // counted from the journal already
	wasRefused := known && e.Delivery == sendpool.StatusFailed
	if !known {
		g.attempted++
	}
	switch {
	case r.Status == sendpool.StatusFailed && !wasRefused:
		g.refused++
	case r.Status != sendpool.StatusFailed && wasRefused:
		g.refused-- // --retry-failed, and it went through this time
	}
	return g.check()
}

// check returns the error that stops the run when the rate is passed.
func (g *bounceGuard) check() error {
	if g.limit <= 0 || g.stopped || g.attempted < guardMinimum || float64(g.refused) <= g.limit*float64(g.attempted) {
		return nil
	}
	g.stopped = true
	g.atStop = [2]int{g.attempted, g.refused}
	list := "the suppress: file"
	if !g.listed {
		list = "a suppress: file (the campaign has none yet)"
	}
	return &sendpool.StopError{Kind: ErrBounceRate, Detail: fmt.Sprintf(
		"%d of the %d recipients tried when it stopped the run (%.1f%%) were refused for good, over send.max_bounce_rate %s: a list that bad hurts the sender's reputation for every later campaign. "+
			"Clean it before sending the rest: put the addresses refused so far in %s (the to column of report.csv's failed rows, without the names; tidings bounces adds the ones that bounced later) or take their rows out of the sheet, either of which takes them out of this count (so does correcting a row's address and sending with --retry-failed, which counts it again as it goes), and fix or remove the bad addresses not tried yet; or raise send.max_bounce_rate",
		g.refused, g.attempted, 100*float64(g.refused)/float64(g.attempted), percent(g.limit), list)}
}

// afterStop is what the guard counted once the run was over, for its
// summary: "" unless it stopped the run and messages in flight then
// finished after it, which its stop's words do not count and the report
// does.
func (g *bounceGuard) afterStop() string {
	if !g.stopped || g.atStop == [2]int{g.attempted, g.refused} {
		return ""
	}
	return fmt.Sprintf("the bounce-rate guard stopped the run at %d of %d refused for good; with the %s in flight then, which finished after it: %d of the %d recipients tried (%.1f%%)",
		g.atStop[1], g.atStop[0], report.Plural(g.inFlight, "message"), g.refused, g.attempted, 100*float64(g.refused)/float64(g.attempted))
}

// percent writes a fraction as a percentage: 0.05 → "5%".
func percent(f float64) string {
	return fmt.Sprintf("%g%%", f*100)
}
