package templates

import (
	"cmp"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"

	"github.com/tidings/tidings/campaign"
)

// funcs returns the function set shared by text and HTML templates. Every
// function is pure: none reads the environment, files, the clock or the
// network, so a message depends only on its row. The subject of each
// function comes last so that it reads well in a pipeline:
// {{.name | default "friend" | title}}. r says how the sheet writes what
// a function reads: date an all-number date (05/04/2024, r.Dates), number
// its decimal mark (r.Decimal, which it writes too).
func funcs(r campaign.Recipients) map[string]any {
	return map[string]any{
		"default": fnDefault,
		"upper":   fnUpper,
		"lower":   fnLower,
		"title":   fnTitle,
		"trim":    strings.TrimSpace,
		"replace": fnReplace,
		"join":    fnJoin,
		"split":   fnSplit,
		"date":    sheetDateFunc(r),
		"number":  numberFunc(r),
		"address": fnAddress,
	}
}

// fnDefault returns value, or def when value is empty or only white space.
func fnDefault(def, value string) string {
	if strings.TrimSpace(value) == "" {
		return def
	}
	return value
}

// fnTitle upper-cases the first letter of each word and lower-cases the
// rest, with Unicode word rules (élodie → Élodie), as Turkish does for a
// Turkic s (İBRAHİM → İbrahim; see turkic). A cases.Caser keeps state,
// so one is made per call rather than shared between goroutines.
func fnTitle(s string) string {
	return cases.Title(caseLanguage(s)).String(s)
}

// fnUpper is s in upper case; a Turkic s (see turkic) as Turkish writes
// it: Işık Çelik → IŞIK ÇELİK, not IŞIK ÇELIK.
func fnUpper(s string) string {
	if turkic(s) {
		return cases.Upper(language.Turkish).String(s)
	}
	return strings.ToUpper(s)
}

// fnLower is s in lower case; a Turkic s as Turkish writes it: İBRAHİM
// IŞIK → ibrahim ışık, not ibrahim işik.
func fnLower(s string) string {
	if turkic(s) {
		return cases.Lower(language.Turkish).String(s)
	}
	return strings.ToLower(s)
}

// turkic reports whether s holds ı, İ or ğ, letters only the Turkic
// languages write, or ə, Azerbaijani's (Əli Məmmədov): their i and I pair
// as i/İ and ı/I, and English rules would turn İbrahim into Ibrahim and
// Elçin into ELÇIN. A value with none of them (Şahin) cannot be told from
// another language's and is cased as English cases it (ŞAHIN).
func turkic(s string) bool { return strings.ContainsAny(s, "ıİğĞəƏ") }

// caseLanguage is the language whose casing rules fit s.
func caseLanguage(s string) language.Tag {
	if turkic(s) {
		return language.Turkish
	}
	return language.Und
}

// fnReplace replaces every old with new in s.
func fnReplace(old, new, s string) string {
	return strings.ReplaceAll(s, old, new)
}

// fnJoin joins list with sep.
func fnJoin(sep string, list []string) string {
	return strings.Join(list, sep)
}

