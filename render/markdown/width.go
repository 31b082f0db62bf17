package markdown

import (
	"strconv"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/util"
	"golang.org/x/text/width"
)

// isWide reports whether r takes two columns in a fixed-width font (East
// Asian Wide or Fullwidth, UAX #11).
func isWide(r rune) bool {
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return true
	}
	return false
}

// displayWidth is the number of columns s takes in a fixed-width font:
// two for a wide character, none for a combining mark or other
// zero-width character, one for the rest.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case isWide(r):
			n += 2
		case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		default:
			n++
		}
	}
	return n
}

// reference reads the character reference ("&amp;", "&#42;", "&#x2A;") at
// the start of v (CommonMark 2.5) and returns its text and its length in
// v, or 0 when v does not start with one.
func reference(v []byte) (string, int) {
	end := -1
	for i := 1; i < len(v) && i < 40; i++ {
		if v[i] == ';' {
			end = i
			break
		}
	}
	if end < 2 {
		return "", 0
	}
	body := string(v[1:end])
	if body[0] != '#' {
		if e, ok := util.LookUpHTML5EntityByName(body); ok {
			return string(e.Characters), end + 1
		}
		return "", 0
	}
	digits, base, maxLen := body[1:], 10, 7
	if digits != "" && (digits[0] == 'x' || digits[0] == 'X') {
		digits, base, maxLen = digits[1:], 16, 6
	}
	if digits == "" || len(digits) > maxLen {
		return "", 0
	}
	n, err := strconv.ParseUint(digits, base, 32)
	if err != nil {
		return "", 0
	}
	r := rune(n)
	if r == 0 || !utf8.ValidRune(r) {
		r = utf8.RuneError
	}
	return string(r), end + 1
}
