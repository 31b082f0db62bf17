package journal

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tidings/tidings/campaign"
)

// ShellWord is s as one word a POSIX shell reads back as s, for a command
// a person pastes: as it is when it holds only letters, digits and
// @%+,-./:=_ , else in single quotes; and when it holds a character the
// terminal would not show as it is (shownHidden: a bidi override turns
// the command around, a zero-width space is not seen), as $'…' with each
// such character's UTF-8 bytes as \xHH, which bash, zsh, ksh and
// POSIX.1-2024 shells read as those bytes; a hex digit right after such
// an escape begins a $'…' of its own ($'INV\xc2\xa0'$'7'), since POSIX
// leaves \x with more than two hex digits unspecified. The report page
// quotes the same way (page.js shellQuote).
func ShellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+,-./:=_") == "" {
		return s
	}
	if strings.IndexFunc(s, shownHidden) < 0 && utf8.ValidString(s) {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	var b strings.Builder
	b.WriteString("$'")
	escaped := false // the last thing written is a \xHH
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		hidden := r == utf8.RuneError && n == 1 || shownHidden(r)
		switch {
		case r == '\\' || r == '\'':
			b.WriteByte('\\')
			b.WriteRune(r)
		case hidden:
			for _, c := range []byte(s[i : i+n]) {
				b.WriteString(`\x`)
				b.WriteByte("0123456789abcdef"[c>>4])
				b.WriteByte("0123456789abcdef"[c&15])
			}
		default:
			if escaped && strings.ContainsRune("0123456789abcdefABCDEF", r) {
				b.WriteString("'$'") // no third hex digit for \x
			}
			b.WriteString(s[i : i+n])
		}
		escaped = hidden
		i += n
	}
	b.WriteByte('\'')
	return b.String()
}

// ShownPathWord is PathWord of the file path p as the user reads it
// (campaign.ShownPath): one word of a command to paste into a shell, as
// a warning or the next command to run names a file.
func ShownPathWord(p string) string { return PathWord(campaign.ShownPath(p)) }

// PathWord is ShellWord of the file path p as a command's argument: a
// relative path starting with a dash ("-news.yaml") is written
// ./-news.yaml, the same file, which the command line does not take for
// flags.
func PathWord(p string) string {
	if strings.HasPrefix(p, "-") {
		p = "./" + p
	}
	return ShellWord(p)
}

// shownHidden reports whether r is a character a terminal or a page does
// not show as it is, being invisible or moving the text around it:
// controls, format characters (bidi controls, zero-width spaces and
// joiners, the soft hyphen, the byte order mark), line and paragraph
// separators, spaces other than the space, unassigned code points and the
// blank Hangul fillers. campaign.InvisibleChar's table is among them.
func shownHidden(r rune) bool {
	if _, ok := campaign.InvisibleChar(r); ok {
		return true // all of them format characters (Cf) too
	}
	switch {
	case r == ' ':
		return false
	case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Zs):
		return true
	case r == '\u115F' || r == '\u1160' || r == '\u3164' || r == '\uFFA0':
		return true
	}
	return !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Co, unicode.Cs)
}
