package main

import (
	"fmt"

	"github.com/tidings/tidings/templates"
)

// noFileLines are the warnings of the rows whose blank cell emptied an
// attachment's path (render.Message.NoFile), gathered in b by column, one
// line a column for the sheet as displayPath shows it: their messages go
// without the file, which a ticket or an invoice campaign must not do
// unsaid (rev-user17); the {{if}} they suggest says a row has none on
// purpose.
func noFileLines(b *blankCells, sheet string) []string {
	return blankPathLines(b, "goes", "go", func(c, rows, those, id string) string {
		return fmt.Sprintf("warning: %s: column %q, an attachment's path, is empty in %s: %s without the file; fill it in, or write the path as {{if .%s}}{{.%s}}{{end}} for rows that have none on purpose",
			sheet, c, rows, those, id, id)
	})
}

// noImageLines are noFileLines of the rows whose blank cell emptied the
// path of an inline image of the row's own (render.Message.NoImage):
// their messages go without it, a broken image where the body shows
// it; the {{if}} they suggest goes around the <img>.
func noImageLines(b *blankCells, sheet string) []string {
	return blankPathLines(b, "shows", "show", func(c, rows, those, id string) string {
		return fmt.Sprintf("warning: %s: column %q, an inline image's path (cid:), is empty in %s: %s a broken image there; fill it in, or write {{if .%s}}<img src=\"cid:{{.%s}}\">{{end}} in the HTML for rows that have none on purpose",
			sheet, c, rows, those, id, id)
	})
}

// blankPathLines is a line a column of b, each made by line from the
// column, its rows ("row 4", "3 rows (4, 9, 12)"), their messages and
// verb, one or many ("its message goes", "their messages go"), and the
// column's template identifier.
func blankPathLines(b *blankCells, one, many string, line func(c, rows, those, id string) string) []string {
	var out []string
	for _, c := range b.columns {
		l := b.rows[c]
		rows, those := "row "+l.Join(", "), "its message "+one
		if l.N > 1 {
			rows, those = fmt.Sprintf("%d rows (%s)", l.N, l.Join(", ")), "their messages "+many
		}
		out = append(out, line(c, rows, those, templates.Identifier(c)))
	}
	return out
}
