package journal

import (
	"cmp"
	"iter"
	"slices"
	"strings"

	"github.com/tidings/tidings/sendpool"
)

// ReportLine is the result line the report shows for e: the result behind
// its Status (an attempt without a result becomes an unknown line naming
// the attempt; a sent message that reports came back about, as they say),
// with the row, key and To as last recorded and Attempts counting body
// hand-overs across runs. ok is false when e has none (nothing but
// feedback).
func (e *Entry) ReportLine() (r Result, ok bool) {
	switch {
	case e.delivery == sendpool.StatusUnknown && e.Pending && e.LastAttempt != nil:
		a := e.LastAttempt
		r = e.WithFeedback(Result{
			Row: a.Row, Key: a.Key, NormKey: a.NormKey, To: a.To, Cc: a.Cc, Bcc: a.Bcc, Status: sendpool.StatusUnknown,
			Detail:    unknownDetail(a),
			MessageID: a.MessageID, Hash: a.Hash, Started: a.Time,
		})
		if e.InHand {
			r.Status, r.Detail = sendpool.StatusSending, inHandDetail(a)
		}
	case e.delivery == sendpool.StatusSent && e.Result != nil && e.owedSent() != nil:
		r = e.OwedLine(*e.owedSent())
	case e.delivery != NoStatus && e.Result != nil && !e.decided:
		r = e.WithFeedback(*e.Result)
		if e.RunHolds && r.Status == sendpool.StatusDeferred {
			r.Detail = RunHoldsNote + ": " + r.Detail
		}
	case e.Note != nil:
		r = *e.Note
	default:
		return Result{}, false
	}
	r.Row, r.Key = e.Row, e.Key
	if r.To == "" {
		r.To = e.To
	}
	if e.Attempts > 0 {
		r.Attempts = e.Attempts
	}
	return r, true
}

// LineFor is ReportLine for a row whose envelope recipients are now
// recipients (nil: not known, ReportLine as it is). A message delivered to
// some recipients whose row no longer names any it still owes is done: no
// send goes to them, so the line is sent (not unknown, whatever the last
// send to them got) and its detail says they left the row. Send's report
// and report's from the spool both use it.
func (e *Entry) LineFor(recipients []string) (Result, bool) {
	r, ok := e.ReportLine()
	if !ok || recipients == nil || e.delivery != sendpool.StatusSent || len(e.Owed) == 0 || len(e.OwedIn(recipients)) > 0 {
		return r, ok
	}
	if r.Status == sendpool.StatusUnknown {
		// As OwedLine has it when the later send is no longer open.
		first := e.firstDelivery()
		r.Status, r.Code, r.EnhancedCode = first.Status, first.Code, first.EnhancedCode
	}
	r.Detail += "; the recipients it still owed (" + strings.Join(e.Owed, ", ") + ") are no longer in the row"
	return r, true
}

// OwesIn says whether a send still goes to some recipients of e's
// message, which an earlier send delivered to the others, for a row whose
// envelope is recipients now: e owes recipients the server deferred, with
// no send to them since that was refused for good or lost its reply (as
// State.Settle decides without flags), no decision since holds them back
// (a send journals one while a recipient of the row is suppressed, which
// Settle does not know of: the next send looks at the list again), and
// recipients names one of them. With recipients nil (not known) it is
// false: no send is promised.
func (e *Entry) OwesIn(recipients []string) bool {
	return e.owes && len(e.OwedIn(recipients)) > 0
}

// OwedIn returns the recipients e still owes (Owed) that recipients (a
// row's envelope now) names, compared as addresses are (case aside).
func (e *Entry) OwedIn(recipients []string) []string {
	var out []string
	for _, o := range e.Owed {
		if slices.ContainsFunc(recipients, func(r string) bool { return strings.EqualFold(r, o) }) {
			out = append(out, o)
		}
	}
	return out
}

