package report

import (
	"strings"

	"github.com/rivo/uniseg"
)

// bracketPairs are the brackets and quotes a cut closes: each opener
// with its closer (a straight double quote is both).
var bracketPairs = map[rune]rune{'(': ')', '[': ']', '{': '}', '"': '"', '“': '”', '«': '»', '‹': '›'}

// closers returns what closes the brackets and quotes s leaves open,
// innermost first: `)` for "at x (check y", `")` for `(as "a b`. A
// closer with no opener before it is passed over; an apostrophe is no
// quote.
func closers(s string) string {
	var open []rune // the closers owed, innermost last
	for _, c := range s {
		if k := len(open); k > 0 && c == open[k-1] {
			open = open[:k-1]
			continue
		}
		if closer, ok := bracketPairs[c]; ok {
			open = append(open, closer)
		}
	}
	var b strings.Builder
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteRune(open[i])
	}
	return b.String()
}

// clipWidth is s for words a person reads on a terminal, by columns
// (Width): s when it takes n columns or fewer, else cut after its last
// whole word that fits (in the last quarter of n), not in a word or a
// number ("stopped the run (1…" of "(10.0%)"), with the punctuation it
// ended at, or else inside a word; with "…" and what closes the brackets
// and quotes the cut leaves open ("(check smtp.host and …)"), all within
// n columns.
func clipWidth(s string, n int) string {
	if Width(s) <= n {
		return s
	}
	var b strings.Builder
	var spaces, ends []int // byte offsets in b: the spaces in reach, every grapheme's end
	w := 0
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		cw := g.Width()
		if w+cw > n-1 {
			break
		}
		if g.Str() == " " && w >= n*3/4 {
			spaces = append(spaces, b.Len())
		}
		b.WriteString(g.Str())
		w += cw
		ends = append(ends, b.Len())
	}
	cut := b.String()
	for i := len(spaces) - 1; i >= 0; i-- {
		kept := strings.TrimRight(cut[:spaces[i]], " ,;:(")
		if out := kept + " …" + closers(kept); Width(out) <= n {
			return out
		}
	}
	for i := len(ends) - 1; i >= 0; i-- {
		kept := cut[:ends[i]]
		if out := kept + "…" + closers(kept); Width(out) <= n {
			return out
		}
	}
	return "…"
}
