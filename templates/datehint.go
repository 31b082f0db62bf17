package templates

import (
	"strings"
	"time"
	"unicode"

	"github.com/tidings/tidings/campaign"
)

// wordsHint is the hint of a date value date cannot read that holds
// words in Latin letters: a month or weekday name in another language
// than English ("mardi 31 mars 2026"), which is how a workbook shows a
// date cell under a long date format of its locale ([$-40C]dddd d mmmm
// yyyy); "" for a value without such letters. Under a locale whose
// names are not English, date reads those too, and the hint says so.
func wordsHint(v string, loc campaign.Locale) string {
	if !strings.ContainsFunc(v, func(r rune) bool { return unicode.Is(unicode.Latin, r) }) {
		return ""
	}
	names := "in English"
	if !loc.English() {
		names = "in English and as locale " + loc.String() + " writes them (" + loc.Month(time.December, false) + ", " + loc.Month(time.December, true) + ")"
	}
	return "; date reads month and weekday names " + names + " (and Chinese and Japanese dates) only: in a workbook, give the column a number format of digits, such as yyyy-mm-dd or dd/mm/yyyy (a date cell shows as its format writes it)"
}
