package render

import (
	"strings"

	"github.com/tidings/tidings/campaign"
)

// Notes is what Render tells of row besides its message, worked out
// without rendering it: a Message with Row, Key, Recipients, Warnings,
// SharedUnsubscribe and Blank filled as Render fills them, the warnings
// in the same order, and nothing else (no Data). It runs the To, Cc, Bcc
// and subject templates and looks at the row's values, not at the
// bodies, for a row whose message was made before from the same inputs
// (a reused spool's: plan.Preflight). A row with a problem returns it, as
// a *campaign.RowError or campaign.RowErrors, with what was told before
// it; Notes does not look for every problem Render would. It is safe for
// concurrent use.
func (r *Renderer) Notes(row campaign.Row) (*Message, error) {
	st := r.pool.Get().(*state)
	defer r.pool.Put(st)
	m := &Message{Row: row.Number, Key: strings.TrimSpace(row.Values[r.keyCol])}
	var probs rowProblems
	probs.add(r.controlsError(row, m))
	var lists [3][]mailbox
	for i, f := range []*addrField{&r.to, &r.cc, &r.bcc} {
		list, err := r.addresses(f, row, &st.field)
		probs.add(err)
		lists[i] = list
	}
	if probs.none() { // as rowAddresses, which tells them once the addresses are good
		m.Recipients = recipients(lists[:]...)
		m.Warnings = append(m.Warnings, dotlessWarnings(m.Recipients)...)
		m.SharedUnsubscribe = r.sharedUnsubscribe(lists[0])
	}
	_, err := r.rowSubject(row, &st.field, m)
	probs.add(err)
	if err := probs.err(); err != nil {
		return m, err
	}
	m.Blank = r.set.PrintedBlank(row)
	return m, nil
}