// OwedLine is the report line of e, a message an earlier send delivered
// to some of its recipients while others were still owed it (e.Result),
// after later, the result of a send to those: sent, since the first
// recipients have it (or as reports that came back say,
// Entry.WithFeedback), unless later's outcome is not known, which leaves
// the row unknown. The detail gives later's status and reply first, the
// owed recipients sends to them refused for good (e.Refused, later's),
// then the first delivery's detail (which names the recipients it did not
// reach). The line keeps the first delivery's server and times, and its
// reply code unless the row is unknown; the caller sets Row, Key and
// Attempts. Send's report (for the run
// that makes the send) and ReportLine (for later runs and tidings report)
// both use it.
func (e *Entry) OwedLine(later Result) Result {
	r := e.firstDelivery()
	if later.Status == sendpool.StatusUnknown || later.Status == sendpool.StatusSending {
		// No final reply: the reply code is not known either.
		r.Status, r.Code, r.EnhancedCode = later.Status, later.Code, later.EnhancedCode
	}
	resent := "resent to the recipients still owed: " + later.Status.String() + " (" + later.reply() + ")"
	if refused := appendNew(slices.Clone(e.Refused), later.Refused); len(refused) > 0 {
		resent += "; refused for good: " + strings.Join(refused, ", ")
	}
	r.Detail = resent + "; first delivery: " + r.Detail
	return r
}

// firstDelivery is the line of the delivery that reached some of e's
// recipients: sent, or as reports that came back say.
func (e *Entry) firstDelivery() Result {
	r := *e.Result
	r.Status = sendpool.StatusSent
	return e.WithFeedback(r)
}

// owedSent is the latest send to the recipients e still owed (an attempt
// without a result, as an unknown result naming it), nil when none. A
// sent key is sent nothing else (a resumed run skips it), so an attempt
// after its delivery while some are owed is such a send.
func (e *Entry) owedSent() *Result {
	switch {
	case e.Pending && len(e.Owed) > 0 && e.InHand:
		return &Result{Status: sendpool.StatusSending, Detail: inHandDetail(e.LastAttempt)}
	case e.Pending && len(e.Owed) > 0:
		return &Result{Status: sendpool.StatusUnknown, Detail: unknownDetail(e.LastAttempt)}
	}
	return e.OwedResult
}

// Report yields one result line per recipient (Entry.ReportLine) and per
// row-only fact, by row then key, for report.csv and report.json: the
// latest duplicate (or key-less) result of each row that no later record
// names comes with the recipients. Rows are as last recorded: a row number
// may have moved if the sheet was edited between runs. It reads the lines
// back as it goes (memory stays flat) and stops at the first error, which
// it yields with a zero Result.
func (s *State) Report() iter.Seq2[Result, error] {
	return func(yield func(Result, error) bool) {
		facts, err := s.RowFacts()
		if err != nil {
			yield(Result{}, err)
			return
		}
		for e, err := range s.All() {
			if err != nil {
				yield(Result{}, err)
				return
			}
			r, ok := e.ReportLine()
			if !ok {
				continue
			}
			for len(facts) > 0 && lineBefore(&facts[0], &r) {
				if !yield(facts[0], nil) {
					return
				}
				facts = facts[1:]
			}
			if !yield(r, nil) {
				return
			}
		}
		for _, f := range facts {
			if !yield(f, nil) {
				return
			}
		}
	}
}

// lineBefore orders report lines by row, then key.
func lineBefore(a, b *Result) bool {
	return cmp.Or(cmp.Compare(a.Row, b.Row), strings.Compare(a.NormKey, b.NormKey)) < 0
}

// RowFacts returns the results that belong to a row rather than to a key
// (a duplicate, a row without a key) and still stand (no later record
// names the row), read back, by row then key.
func (s *State) RowFacts() ([]Result, error) {
	var out []Result
	for row, f := range s.rows {
		if f.superseded {
			continue
		}
		r, err := s.resultAt(f.at)
		if err != nil {
			return nil, err
		}
		if r.Row != row || r.NormKey != "" && r.Status != sendpool.StatusDuplicate {
			return nil, s.lineError(f.at, errChanged)
		}
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b Result) int {
		return cmp.Or(cmp.Compare(a.Row, b.Row), strings.Compare(a.NormKey, b.NormKey))
	})
	return out, nil
}
