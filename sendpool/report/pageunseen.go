package report

import (
	"fmt"
	"html"
	"html/template"
	"strings"
	"unicode"

	"github.com/tidings/tidings/campaign"
)

// isUnseen reports whether r is a character a key or an address cell of
// the page shows as its code point wherever it is, as unseen.js's UNSEEN:
// an invisible format character (campaign.InvisibleChar) that is
// ZeroWidth (a zero-width space, word joiner or byte order mark, which
// show nothing) or a DirectionControl (the embeddings, overrides and
// isolates, which reorder the text after them).
func isUnseen(r rune) bool {
	return campaign.IsInvisible(r, campaign.ZeroWidth, campaign.DirectionControl)
}

// unseenAt reports whether runes[i] is shown as its code point: isUnseen,
// or a zero-width joiner or non-joiner between two Latin letters, which
// never join, so it only makes the value other than it shows (as unseen.js's
// unseenAt; render warns of the same). Elsewhere Persian, Indic scripts
// and emoji need them, and they stay.
func unseenAt(runes []rune, i int) bool {
	r := runes[i]
	if isUnseen(r) {
		return true
	}
	return campaign.IsInvisible(r, campaign.Joiner) && i > 0 && i+1 < len(runes) &&
		unicode.Is(unicode.Latin, runes[i-1]) && unicode.Is(unicode.Latin, runes[i+1])
}

// joiners are the zero-width joiner and non-joiner, which unseenAt shows
// only between Latin letters.
var joiners = campaign.InvisibleRunes(campaign.Joiner)

// shownHTML is s, escaped, each character unseenAt in it a marked
// "U+202E" of its own (the static part's shownEl).
func shownHTML(s string) template.HTML {
	if !strings.ContainsFunc(s, isUnseen) && !strings.ContainsAny(s, joiners) {
		return template.HTML(html.EscapeString(s))
	}
	var b strings.Builder
	runes := []rune(s)
	for i, r := range runes {
		if unseenAt(runes, i) {
			fmt.Fprintf(&b, `<span class="unseen" title="U+%04X: an invisible character the value holds here">U+%04X</span>`, r, r)
			continue
		}
		b.WriteString(html.EscapeString(string(r)))
	}
	return template.HTML(b.String())
}
