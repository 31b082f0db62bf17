package templates

import "github.com/tidings/tidings/campaign"

// maskOutside is s with every byte campaign.WalkTop does not visit (inside a
// quoted-string, a comment or a domain literal, their delimiters
// included) made 'c', so that an @ or a space there ("ann@x.com (Ann @
// Acme)") is not taken for the address's own. Indexes into it are
// indexes into s.
func maskOutside(s string) string {
	b := []byte(s)
	seen := make([]bool, len(b))
	campaign.WalkTop(s, func(i int, _ byte, _ int) { seen[i] = true })
	for i := range b {
		if !seen[i] {
			b[i] = 'c'
		}
	}
	return string(b)
}
