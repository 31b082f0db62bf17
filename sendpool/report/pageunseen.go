package report

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// isUnseen reports whether r is a character a key or an address cell of
// the page shows as its code point, as page.js's UNSEEN: a zero-width
// space, word joiner or byte order mark, which show nothing, and the
// embeddings, overrides and isolates, which reorder the text after them.
func isUnseen(r rune) bool {
	return r == '\u200B' || r == '\u2060' || r == '\uFEFF' || r >= '\u202A' && r <= '\u202E' || r >= '\u2066' && r <= '\u2069'
}

// shownHTML is s, escaped, each isUnseen character in it a marked
// "U+202E" of its own (the static part's shownEl).
func shownHTML(s string) template.HTML {
	if !strings.ContainsFunc(s, isUnseen) {
		return template.HTML(html.EscapeString(s))
	}
	var b strings.Builder
	for _, r := range s {
		if isUnseen(r) {
			fmt.Fprintf(&b, `<span class="unseen" title="U+%04X: an invisible character the value holds here">U+%04X</span>`, r, r)
			continue
		}
		b.WriteString(html.EscapeString(string(r)))
	}
	return template.HTML(b.String())
}
