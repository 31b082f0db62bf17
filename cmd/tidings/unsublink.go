package main

import (
	"fmt"
	"strconv"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/plan"
)

// unlinkedRows gathers the rows whose message has no link to the row's
// unsubscribe target in a body (render.Message.Unlinked), by note (which
// bodies lack which link), for one warning a note: a template without
// the link gives every row the same.
type unlinkedRows struct {
	order []*render.Unlinked // the notes in the order first met
	rows  map[*render.Unlinked]*plan.RowList
}

// add counts row, whose message has note (nil: none).
func (u *unlinkedRows) add(row int, note *render.Unlinked) {
	if note == nil {
		return
	}
	if u.rows == nil {
		u.rows = map[*render.Unlinked]*plan.RowList{}
	}
	l := u.rows[note]
	if l == nil {
		l = &plan.RowList{}
		u.rows[note] = l
		u.order = append(u.order, note)
	}
	l.Add(strconv.Itoa(row))
}

// lines are the warnings, one a note, each naming the sheet and its rows.
func (u *unlinkedRows) lines(sheet string) []string {
	var out []string
	for _, note := range u.order {
		out = append(out, fmt.Sprintf("warning: %s: %s: %s", sheet, rowsNamed(u.rows[note]), note.Text))
	}
	return out
}
