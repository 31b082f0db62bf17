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
	// known are where and seen's words by column, worked out once (said).
	known map[string][2]string
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
// shows it (words).
func (b *blankCells) lines(sheet string) []string {
	return columnLines(sheet, b.columns, func(c string) string { return b.words(c, b.rows[c]) })
}

// columnLines are the lines of a warning told a column (blankCells,
// paddedCells, pathWarning), in the order of columns, each "warning:
// SHEET: " and words of its column.
func columnLines(sheet string, columns []string, words func(c string) string) []string {
	out := make([]string, 0, len(columns))
	for _, c := range columns {
		out = append(out, fmt.Sprintf("warning: %s: %s", sheet, words(c)))
	}
	return out
}

// words is the warning of column c blank in rows, after "warning:
// SHEET: ": what lines prints of the rows gathered, and of one row what
// the preview gallery shows with it (rowWarnings). The {{if}} it
// suggests names the column as a template can (templates.Identifier:
// .First_Name for "First Name").
func (b *blankCells) words(c string, rows *plan.RowList) string {
	which, where, verb, seen := b.told(c, rows)
	return fmt.Sprintf("column %q is empty in %s, which %s %s as it is%s: fill it in, or print it within {{if .%s}}…{{end}}",
		c, which, where, verb, seen, templates.Identifier(c))
}

// said is where the templates print column c and the note of what a
// reader sees (seenNote), each worked out once a column: the preview
// asks for them row by row.
func (b *blankCells) said(c string) (where, seen string) {
	if s, ok := b.known[c]; ok {
		return s[0], s[1]
	}
	where = "the subject or the body"
	if b.where != nil {
		where = b.where(c)
	}
	seen = b.seenNote(c)
	if b.known == nil {
		b.known = map[string][2]string{}
	}
	b.known[c] = [2]string{where, seen}
	return where, seen
}

// told is what a warning tells of column c in rows: the rows ("row 4",
// "3 rows (4, 9, 12)"), where it is printed ("the subject and body.txt"),
// the verb that goes with that ("print", or "prints" of one) and the note
// of what a reader sees (said).
func (b *blankCells) told(c string, rows *plan.RowList) (which, where, verb, seen string) {
	which = rowsNamed(rows)
	where, seen = b.said(c)
	verb = "prints"
	if strings.Contains(where, " and ") {
		verb = "print"
	}
	return which, where, verb, seen
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
