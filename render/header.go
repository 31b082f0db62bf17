package render

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

const (
	// maxLine is the line length RFC 5322 2.1.1 asks for ("SHOULD be no
	// more than 78 characters") and maxLineHard the one it requires (998).
	maxLine     = 78
	maxLineHard = 998
	// maxWord is the longest encoded-word RFC 2047 2 allows.
	maxWord = 75
	// maxPhraseWord keeps display-name words short enough that the first
	// one fits after the longest address header name ("Reply-To: ").
	maxPhraseWord = 66
)

// ErrHeaderTooLong is wrapped when a header cannot be written in lines of at
// most 998 octets.
var ErrHeaderTooLong = errors.New("header line over 998 characters")

// headerError is a header that cannot be written, by its name.
type headerError struct {
	name string
	err  error
}

func (e *headerError) Error() string { return "render: " + e.name + ": " + e.err.Error() }
func (e *headerError) Unwrap() error { return e.err }

// badRune reports whether r may not appear in a header value: C0 controls
// (CR, LF, tab, NUL …), DEL, C1 controls and the Unicode line and paragraph
// separators. Header values tidings writes are single lines; folding is added
// by tidings itself.
func badRune(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' || r == utf8.RuneError
}

// hasBad reports whether s holds a rune badRune refuses or invalid UTF-8.
func hasBad(s string) bool { return firstBad(s) >= 0 }

// subjectBad is hasBad but for tabs, which a subject shows as spaces
// (tabsAsSpaces).
func subjectBad(s string) bool { return hasBad(tabsAsSpaces(s)) }

// tabsAsSpaces is s with each run of tabs one space ("12345\t\t\tshipped",
// empty cells pasted between two, is "12345 shipped").
func tabsAsSpaces(s string) string {
	if !strings.ContainsRune(s, '\t') {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] != '\t':
			b.WriteByte(s[i])
		case i == 0 || s[i-1] != '\t':
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// firstBad is the byte index in s of the first character hasBad refuses,
// or -1 when there is none.
func firstBad(s string) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			continue
		}
		if c < 0x80 {
			return i
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		if badRune(r) {
			return i
		}
		i += size - 1
	}
	return -1
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// writeFolded writes "Name: tok tok …\r\n", folding (CRLF SP, RFC 5322
// 2.2.3) before a token that would take the line past 78 characters. Tokens
// are never split, so every space between them is a legal fold point; a
// line over 998 octets is an error.
func writeFolded(b *bytes.Buffer, name string, tokens []string) error {
	b.WriteString(name)
	b.WriteByte(':')
	n := len(name) + 1
	for i, t := range tokens {
		if i > 0 && n+1+len(t) > maxLine {
			b.WriteString("\r\n")
			n = 0
		}
		b.WriteByte(' ')
		b.WriteString(t)
		n += 1 + len(t)
		if n > maxLineHard {
			return &headerError{name: name, err: ErrHeaderTooLong}
		}
	}
	b.WriteString("\r\n")
	return nil
}

// textTokens splits an unstructured value (RFC 5322 3.2.5) for folding. A
// plain ASCII value is cut at single spaces between words, so unfolding
// gives it back exactly; runs of spaces stay inside a token. A value that is
// not ASCII, or holds "=?" (which readers would take for an encoded-word),
// or a word too long to fold, becomes RFC 2047 encoded-words. first is the
// room on the header's first line.
func textTokens(v string, first int) []string {
	if isASCII(v) && !strings.Contains(v, "=?") {
		if toks := splitWords(v); foldable(toks) {
			return toks
		}
	}
	return encodeWords(v, false, first, maxWord)
}

// foldable reports whether every token fits on a line of its own well
// within the 998-octet limit; a longer word is written as encoded-words,
// which can be split anywhere between characters.
func foldable(toks []string) bool {
	for _, t := range toks {
		if len(t) > maxLineHard-100 {
			return false
		}
	}
	return true
}

// splitWords cuts s at each single space that has a non-space on both sides.
func splitWords(s string) []string {
	toks := make([]string, 0, 8)
	start := 0
	for i := 1; i+1 < len(s); i++ {
		if s[i] == ' ' && s[i-1] != ' ' && s[i+1] != ' ' {
			toks = append(toks, s[start:i])
			start = i + 1
		}
	}
	return append(toks, s[start:])
}

// phraseTokens renders a display name (RFC 5322 3.2.5 phrase) as tokens: the
// words of an all-atom ASCII name (when each is foldable), one quoted-string
// for other ASCII names, and RFC 2047 encoded-words (restricted to the
// characters RFC 2047 5(3) allows in a phrase) for names that are not ASCII,
// hold "=?" or are too long for those.
func phraseTokens(name string) []string {
	if isASCII(name) && !strings.Contains(name, "=?") {
		if isAtomPhrase(name) {
			if toks := splitWords(name); foldable(toks) {
				return toks
			}
		}
		if len(name) <= 200 {
			return quotedChunks(name)
		}
	}
	return encodeWords(name, true, maxPhraseWord, maxPhraseWord)
}

