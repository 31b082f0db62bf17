package templates

import (
	"strings"
	"unicode"
)

// wordsHint is the hint of a date value date cannot read that holds
// words in Latin letters: a month or weekday name in another language
// than English ("mardi 31 mars 2026"), which is how a workbook shows a
// date cell under a long date format of its locale ([$-40C]dddd d mmmm
// yyyy); "" for a value without such letters.
func wordsHint(v string) string {
	if !strings.ContainsFunc(v, func(r rune) bool { return unicode.Is(unicode.Latin, r) }) {
		return ""
	}
	return "; date reads month and weekday names in English (and Chinese and Japanese dates) only: in a workbook, give the column a number format of digits, such as yyyy-mm-dd or dd/mm/yyyy (a date cell shows as its format writes it)"
}
