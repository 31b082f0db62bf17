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
	// cleared holds the normalized keys left out of the counts: a retry
	// of one (--retry-failed, at a corrected address) counts as new.
	cleared map[string]bool
	// listed is false when the campaign has no suppression list.
	listed bool
}

// newBounceGuard counts what the journal (state) has: the recipients
// refused for good are left out when supp (nil for none) names every
// address of their To, when inSheet (nil: not known) does not mark
// them, or when the refusal was one to relay (relayFailed); with policy.RetryFailed (--retry-failed) those refused at RCPT or DATA whose
// row the sheet has are left out too (those policy's RetryFailed covers:
// journal.Policy.Covers), and count when this run retries them (at the
// address the row has now, corrected maybe).
func newBounceGuard(limit float64, state *journal.State, supp *campaign.Suppression, inSheet *journal.Marks, policy journal.Policy) (*bounceGuard, error) {
	g := &bounceGuard{limit: limit, state: state, listed: supp != nil, cleared: map[string]bool{}}
	if limit <= 0 {
		return g, nil
	}
	cleared := func(e *journal.Entry) bool {
		gone := inSheet != nil && !inSheet.Marked(e.Key)
		retried := policy.RetryFailed && policy.Covers(e.Run) && !gone && e.Status == sendpool.StatusFailed
		if !gone && !retried && !relayFailed(e) && (supp == nil || !allSuppressed(supp, e.To)) {
			return false
		}
		g.cleared[e.NormKey] = true
		return true
	}
	var err error
	g.attempted, g.refused, err = state.OutcomesBut(cleared)
	return g, err
}

// relayFailed reports whether e's delivery failed for a refusal to relay
// (sendpool.IsRelayRefusal): the server will not carry mail to the
// domain for this client (it relays to some domains only), which says
// nothing of the address or of the list, so the guard counts it not.
func relayFailed(e *journal.Entry) bool {
	return e.Result != nil && e.Result.Status == sendpool.StatusFailed && sendpool.IsRelayRefusal(e.Result.Code, e.Result.Detail)
}

// add counts r, unless it failed for a refusal to relay (relayFailed),
// and returns the error that stops the run the first time
// the rate is passed; nil otherwise. It goes on counting after the stop:
// the messages in flight then finish, and the report counts them.
func (g *bounceGuard) add(r sendpool.Result) error {
	if g.limit <= 0 || r.Attempts == 0 || r.Status == sendpool.StatusFailed && sendpool.IsRelayRefusal(r.Code, r.Detail) {
		return nil // a refusal to relay is no sign of the list (relayFailed)
	}
	if g.stopped {
		g.inFlight++
	}
	e, ok := g.state.Brief(r.Key)
	known := ok && (e.Attempts > 0 || e.Delivered) && !g.cleared[journal.NormalizeKey(r.Key)] // counted from the journal already
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
