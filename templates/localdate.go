package templates

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tidings/tidings/campaign"
)

// A campaign with a locale (locale: de-DE) writes the month and weekday
// names of date's Go layout (January, Jan, Monday, Mon) in the locale's
// language, {{date "Monday, 2. January 2006" .due}} giving "Dienstag,
// 15. Dezember 2026", and reads them in a value ("Dienstag, 15. Dezember
// 2026", as a German workbook shows its long date) as it reads the English
// ones. Without a locale, names are English, as time.Format writes them.

// localDateInputs are the forms date reads besides dateInputs under a
// locale whose names are not English: the day followed by a point, as
// German writes "15. Dezember 2026", and the forms of Excel's built-in
// date formats as LibreOffice shows them there ("15. Dez 26",
// "15.Dez.26", "15.déc..26"; names read as English ones).
var localDateInputs = []string{
	"2. January 2006",
	"2. Jan 2006",
	"2. Jan. 2006",
	"2 Jan. 2006",
	"2. Jan 06",
	"2.Jan.06",
}

// formatLocal is formatDate with layout's month and weekday names written
// in loc's language; formatDate itself when loc's names are English.
func formatLocal(t time.Time, layout string, loc campaign.Locale) string {
	if loc.English() {
		return formatDate(t, layout)
	}
	var b strings.Builder
	start := 0
	for i := 0; i < len(layout); {
		n, name := layoutName(layout[i:], t, loc)
		if n == 0 {
			i++
			continue
		}
		b.WriteString(formatDate(t, layout[start:i]))
		b.WriteString(name)
		i += n
		start = i
	}
	b.WriteString(formatDate(t, layout[start:]))
	return b.String()
}

// layoutName reads a month or weekday element at the start of layout as
// time.Format does (January, Jan not followed by a lower-case letter,
// Monday, Mon likewise): its length and t's name for it in loc's language;
// 0 when layout starts with none.
func layoutName(layout string, t time.Time, loc campaign.Locale) (int, string) {
	switch {
	case strings.HasPrefix(layout, "January"):
		return len("January"), loc.Month(t.Month(), false)
	case strings.HasPrefix(layout, "Jan") && !startsLower(layout[3:]):
		return len("Jan"), loc.Month(t.Month(), true)
	case strings.HasPrefix(layout, "Monday"):
		return len("Monday"), loc.Weekday(t.Weekday(), false)
	case strings.HasPrefix(layout, "Mon") && !startsLower(layout[3:]):
		return len("Mon"), loc.Weekday(t.Weekday(), true)
	}
	return 0, ""
}

// startsLower reports whether s starts with a lower-case ASCII letter,
// which makes a Jan or Mon before it text (as time.Format reads "Monat").
func startsLower(s string) bool {
	return s != "" && s[0] >= 'a' && s[0] <= 'z'
}

// englishDate is v with the month and weekday names of loc's language
// standing as words written as the English ones, which the date inputs
// read: "Dienstag, 15. Dezember 2026" is "Tuesday, 15. December 2026",
// "15 déc. 2026" "15 Dec 2026". v itself when loc's names are English.
func englishDate(v string, loc campaign.Locale) string {
	if loc.English() {
		return v
	}
	var b strings.Builder
	for i := 0; i < len(v); {
		if n, en := localNameAt(v, i, loc); n > 0 {
			b.WriteString(en)
			i += n
			continue
		}
		_, size := utf8.DecodeRuneInString(v[i:])
		b.WriteString(v[i : i+size])
		i += size
	}
	return b.String()
}

// localNameAt is the length of the longest of loc's month and weekday
// names (full or abbreviated, in any case) standing as a word at v[i:],
// and the English name; 0 when none does.
func localNameAt(v string, i int, loc campaign.Locale) (int, string) {
	if r, _ := utf8.DecodeLastRuneInString(v[:i]); i > 0 && unicode.IsLetter(r) {
		return 0, ""
	}
	best, english := 0, ""
	try := func(local, en string) {
		n := len(local)
		if n > best && i+n <= len(v) && strings.EqualFold(v[i:i+n], local) && wordEnds(v[i+n:], local) {
			best, english = n, en
		}
	}
	var en campaign.Locale
	for _, short := range []bool{false, true} {
		for m := time.January; m <= time.December; m++ {
			try(loc.Month(m, short), en.Month(m, short))
		}
		for d := time.Sunday; d <= time.Saturday; d++ {
			try(loc.Weekday(d, short), en.Weekday(d, short))
		}
	}
	return best, english
}

// wordEnds reports whether a name ends a word before rest: it ends with
// its abbreviation's point, or rest starts with no letter.
func wordEnds(rest, name string) bool {
	if strings.HasSuffix(name, ".") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return rest == "" || !unicode.IsLetter(r)
}

// localLiteral says that layout writes a month or weekday name of loc's
// language other than the English one (Dienstag, Dezember, déc.), which
// would be the same on every row, and what to write instead; "" when it
// writes none, or loc's names are English.
func localLiteral(layout string, loc campaign.Locale) string {
	if loc.English() {
		return ""
	}
	for i := 0; i < len(layout); i++ {
		n, en := localNameAt(layout, i, loc)
		if n == 0 || strings.EqualFold(layout[i:i+n], en) {
			continue
		}
		return fmt.Sprintf("the layout %q writes %s on every row, whatever the date: a layout names the reference date, Monday 2 January 2006, in English (Monday, Mon, January, Jan), and locale %s writes those in its language: write %s there for the row's name",
			layout, layout[i:i+n], loc, englishFor(en))
	}
	return ""
}

// englishFor is the reference date's element of en's kind, a month or
// weekday name, full or abbreviated: January, Jan, Monday or Mon.
func englishFor(en string) string {
	var l campaign.Locale
	for m := time.January; m <= time.December; m++ {
		if en == l.Month(m, false) {
			return "January"
		}
		if en == l.Month(m, true) {
			return "Jan"
		}
	}
	if len(en) == 3 {
		return "Mon"
	}
	return "Monday"
}
