package report

import (
	"bytes"
	"strings"

	"github.com/rivo/uniseg"
)

// Width is how many columns s takes on a terminal: an East Asian wide
// character two, a combining mark none, a grapheme cluster (an emoji
// with its modifiers) as one character (uniseg.StringWidth).
func Width(s string) int { return uniseg.StringWidth(s) }

// Pad is s followed by spaces up to width columns (Width); s itself
// when it is as wide or wider. fmt's %-*s counts runes, which a wide
// character or a combining mark puts out of line.
func Pad(s string, width int) string {
	if n := width - Width(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// writeColumns writes rows to b, one line each, every cell but the last
// padded to its column's width (Width) and gap columns more: the cells
// line up on a terminal whatever characters they hold.
func writeColumns(b *bytes.Buffer, rows [][]string, gap int) {
	var widths []int
	for _, r := range rows {
		for i, c := range r[:max(len(r)-1, 0)] {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], Width(c))
		}
	}
	for _, r := range rows {
		for i, c := range r {
			if i < len(r)-1 {
				c = Pad(c, widths[i]+gap)
			}
			b.WriteString(c)
		}
		b.WriteByte('\n')
	}
}