// quotedChunks writes an ASCII name as one quoted-string, or, when that
// would be long, as several quoted-strings cut at single spaces, which
// readers join with a space (RFC 5322 3.2.5 phrase = 1*word), so it can be
// folded.
func quotedChunks(name string) []string {
	const chunk = 60
	if q := quoteString(name); len(q) <= chunk {
		return []string{q}
	}
	var toks []string
	cur := ""
	for _, w := range splitWords(name) {
		if cur != "" && len(cur)+1+len(w) > chunk-2 {
			toks = append(toks, quoteString(cur))
			cur = ""
		}
		if cur != "" {
			cur += " "
		}
		cur += w
	}
	return append(toks, quoteString(cur))
}

// isAtomPhrase reports whether s is ASCII atoms (RFC 5322 3.2.3 atext)
// separated by single spaces.
func isAtomPhrase(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || strings.Contains(s, "  ") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != ' ' && !isAtext(c) {
			return false
		}
	}
	return true
}

func isAtext(c byte) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// quoteString writes s as an RFC 5322 quoted-string.
func quoteString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// Encoded-words are written here rather than with mime.WordEncoder because
// the standard encoder cannot be told how much room the first line has
// (it always allows 75 characters, so "Subject: " plus a full word makes an
// 84-character line), and its Q encoding leaves characters such as ',', '"'
// and '(' unencoded, which RFC 2047 5(3) forbids inside a display name and
// which break address parsing. Decoding is tested against mime.WordDecoder
// and net/mail.

const (
	wordPrefix = "=?utf-8?"
	wordOver   = len(wordPrefix) + 2 + 2 // "=?utf-8?" "b?" … "?="
)

// qLen is the Q-encoded length of byte c: 1 when it stays as it is (or
// becomes '_'), else 3 (=XX).
func qLen(c byte, phrase bool) int {
	if qSafe(c, phrase) || c == ' ' {
		return 1
	}
	return 3
}

func qSafe(c byte, phrase bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	case phrase:
		return c == '!' || c == '*' || c == '+' || c == '-' || c == '/'
	default:
		return c > ' ' && c < 0x7f && c != '=' && c != '?' && c != '_'
	}
}

// encodeWords encodes s as RFC 2047 UTF-8 encoded-words, choosing Q or B
// by which is shorter, each word holding whole characters and at most first
// (for the first word) or rest characters. A word ends between grapheme
// clusters (UAX #29: an emoji ZWJ sequence, a flag, a letter and its
// combining marks), so that a reader showing each word on its own, or
// putting a space between words (Python's email, gh-128110), still shows
// every cluster whole; only a cluster too long for a word is cut, between
// its characters.
func encodeWords(s string, phrase bool, first, rest int) []string {
	qTotal := 0
	for i := 0; i < len(s); i++ {
		qTotal += qLen(s[i], phrase)
	}
	bTotal := (len(s) + 2) / 3 * 4
	useB := bTotal < qTotal
	if first < wordOver+8 {
		first = rest
	}
	words := make([]string, 0, 2)
	limit := first
	for len(s) > 0 {
		n := wordBytes(s, limit-wordOver, useB, phrase)
		words = append(words, encodeWord(s[:n], useB, phrase))
		s = s[n:]
		limit = rest
	}
	return words
}

// wordBytes returns how many bytes from the start of s one encoded-word
// with room characters of encoded text holds: whole grapheme clusters, or,
// when the first cluster alone does not fit, whole characters of it; at
// least one character.
func wordBytes(s string, room int, useB, phrase bool) int {
	n, l, state := 0, 0, -1
	for n < len(s) {
		var cluster string
		cluster, _, _, state = uniseg.FirstGraphemeClusterInString(s[n:], state)
		nl := grownLen(s, n, len(cluster), l, useB, phrase)
		if nl > room {
			break
		}
		n, l = n+len(cluster), nl
	}
	if n > 0 {
		return n
	}
	for n < len(s) {
		_, size := utf8.DecodeRuneInString(s[n:])
		nl := grownLen(s, n, size, l, useB, phrase)
		if n > 0 && nl > room {
			break
		}
		n, l = n+size, nl
	}
	return n
}

// grownLen is the encoded length of s[:n+size] as a B or Q word's text,
// given l, that of s[:n].
func grownLen(s string, n, size, l int, useB, phrase bool) int {
	if useB {
		return (n + size + 2) / 3 * 4
	}
	for j := n; j < n+size; j++ {
		l += qLen(s[j], phrase)
	}
	return l
}

func encodeWord(s string, useB, phrase bool) string {
	var b strings.Builder
	b.WriteString(wordPrefix)
	if useB {
		b.WriteString("b?")
		b.WriteString(base64.StdEncoding.EncodeToString([]byte(s)))
	} else {
		const hex = "0123456789ABCDEF"
		b.WriteString("q?")
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case c == ' ':
				b.WriteByte('_')
			case qSafe(c, phrase):
				b.WriteByte(c)
			default:
				b.WriteByte('=')
				b.WriteByte(hex[c>>4])
				b.WriteByte(hex[c&15])
			}
		}
	}
	b.WriteString("?=")
	return b.String()
}
