package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/templates"
)

// blankCells gathers, by column, the rows whose cell the subject or a body
// prints as it is and which is blank (render.Message.Blank): a mail merge's
// "Dear ," that no error stops. Columns in the order first met.
type blankCells struct {
	// where names the templates printing a column (render.Renderer.PrintedIn);
	// nil: "the subject or the body".
	where func(column string) string
	// seen is what a reader sees of the line that first prints a blank
	// column (render.Renderer.BlankSeen): "Hallo ,"; nil or "": not
	// known, and the warning gives no example.
	seen    func(column string) string
	columns []string
	rows    map[string]*plan.RowList
}

// add counts row for each of columns.
func (b *blankCells) add(row int, columns []string) {
	for _, c := range columns {
		if b.rows == nil {
			b.rows = map[string]*plan.RowList{}
		}
		l := b.rows[c]
		if l == nil {
			l = &plan.RowList{}
			b.rows[c] = l
			b.columns = append(b.columns, c)
		}
		l.Add(strconv.Itoa(row))
	}
}

// lines are the warnings, one a column, for the sheet as displayPath
// shows it; the {{if}} they suggest names the column as a template can
// (templates.Identifier: .First_Name for "First Name").
func (b *blankCells) lines(sheet string) []string {
	var out []string
	for _, c := range b.columns {
		rows, where, verb := b.told(c)
		out = append(out, fmt.Sprintf("warning: %s: column %q is empty in %s, which %s %s as it is%s: fill it in, or print it within {{if .%s}}…{{end}}",
			sheet, c, rows, where, verb, b.seenNote(c), templates.Identifier(c)))
	}
	return out
}

// told is what a warning tells of column: its rows ("row 4", "3 rows
// (4, 9, 12)"), where it is printed ("the subject and body.txt") and the
// verb that goes with that ("print", or "prints" of one).
func (b *blankCells) told(column string) (rows, where, verb string) {
	l := b.rows[column]
	which := l.Join(", ")
	rows = "row " + which
	if l.N > 1 {
		rows = fmt.Sprintf("%d rows (%s)", l.N, which)
	}
	where = "the subject or the body"
	if b.where != nil {
		where = b.where(column)
	}
	verb = "prints"
	if strings.Contains(where, " and ") {
		verb = "print"
	}
	return rows, where, verb
}

// seenNote is the example of what a reader sees, " (a reader sees
// \"Hallo ,\")", or "" when not known: the line the templates print a
// blank column in, as they write it, not a made-up one.
func (b *blankCells) seenNote(column string) string {
	if b.seen == nil {
		return ""
	}
	if line := b.seen(column); line != "" {
		return fmt.Sprintf(" (a reader sees %q)", line)
	}
	return ""
}
