package report

import (
	"fmt"
	"strings"
)

// EMLName is the file name of a row's message in a preview folder (package
// sendpool/preview writes it; the report page links to it): the six-digit
// zero-padded sheet row, '-', and the key made filesystem-safe.
func EMLName(row int, key string) string {
	return fmt.Sprintf("%06d-%s.eml", row, safeName(key))
}

// safeName keeps letters, digits and @._+- and replaces the rest with '_',
// so a key from a sheet can never name a path outside the folder.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			r == '@', r == '.', r == '_', r == '+', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= 120 {
			break
		}
	}
	out := strings.Trim(b.String(), ".")
	if out == "" {
		out = "_"
	}
	return out
}
