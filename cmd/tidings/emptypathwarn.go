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
	var out []string
	for _, c := range b.columns {
		l := b.rows[c]
		rows, those := "row "+l.Join(", "), "its message goes"
		if l.N > 1 {
			rows, those = fmt.Sprintf("%d rows (%s)", l.N, l.Join(", ")), "their messages go"
		}
		id := templates.Identifier(c)
		out = append(out, fmt.Sprintf("warning: %s: column %q, an attachment's path, is empty in %s: %s without the file; fill it in, or write the path as {{if .%s}}{{.%s}}{{end}} for rows that have none on purpose",
			sheet, c, rows, those, id, id))
	}
	return out
}
