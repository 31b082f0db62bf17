package main

import (
	"fmt"

	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/templates"
)

// pathWarning is the warning of a column whose blank cell empties a
// file's path: say makes it, after "warning: SHEET: ", from the column,
// its rows ("row 4", "3 rows (4, 9, 12)"), their messages and verb, one
// or many ("its message goes", "their messages go"), and the column's
// template identifier.
type pathWarning struct {
	one, many string
	say       func(c, rows, those, id string) string
}

// noFileWarning is the warning of the rows whose blank cell emptied an
// attachment's path (render.Message.NoFile): their messages go without
// the file, which a ticket or an invoice campaign must not do unsaid
// (rev-user17); the {{if}} it suggests says a row has none on purpose.
var noFileWarning = pathWarning{one: "goes", many: "go", say: func(c, rows, those, id string) string {
	return fmt.Sprintf("column %q, an attachment's path, is empty in %s: %s without the file; fill it in, or write the path as {{if .%s}}{{.%s}}{{end}} for rows that have none on purpose",
		c, rows, those, id, id)
}}

// noImageWarning is noFileWarning's of the rows whose blank cell emptied
// the path of an inline image of the row's own (render.Message.NoImage):
// their messages go without it, a broken image where the body shows it;
// the {{if}} it suggests goes around the <img>.
var noImageWarning = pathWarning{one: "shows", many: "show", say: func(c, rows, those, id string) string {
	return fmt.Sprintf("column %q, an inline image's path (cid:), is empty in %s: %s a broken image there; fill it in, or write {{if .%s}}<img src=\"cid:{{.%s}}\">{{end}} in the HTML for rows that have none on purpose",
		c, rows, those, id, id)
}}

// words is p's warning of column c, blank in rows: what lines prints of
// the rows gathered, and of one row what the preview gallery shows with
// it (rowWarnings).
func (p pathWarning) words(c string, rows *plan.RowList) string {
	those := "its message " + p.one
	if rows.N > 1 {
		those = "their messages " + p.many
	}
	return p.say(c, rowsNamed(rows), those, templates.Identifier(c))
}

// lines are p's warnings of the rows gathered in b by column, one line a
// column for the sheet as displayPath shows it.
func (p pathWarning) lines(b *blankCells, sheet string) []string {
	return columnLines(sheet, b.columns, func(c string) string { return p.words(c, b.rows[c]) })
}
