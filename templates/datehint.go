package templates

import (
	"fmt"
	"regexp"
	"strconv"
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
// names are not English, date reads those too, and the hint says so. A
// value with an English month's name (monthNamed) is told the forms date
// reads one in instead.
func wordsHint(v string, loc campaign.Locale) string {
	if !strings.ContainsFunc(v, func(r rune) bool { return unicode.Is(unicode.Latin, r) }) {
		return ""
	}
	if loc.English() && monthNamed(v) {
		return "; with a month's name, date reads the day as a number and the year: 15 January 2027, 15 Jan 2027, 15-Jan-27, January 15, 2027 (no st, nd, rd or th after the day): type it so, or in a workbook as a date (not text) in a format such as yyyy-mm-dd or d mmmm yyyy"
	}
	names := "in English"
	if !loc.English() {
		names = "in English and as locale " + loc.String() + " writes them (" + loc.Month(time.December, false) + ", " + loc.Month(time.December, true) + ")"
	}
	return "; date reads month and weekday names " + names + " (and Chinese and Japanese dates) only: in a workbook, give the column a number format of digits, such as yyyy-mm-dd or dd/mm/yyyy (a date cell shows as its format writes it)"
}

// monthNamed reports whether v has an English month's name as a word,
// in full or in three letters ("January", "Jan"; "Sept" too): a value
// date cannot read for another reason than its language ("15th January",
// a date without its year).
func monthNamed(v string) bool {
	for _, w := range strings.FieldsFunc(v, func(r rune) bool { return !unicode.IsLetter(r) }) {
		w = strings.ToLower(w)
		for m := time.January; m <= time.December; m++ {
			if full := strings.ToLower(m.String()); w == full || w == full[:3] || w == "sept" {
				return true
			}
		}
	}
	return false
}

// pointDateRE matches an all-number date written with points, its time
// after it if any: "07.15.26", "07.15.2026 10:30".
var pointDateRE = regexp.MustCompile(`^(\d{1,2})\.(\d{1,2})\.(?:\d{2}|\d{4})(?:\s|$)`)

// pointsHint is the hint of a date value date cannot read that is an
// all-number date with points whose second number is no month but its
// first may be ("07.15.26", month first as an American sheet may write
// it): date reads such dates day first, as German Excel writes them; ""
// otherwise.
func pointsHint(v string) string {
	m := pointDateRE.FindStringSubmatch(v)
	if m == nil {
		return ""
	}
	first, _ := strconv.Atoi(m[1])
	second, _ := strconv.Atoi(m[2])
	if second <= 12 || first < 1 || first > 12 {
		return ""
	}
	return fmt.Sprintf("; a date written with points is read day first (15.07.2026), and %d is no month: write it %02d.%02d.… or 2006-01-02", second, second, first)
}

// dashDateRE matches an all-number date written with dashes in a form
// date reads: day and month of two digits with a two-digit year
// ("09-12-26"), of one or two with a four-digit one ("9-12-2026"). No
// form reads "9-12-26" (see dashHint).
var dashDateRE = regexp.MustCompile(`^(?:\d{2}-\d{2}-\d{2}|\d{1,2}-\d{1,2}-\d{4})$`)

// shortDashRE matches an all-number date written with dashes and two
// digits last, its day and month of one or two: "9-12-26", "26-12-09".
var shortDashRE = regexp.MustCompile(`^\d{1,2}-\d{1,2}-\d{2}$`)

// dashHint is the hint of a date value date cannot read in order that
// is written with dashes and two digits last: one with a day or month of
// one digit ("9-12-26"), which no form reads, is told to write both of
// two digits or the year in full; one that reads year first ("26-12-09",
// 9 December 2026), which no setting reads so, is told to write it
// 2026-12-09, and, when order is month first, what recipients.dates:
// day-first would read it as (26 December 2009), for a sheet that
// writes its dates so. "" for any other value.
func dashHint(v string, order campaign.DateOrder) string {
	if !shortDashRE.MatchString(v) {
		return ""
	}
	if !dashDateRE.MatchString(v) {
		return "; with dashes and a two-digit year, date reads the day and the month as two digits each (09-12-26): write them so, or the year in full (9-12-2026)"
	}
	y, ok := parseDate(yearFirstShort[:1], v)
	if !ok {
		return ""
	}
	yearFirst := fmt.Sprintf("year first it is %s, which no setting reads: write it %s", y.Format("2 January 2006"), y.Format("2006-01-02"))
	if o, ok := parseDate(dayFirstDateInputs, v); ok && order != campaign.DayFirst {
		return fmt.Sprintf("; day first it is %s (set recipients.dates: day-first if so); %s", o.Format("2 January 2006"), yearFirst)
	}
	return "; " + yearFirst
}

// dashAmbiguity is the error of a date v (value as the cell has it),
// read month first as t because the campaign file chose no order, that
// is written with dashes and reads as another date day first: the way
// Dutch, Danish and other day-first sheets write their dates
// (09-12-2026, 9 December), which month first would send as 12 September
// to every recipient without a word. nil for any other date.
func dashAmbiguity(value, v string, t time.Time) error {
	if !dashDateRE.MatchString(v) {
		return nil
	}
	o, ok := parseDate(dayFirstDateInputs, v)
	if !ok || o.Equal(t) {
		return nil
	}
	return fmt.Errorf("templates: date: %q reads as %s month first and as %s day first, and the campaign file does not say which its sheet writes: set recipients.dates: day-first (or month-first)",
		value, t.Format("2 January 2006"), o.Format("2 January 2006"))
}
