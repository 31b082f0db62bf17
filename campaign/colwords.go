package campaign

import (
	"strings"
	"unicode"
)

// NameWords splits s, a column's header or a name, into its words,
// lower-cased: at characters other than letters and digits, where a lower-case letter is followed by an
// upper-case one (firstName), where an upper-case run gives way to a word
// (HTMLBody: html, body), and between letters and digits (line2).
func NameWords(s string) []string {
	var words []string
	var cur []rune
	rs := []rune(s)
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			words, cur = flushWord(words, cur), nil
			continue
		}
		if len(cur) > 0 && wordBreak(cur[len(cur)-1], r, rs[i+1:]) {
			words, cur = flushWord(words, cur), nil
		}
		cur = append(cur, r)
	}
	return flushWord(words, cur)
}

// wordBreak reports whether a word ends between prev and r (rest follows
// r).
func wordBreak(prev, r rune, rest []rune) bool {
	switch {
	case unicode.IsDigit(prev) != unicode.IsDigit(r):
		return true
	case unicode.IsLower(prev) && unicode.IsUpper(r):
		return true
	case unicode.IsUpper(prev) && unicode.IsUpper(r) && len(rest) > 0 && unicode.IsLower(rest[0]):
		return true
	}
	return false
}

// flushWord adds cur, lower-cased, to words when it is not empty.
func flushWord(words []string, cur []rune) []string {
	if len(cur) == 0 {
		return words
	}
	return append(words, strings.ToLower(string(cur)))
}

// holdsWords reports whether some run of whole words of the column name
// col, joined, is want (a name's words joined, lower-cased): "Amount
// Paid" holds paid, "E-Mail" mail and email, "first_name" name; "language"
// does not hold age, nor "Update" date.
func holdsWords(col, want string) bool {
	words := NameWords(col)
	for i := range words {
		run := ""
		for _, w := range words[i:] {
			run += w
			if run == want {
				return true
			}
			if len(run) >= len(want) || !strings.HasPrefix(want, run) {
				break
			}
		}
	}
	return false
}

// grownWord reports whether the column name col, which Closest found for
// name (its words joined: want), is another word that holds name's
// letters with two or more added ("Update" for date), rather than name
// with a letter or two changed or one added (Emails for email).
func grownWord(name, col, want string) bool {
	lc := strings.ToLower(col)
	return strings.Contains(lc, strings.ToLower(name)) && len(lc)-len(name) >= 2 && !holdsWords(col, want)
}
