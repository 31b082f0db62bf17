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
// NormalizeKey(NormalizeKey(s)) is NormalizeKey(s): where one pass
// leaves a key another would change (NFKC makes " \u0308" of a spacing
// diaeresis, "¨abc", whose space the next pass trims), passes are made
// until none does, so that a journal's norm_key, which its reader
// normalizes again, is the key the sheet's compares as. A key one pass
// left as it is (every key a journal holds, but such) is as it was.
func NormalizeKey(s string) string {
	n := normalizeKeyOnce(s)
	for range maxKeyPasses {
		if isNormalKey(n) {
			return n
		}
		next := normalizeKeyOnce(n)
		if next == n {
			return n
		}
		n = next
	}
	return n
}

// maxKeyPasses bounds NormalizeKey's passes after the first: one or two
// make every key FuzzNormalizeKeyIdempotent found stable.
const maxKeyPasses = 8

// normalizeKeyOnce is one pass of NormalizeKey: s without the characters
// isUnseenInKey, trimmed, in NFKC, lower-cased.
func normalizeKeyOnce(s string) string {
	if !isASCII(s) && strings.ContainsFunc(s, isUnseenInKey) {
		s = strings.Map(dropUnseenInKey, s)
	}
	s = strings.TrimSpace(s)
	if !isASCII(s) {
		s = norm.NFKC.String(s)
	}
	return strings.ToLower(s)
}

// isNormalKey reports whether n, a key normalizeKeyOnce gave, is one it
// leaves as it is: trimmed, and ASCII (lower-cased already) or in NFKC,
// lower case, without a character isUnseenInKey.
func isNormalKey(n string) bool {
	if strings.TrimSpace(n) != n {
		return false
	}
	return isASCII(n) || norm.NFKC.IsNormalString(n) && strings.ToLower(n) == n && !strings.ContainsFunc(n, isUnseenInKey)
}

// isUnseenInKey reports whether r shows nothing and changes no letter: an
// invisible format character (InvisibleChar) other than a Joiner — the
// zero-width space, word joiner, byte order mark (zero-width no-break
// space) and soft hyphen, and the direction marks, embeddings, overrides
// and isolates. The zero-width joiner and non-joiner are not: they change
// how Persian, Indic and emoji letters join, and so what a person reads.
func isUnseenInKey(r rune) bool {
	inv, ok := InvisibleChar(r)
	return ok && inv.Kind != Joiner
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