// fnSplit splits s at sep, trims white space around each item and drops
// empty items: split "," "a, b,,c" is [a b c].
func fnSplit(sep, s string) []string {
	if sep == "" {
		return nil
	}
	parts := strings.Split(s, sep)
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// dateLayouts are the named output layouts of the date function.
var dateLayouts = map[string]string{
	"iso":     "2006-01-02",
	"rfc3339": time.RFC3339,
	"rfc1123": time.RFC1123Z,
	"short":   "2 Jan 2006",
	"long":    "2 January 2006",
	"us":      "January 2, 2006",
	"zh":      "2006年1月2日",
	"ja":      "2006年1月2日（月）",
}

// dateInputs are the ways sheets show dates, tried in order: ISO forms,
// what Excel and LibreOffice display with their built-in formats (US
// month/day/year, d-mmm-yy), European day.month.year, spelled-out months and
// the Chinese form. A time's fraction of a second is read past wherever it
// has seconds (time.Parse). A date is the one its value writes, in its own
// zone.
var dateInputs = []string{
	time.RFC3339,
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04:05Z07:00", // a database's timestamp with its zone, as PostgreSQL writes it (listmonk's export: 2024-02-01 10:00:00.000000+00)
	"2006-01-02 15:04:05Z07",
	"2006-01-02 15:04",
	"2006-01-02",
	"2006/1/2 15:04:05",
	"2006/1/2 15:04",
	"2006/1/2",
	"2006.1.2 15:04:05", // yyyy/mm/dd where the date separator is a point (German Excel)
	"2006.1.2 15:04",
	"2006.1.2",
	"1/2/2006 15:04:05",
	"1/2/2006 15:04",
	"1/2/2006",
	"1/2/06 15:04",
	"1/2/06",
	"01-02-06",
	"1-2-2006",
	"2.1.2006 15:04:05", // day.month.year as German Excel shows a date with its time (dd.mm.yyyy hh:mm)
	"2.1.2006 15:04",
	"2.1.2006",
	"2.1.06", // German Excel's dd.mm.yy, the year of two digits as 1/2/06 has it
	"2-Jan-06",
	"2-Jan-2006",
	"2 Jan 2006",
	"2 January 2006",
	"Jan 2, 2006",
	"January 2, 2006",
	"2006年1月2日",
	"2006年1月2日 15:04",
}

// dayFirstInputs replace the month-first forms of dateInputs when the
// sheet writes its dates day first (campaign.DayFirst).
var dayFirstInputs = map[string]string{
	"1/2/2006 15:04:05": "2/1/2006 15:04:05",
	"1/2/2006 15:04":    "2/1/2006 15:04",
	"1/2/2006":          "2/1/2006",
	"1/2/06 15:04":      "2/1/06 15:04",
	"1/2/06":            "2/1/06",
	"01-02-06":          "02-01-06",
	"1-2-2006":          "2-1-2006",
}

// dayFirstDateInputs is dateInputs for a day-first sheet.
var dayFirstDateInputs = func() []string {
	inputs := make([]string, len(dateInputs))
	for i, in := range dateInputs {
		inputs[i] = cmp.Or(dayFirstInputs[in], in)
	}
	return inputs
}()

// newDateReading is the dateReading of a sheet whose all-number dates
// are in order: the day-first forms for campaign.DayFirst, and month and
// weekday names in loc's language (see localdate.go).
func newDateReading(order campaign.DateOrder, loc campaign.Locale) dateReading {
	d := dateReading{inputs: dateInputs, order: order, loc: loc}
	if order == campaign.DayFirst {
		d.inputs = dayFirstDateInputs
	}
	if !loc.English() {
		d.inputs = append(slices.Clip(d.inputs), localDateInputs...)
	}
	return d
}

// sheetDateFunc is the date function for the sheet r describes: fnDate
// of its order and locale (newDateReading), which, when the campaign file
// says no order (r.DatesUnsaid), refuses a date written with dashes that
// reads as another date day first (see dashAmbiguity).
func sheetDateFunc(r campaign.Recipients) func(layout, value string) (string, error) {
	d := newDateReading(r.Dates, r.Locale)
	d.unsaid = r.DatesUnsaid
	return d.fnDate
}

// dateReading is how the date function reads and writes a campaign's
// dates: inputs are the forms it reads (see dateInputs), order the one
// they read all-number dates in, loc the language of the names; unsaid
// that the campaign file did not choose order.
type dateReading struct {
	inputs []string
	order  campaign.DateOrder
	loc    campaign.Locale
	unsaid bool
}

// fnDate reads value as a date in one of the forms d.inputs has and
// writes it with layout: a name from dateLayouts or a Go time layout,
// which may write the weekday in Japanese or Chinese (formatDate), and
// writes month and weekday names in d.loc's language (formatLocal). An
// empty value gives an empty result, so optional date columns need no
// guard. Value is read narrowed (narrowDate): ２０２４年３月５日 and
// 2024年 3月 5日 are 2024年3月5日; names in d.loc's language are read
// as the English ones.
func (d dateReading) fnDate(layout, value string) (string, error) {
	inputs, order := d.inputs, d.order
	v := strings.TrimSpace(value)
	if v == "" {
		return "", nil
	}
	if why := cmp.Or(layoutProblem(layout), localLiteral(layout, d.loc)); why != "" {
		return "", errors.New("templates: date: " + why)
	}
	if l, ok := dateLayouts[layout]; ok {
		layout = l
	}
	v, wd, named := splitWeekday(englishDate(narrowDate(v), d.loc))
	if t, ok := parseDate(inputs, v); ok {
		if named && t.Weekday() != wd {
			return "", wrongWeekday(value, v, t, wd, order)
		}
		if d.unsaid && order == campaign.MonthFirst {
			if err := dashAmbiguity(value, v, t); err != nil {
				return "", err
			}
		}
		return formatLocal(t, layout, d.loc), nil
	}
	if noSuchDay(inputs, v) {
		return "", fmt.Errorf("templates: date: %q is no date: it is written as one, but the month it names has no such day (30 February, 31 April): correct the cell", value)
	}
	hint := dashHint(v, order)
	switch _, other := parseDate(dayFirstDateInputs, v); {
	case hint != "":
	case order == campaign.DayFirst:
		if _, ok := parseDate(dateInputs, v); ok {
			hint = "; recipients.dates is day-first, so 3/14/2024 is no date"
		}
	case other:
		hint = "; dates like 3/14/2024 are read month first: for a sheet that writes 14/3/2024, set recipients.dates: day-first"
	}
	if hint == "" {
		hint = cmp.Or(pointsHint(v), wordsHint(v, d.loc))
	}
	return "", fmt.Errorf("templates: date: cannot read %q as a date (use a form like 2006-01-02%s)", value, hint)
}

// wrongWeekday is the error of a date value (v without its weekday)
// read as t, whose weekday is not wd, the one it names: the row's date is
// wrong, or, when the date read in the other order falls on wd, maybe the
// sheet writes its dates in that order and recipients.dates says the
// other (a typo falls on wd one time in seven: both are said).
func wrongWeekday(value, v string, t time.Time, wd time.Weekday, order campaign.DateOrder) error {
	other, fix := dayFirstDateInputs, "day-first"
	if order == campaign.DayFirst {
		other, fix = dateInputs, "month-first"
	}
	if o, ok := parseDate(other, v); ok && o.Weekday() == wd && !o.Equal(t) {
		return fmt.Errorf("templates: date: %q: read as %s, a %s, not a %s: the row's date is wrong, or the sheet writes its dates %s (%s is a %s): then set recipients.dates: %s",
			value, t.Format("2 January 2006"), t.Weekday(), wd, fix, o.Format("2 January 2006"), wd, fix)
	}
	return fmt.Errorf("templates: date: %q: %s is a %s, not a %s: the row's date is wrong", value, t.Format("2 January 2006"), t.Weekday(), wd)
}

// isDate reports whether layout reads as a date, in either order, other
// than the reference date a Go layout writes (2 January 2006): a value
// where the layout belongs. "02/01/2006" is a layout (day first), and so
// are the year-first short forms ("06-01-02").
func isDate(layout string) bool {
	ref := func(t time.Time) bool { return t.Year() == 2006 && t.Month() == time.January && t.Day() == 2 }
	if t, ok := parseDate(yearFirstShort, layout); ok && ref(t) {
		return false
	}
	a, okA := parseDate(dateInputs, layout)
	b, okB := parseDate(dayFirstDateInputs, layout)
	return (okA || okB) && !(okA && ref(a)) && !(okB && ref(b))
}

// yearFirstShort are layouts with a two-digit year first, which the date
// inputs do not read, for isDate; dashHint reads a dashed value by the
// first.
var yearFirstShort = []string{"06-01-02", "06/01/02", "06.01.02", "060102"}

// parseDate reads v in the first of inputs that fits.
func parseDate(inputs []string, v string) (time.Time, bool) {
	for _, in := range inputs {
		if t, err := time.Parse(in, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// noSuchDay reports whether v is written in one of the forms inputs has,
// with a day its month does not have ("31.02.2027", "2026-04-31"): the
// cell is wrong, not its form.
func noSuchDay(inputs []string, v string) bool {
	for _, in := range inputs {
		var pe *time.ParseError
		if _, err := time.Parse(in, v); errors.As(err, &pe) && pe.Message == ": day out of range" {
			return true
		}
	}
	return false
}

// spreadsheetTokens are the day/month/year tokens of spreadsheet and
// strftime-like layouts ("yyyy-mm-dd", "DD/MM/YYYY") standing as words,
// which a Go layout writes as themselves.
var spreadsheetTokens = regexp.MustCompile(`(?i)\b(yyyy|yy|mm|dd|hh|ss)\b`)

// layoutProblem says why layout, date's LAYOUT, fails whatever the
// value, or "" when it is a name of dateLayouts or a Go time layout. It
// is not a Go layout when it writes a date as its own text (no Go element
// in it) or uses spreadsheet tokens, which would be written as letters;
// nor when it is a date itself (the arguments swapped), nor when it
// writes a Japanese or Chinese weekday other than the reference date's
// Monday (see formatDate), which would be the same on every row.
func layoutProblem(layout string) string {
	if _, ok := dateLayouts[layout]; ok {
		return ""
	}
	ref := time.Date(2009, 11, 17, 20, 34, 58, 0, time.UTC)
	if formatDate(ref, layout) == layout || spreadsheetTokens.MatchString(layout) {
		return fmt.Sprintf("layout %q is not a Go time layout: write the reference date 2006-01-02 15:04:05 in the form wanted (02/01/2006 for day/month/year), or use %s", layout, layoutNames)
	}
	if rest, _, _ := splitWeekday(layout); isDate(rest) {
		return fmt.Sprintf("the layout %q is a date, not a layout: date takes the layout first, then the value ({{date \"2 January 2006\" .due}}); a layout is %s, or a Go time layout", layout, layoutNames)
	}
	return literalWeekday(layout)
}

// layoutNames are the names of dateLayouts, as the errors list them.
const layoutNames = "iso, short, long, us, zh, ja, rfc3339 or rfc1123"

// errBadEmail is wrapped by the address function's error for a value that
// is not one addr-spec (badEmailError says what is wrong with it).
var errBadEmail = errors.New("not one email address")

// errEmptyEmail is wrapped (with errBadEmail) by the address function's
// error for an empty email, its last argument: the row's problem is then
// told in the last empty column the call names ({{address .name .email}}
// in a row empty in both, a totals row, names the email's column).
var errEmptyEmail = errors.New("the email is empty")

// fnAddress formats one RFC 5322 mailbox from a display name and an email
// address. The name is written as a quoted-string when it holds anything but
// letters, digits and spaces (RFC 5322 3.2.3 atext), so a comma, quote or
// parenthesis in a name still makes one address. Non-ASCII names are kept as
// UTF-8; render encodes them (RFC 2047). An email that is not exactly one
// addr-spec is an error, so a value like "a@x>, <b@y" cannot add a recipient.
// A separator at the email's end or start ("ann@x.com;", as Outlook copies
// an address; isSeparator), which a list without address takes as no
// address, is dropped: separators alone (";") are kept, an email no
// address is made of (NoAddress).
func fnAddress(name, email string) (string, error) {
	email = strings.TrimSpace(email)
	if t := strings.TrimFunc(email, isSeparator); t != "" {
		email = t
	}
	if email == "" {
		return "", fmt.Errorf("templates: address: %w: %w", errEmptyEmail, errBadEmail)
	}
	if !isPlainEmail(email) {
		if !isAddrSpec(email) {
			return "", &badEmailError{email: email, words: emailWords(email)}
		}
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return email, nil
	}
	var b strings.Builder
	b.Grow(len(name) + len(email) + 5)
	writePhrase(&b, name)
	b.WriteString(" <")
	b.WriteString(email)
	b.WriteByte('>')
	return b.String(), nil
}

// isAddrSpec reports whether email is exactly one addr-spec, as net/mail
// reads it: nothing around it, no comment or space in it. A quoted local
// part ("ann lee"@x.com) is one, as it is in a header's {{.email}}.
func isAddrSpec(email string) bool {
	a, err := mail.ParseAddress("<" + email + ">")
	if err != nil {
		return false
	}
	if a.Address == email {
		return true
	}
	unquoted, ok := unquoteLocal(email)
	return ok && a.Address == unquoted
}

// isPlainEmail is the fast path of the address check: an ASCII dot-atom
// local part, "@", and a domain of letters, digits, '-' and '.' in non-empty
// labels. Anything else goes through net/mail.
func isPlainEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 {
		return false
	}
	prev := byte('.')
	for i := 0; i < at; i++ {
		c := s[i]
		switch {
		case c == '.':
			if prev == '.' {
				return false
			}
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0:
		default:
			return false
		}
		prev = c
	}
	if prev == '.' {
		return false
	}
	prev = '.'
	for i := at + 1; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if prev == '.' {
				return false
			}
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-':
		default:
			return false
		}
		prev = c
	}
	return prev != '.'
}

// Phrase returns name as an RFC 5322 phrase, the display-name part of an
// address: unchanged when it is atoms separated by single spaces, else a
// quoted-string. UTF-8 is kept (RFC 6532); it is not RFC 2047-encoded.
func Phrase(name string) string {
	var b strings.Builder
	writePhrase(&b, name)
	return b.String()
}

// writePhrase writes name as an RFC 5322 phrase: as it is when it is made
// of atoms (atext and UTF-8, RFC 6532) separated by single spaces, else as
// a quoted-string with '"' and '\' escaped.
func writePhrase(b *strings.Builder, name string) {
	if isAtomPhrase(name) {
		b.WriteString(name)
		return
	}
	b.WriteByte('"')
	for i := 0; i < len(name); i++ {
		if c := name[i]; c == '"' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(name[i])
	}
	b.WriteByte('"')
}

func isAtomPhrase(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || strings.Contains(s, "  ") || strings.Contains(s, "=?") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 0x80, c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == ' ':
		case strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0:
		default:
			return false
		}
	}
	return true
}
