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
// copy. Characters that show nothing and join no letters (isUnseenInKey:
// a zero-width space pasted with a member number, a right-to-left mark
// after a Hebrew name) are left out, so "1042" and "1042\u200b" are one
// key, as they look. An ASCII key is only trimmed and lower-cased.
func NormalizeKey(s string) string {
	if !isASCII(s) && strings.ContainsFunc(s, isUnseenInKey) {
		s = strings.Map(dropUnseenInKey, s)
	}
	s = strings.TrimSpace(s)
	if !isASCII(s) {
		s = norm.NFKC.String(s)
	}
	return strings.ToLower(s)
}

// isUnseenInKey reports whether r shows nothing and changes no letter: the
// zero-width space, word joiner, byte order mark (zero-width no-break
// space) and soft hyphen, and the direction marks, embeddings, overrides
// and isolates. The zero-width joiner and non-joiner are not: they change
// how Persian, Indic and emoji letters join, and so what a person reads.
func isUnseenInKey(r rune) bool {
	switch r {
	case '\u200b', '\u2060', '\ufeff', '\u00ad', '\u200e', '\u200f', '\u061c':
		return true
	}
	return r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
}

// dropUnseenInKey is r, or -1 (strings.Map's "leave out") for a character
// isUnseenInKey.
func dropUnseenInKey(r rune) rune {
	if isUnseenInKey(r) {
		return -1
	}
	return r
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
