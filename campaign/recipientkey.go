package campaign

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// NormalizeKey is the form in which recipient keys (recipients.key's
// values) are compared, by the journal, the duplicate check and the
// spool: s with surrounding white space removed, in Unicode compatibility
// composition (NFKC), lower-cased. NFKC makes one key of what a person
// takes for one: "Zürich-1" as a Mac writes it (u and a combining
// diaeresis, NFD) and as Windows does (ü), and ｊｉｒｏ@ｅｘａｍｐｌｅ.jp typed
// in full width with a Japanese input method and jiro@example.jp (which
// its message went to: the domain's IDNA mapping makes those letters
// ASCII), so a sheet saved again in the other form sends no one a second
// copy. An ASCII key is only trimmed and lower-cased.
func NormalizeKey(s string) string {
	s = strings.TrimSpace(s)
	if !isASCII(s) {
		s = norm.NFKC.String(s)
	}
	return strings.ToLower(s)
}

// isASCII reports whether s is all ASCII, which NFKC leaves as it is.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
