package main

import (
	"strconv"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/plan"
)

// rowWarnings are the warnings of m's row alone, in Done's order, each in
// the words of the line Add or Done prints of it (after "warning: SHEET: "
// and, where the line names its rows before the words, "row N: "): what
// the preview gallery shows with the row. Nil for a row without notes (a
// row not sent now has none: render.Message.Unsent). Like Add, not safe
// for concurrent use.
func (mw *messageWarnings) rowWarnings(m *render.Message) []string {
	out := append([]string(nil), m.Warnings...)
	if m.SharedUnsubscribe > 0 {
		out = append(out, sharedUnsubscribeWords(m.SharedUnsubscribe))
	}
	row := &plan.RowList{}
	row.Add(strconv.Itoa(m.Row))
	for _, c := range m.Blank {
		out = append(out, mw.blank.words(c, row))
	}
	for _, c := range m.Padded {
		out = append(out, mw.padded.words(c.Column, row, c.Seen))
	}
	for _, c := range m.NoFile {
		out = append(out, noFileWarning.words(c, row))
	}
	for _, c := range m.NoImage {
		out = append(out, noImageWarning.words(c, row))
	}
	if m.Unlinked != nil {
		out = append(out, m.Unlinked.Text)
	}
	return out
}
