package render

import (
	"fmt"
	"strings"
)

// cidNameError is the error of an inline image reference whose name goes
// on past what a cid: name holds (letters, digits, '.', '-', '_', '@'),
// as src="cid:logo asso.png" or src="cid:été.png" do: the reference is
// read as cid:logo, so the file looked for is not the one meant. tail is
// the text after the name read up to the end of its attribute value or
// link; nil when there is none, and the name read is the whole
// reference.
func cidNameError(name, tail string) error {
	if tail == "" || strings.TrimSpace(tail) == "" {
		return nil
	}
	whole := name + tail
	return fmt.Errorf("render: inline image cid:%s: a cid: name holds only letters, digits and '.', '-', '_', '@', so this reads as cid:%s; rename the file (%s) and the reference", whole, name, cidSuggestion(whole))
}

// cidTail is the text of src from end, where a cid: name read stops, up
// to the quote, '>', ')' or line end that closes its attribute value or
// Markdown link.
func cidTail(src string, end int) string {
	rest := src[end:]
	if i := strings.IndexAny(rest, "\"'>)\n"); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// cidSuggestion is name with each character a cid: name cannot hold
// replaced by '-': "logo asso.png" → "logo-asso.png".
func cidSuggestion(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._@-", r)) {
			return r
		}
		return '-'
	}, name)
}
