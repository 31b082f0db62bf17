package markdown

import (
	"strings"

	east "github.com/yuin/goldmark/extension/ast"
)

// table writes a table in aligned columns, " | " between cells and a rule
// of dashes under the header row:
//
//	Item    | Qty
//	--------+----
//	Apples  |   3
func (p *plain) table(t *east.Table) {
	var rows [][]string
	var widths []int
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		var cells []string
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			s := strings.ReplaceAll(p.inlineText(c), "\n", " ")
			if i := len(cells); i < len(widths) {
				widths[i] = max(widths[i], displayWidth(s))
			} else {
				widths = append(widths, displayWidth(s))
			}
			cells = append(cells, s)
		}
		rows = append(rows, cells)
	}
	for i, cells := range rows {
		p.line(strings.TrimRight(tableRow(cells, widths, t.Alignments), " "))
		if _, header := t.FirstChild().(*east.TableHeader); header && i == 0 {
			rule := make([]string, len(widths))
			for j, w := range widths {
				rule[j] = strings.Repeat("-", w)
			}
			p.line(strings.Join(rule, "-+-"))
		}
	}
}

// tableRow is one row's cells padded to widths and aligned.
func tableRow(cells []string, widths []int, align []east.Alignment) string {
	var b strings.Builder
	for j, w := range widths {
		if j > 0 {
			b.WriteString(" | ")
		}
		s := ""
		if j < len(cells) {
			s = cells[j]
		}
		pad := w - displayWidth(s)
		a := east.AlignNone
		if j < len(align) {
			a = align[j]
		}
		switch a {
		case east.AlignRight:
			b.WriteString(strings.Repeat(" ", pad))
			b.WriteString(s)
		case east.AlignCenter:
			b.WriteString(strings.Repeat(" ", pad/2))
			b.WriteString(s)
			b.WriteString(strings.Repeat(" ", pad-pad/2))
		default:
			b.WriteString(s)
			b.WriteString(strings.Repeat(" ", pad))
		}
	}
	return b.String()
}
