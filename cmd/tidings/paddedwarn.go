package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/plan"
	"github.com/tidings/tidings/templates"
)

// paddedCells gathers, by column, the rows whose cell the subject or a
// body prints as it is with white space at its start or end that a
// reader sees (render.Message.Padded): "Hallo  Anna," of a cell " Anna",
// or "Ölfa   Müller" of "Ölfa  ", which the sheet hides. The line a
// reader sees is the first row's (render.Message.Padded's Seen).
type paddedCells struct {
	blankCells
	first map[string]string // column: what the first row's reader sees
}

// add counts m's padded columns.
func (p *paddedCells) add(m *render.Message) {
	if len(m.Padded) == 0 {
		return
	}
	if p.first == nil {
		p.first = map[string]string{}
	}
	cols := make([]string, 0, len(m.Padded))
	for _, c := range m.Padded {
		if _, ok := p.first[c.Column]; !ok {
			p.first[c.Column] = c.Seen
		}
		cols = append(cols, c.Column)
	}
	p.blankCells.add(m.Row, cols)
}

// lines are the warnings, one a column, for the sheet as displayPath
// shows it (words, with the first row's line): the values are printed as
// the sheet holds them (README: "values as the sheet shows them"), so the
// fix is the user's, in the sheet or with trim in the template.
func (p *paddedCells) lines(sheet string) []string {
	return columnLines(sheet, p.columns, func(c string) string { return p.words(c, p.rows[c], p.first[c]) })
}

// words is the warning of column c padded in rows, after "warning:
// SHEET: ", whose reader sees the line seen ("": not known, and no
// example given): what lines prints of the rows gathered, and of one row,
// with its own line, what the preview gallery shows with it
// (rowWarnings).
func (p *paddedCells) words(c string, rows *plan.RowList, seen string) string {
	which, where, verb, _ := p.told(c, rows)
	note := ""
	if seen != "" {
		note = fmt.Sprintf(" (a reader sees %q", seen)
		if names := spaceNames(seen); names != "" {
			note += "; " + names
		}
		note += ")"
	}
	return fmt.Sprintf("column %q has spaces before or after its text in %s, which %s %s as it is%s: take the spaces out of the cells, or print it as {{trim .%s}}",
		c, which, where, verb, note, templates.Identifier(c))
}

// spaceNames names the white space that seen, a line of a padded cell,
// holds and the warning's quotes show as an escape ("\u00a0"), which
// would leave the reader a puzzle: "\u00a0 is a no-break space, …",
// each once in the order seen holds them; one without words of its own
// (the narrow no-break space U+202F of French text and of numbers some
// spreadsheets format, the thin space U+2009, …) as a space all the same;
// "" when it holds none.
func spaceNames(seen string) string {
	var names []string
	var named []rune
	for _, r := range seen {
		if r == ' ' || !unicode.IsSpace(r) || strconv.IsPrint(r) || slices.Contains(named, r) {
			continue
		}
		named = append(named, r)
		esc := strings.Trim(strconv.QuoteRune(r), "'")
		switch r {
		case '\t':
			names = append(names, `\t is a tab`)
		case '\n':
			names = append(names, `\n is a line break in the cell`)
		case '\u00a0':
			names = append(names, `\u00a0 is a no-break space, which a copy from a web page brings and Excel's TRIM leaves`)
		case '\u3000':
			names = append(names, `\u3000 is the full-width space of Chinese and Japanese text`)
		default:
			names = append(names, fmt.Sprintf("%s is a space too, Unicode's U+%04X", esc, r))
		}
	}
	return strings.Join(names, "; ")
}
