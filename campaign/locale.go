package campaign

import (
	"fmt"
	"strings"
	"time"

	"golang.org/x/text/language"
)

// Locale is the language and region a campaign is written in, the
// top-level locale: setting (a BCP 47 tag: de-DE, de, fr-CH, en-GB). It
// says how the date template function writes month and weekday names,
// how a workbook's cells show names, the system date formats and their
// numbers' marks, and, where recipients.decimal or recipients.dates is
// not set, the sheet's decimal mark and date order. The zero Locale is
// unset: everything is as it is without the setting, English names and
// the marks recipients.decimal names.
type Locale struct {
	info *localeInfo
}

// localeInfo is what tidings knows of one supported locale. The names
// and marks are those LibreOffice Calc shows in that locale (which
// excelize's tables for the locale's Windows id match): see
// locale_test.go.
type localeInfo struct {
	// tag is the canonical tag; lang the language alone, which names
	// this locale when it is the language's first in locales.
	tag, lang string
	// lcid is the Windows locale id, as a workbook's [$-407] names it.
	lcid int
	// decimal is the decimal mark, group the thousands separator.
	decimal DecimalMark
	group   string
	order   DateOrder
	// shortDate and longDate are the Excel format codes the locale shows
	// the system short date (built-in 14) and long date ([$-F800]) in.
	shortDate, longDate string
	// builtins are the codes the locale shows Excel's built-in date
	// formats with names in (15 d-mmm-yy, 16 d-mmm, 17 mmm-yy), nil where
	// they are Excel's own.
	builtins map[int]string
	names    *localNames
}

// localNames are a language's month and weekday names, full and
// abbreviated as a spreadsheet's mmm and ddd show them (with their
// dot: French "janv.").
type localNames struct {
	months, monthsAbbr [12]string
	days, daysAbbr     [7]string // Sunday first, as time.Weekday
}

// The names are a table of tidings' own, not github.com/goodsign/monday's:
// monday's abbreviations are not what spreadsheets show (German Juni and
// Juli for Jun and Jul, French janv without its dot), and v1.0.2 maps
// some French locales' month names to weekday names.
var (
	englishNames = localNames{
		months:     [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		monthsAbbr: [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
		days:       [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
		daysAbbr:   [7]string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
	}
	germanNames = localNames{
		months:     [12]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
		monthsAbbr: [12]string{"Jan", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"},
		days:       [7]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"},
		daysAbbr:   [7]string{"So", "Mo", "Di", "Mi", "Do", "Fr", "Sa"},
	}
	// austrianNames are German's with Austria's Jänner.
	austrianNames = localNames{
		months:     [12]string{"Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"},
		monthsAbbr: [12]string{"Jän", "Feb", "Mär", "Apr", "Mai", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dez"},
		days:       germanNames.days,
		daysAbbr:   germanNames.daysAbbr,
	}
	frenchNames = localNames{
		months:     [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
		monthsAbbr: [12]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
		days:       [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
		daysAbbr:   [7]string{"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."},
	}
)

// germanBuiltins, frenchBuiltins and dottedBuiltins are the built-in
// date formats with names as LibreOffice 7 shows them: 15. Dez 26 in
// Germany and Switzerland, 15-déc.-26 in France, and 15.Dez.26 in
// Austria, 15.déc..26 in French Switzerland, whose date separator
// LibreOffice writes for the built-in code's "-".
var (
	germanBuiltins = map[int]string{15: "d. mmm yy", 16: "d. mmm", 17: "mmm yy"}
	frenchBuiltins = map[int]string{15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy"}
	dottedBuiltins = map[int]string{15: `d\.mmm\.yy`, 16: `d\.mmm`, 17: `mmm\.yy`}
)

// locales are the supported locales, each language's default first. The
// thousands separators are LibreOffice's: a point in Germany and
// Austria, a no-break space (U+00A0) in France, an apostrophe (U+0027)
// in Switzerland. Each groups four digits (2.026): CLDR's
// minimumGroupingDigits is 1 for all of them (as ICU shows: 2.026,
// 2'026, 2,026). A locale added where it is 2 (es, pl, pt-PT: 2026 but
// 12.026) needs number's grouping (templates.groupThousands) to leave a
// four-digit whole part alone.
var locales = []localeInfo{
	{tag: "en-US", lang: "en", lcid: 0x409, decimal: DecimalPoint, group: ",", order: MonthFirst, shortDate: "m/d/yyyy", longDate: "dddd, mmmm d, yyyy", names: &englishNames},
	{tag: "en-GB", lang: "en", lcid: 0x809, decimal: DecimalPoint, group: ",", order: DayFirst, shortDate: "dd/mm/yyyy", longDate: "dddd d mmmm yyyy", names: &englishNames},
	{tag: "de-DE", lang: "de", lcid: 0x407, decimal: DecimalComma, group: ".", order: DayFirst, shortDate: "dd.mm.yyyy", longDate: "dddd, d. mmmm yyyy", builtins: germanBuiltins, names: &germanNames},
	{tag: "de-AT", lang: "de", lcid: 0xC07, decimal: DecimalComma, group: ".", order: DayFirst, shortDate: "dd.mm.yyyy", longDate: "dddd, dd. mmmm yyyy", builtins: dottedBuiltins, names: &austrianNames},
	{tag: "de-CH", lang: "de", lcid: 0x807, decimal: DecimalPoint, group: "'", order: DayFirst, shortDate: "dd.mm.yyyy", longDate: "dddd, dd. mmmm yyyy", builtins: germanBuiltins, names: &germanNames},
	{tag: "fr-FR", lang: "fr", lcid: 0x40C, decimal: DecimalComma, group: "\u00a0", order: DayFirst, shortDate: "dd/mm/yyyy", longDate: "dddd d mmmm yyyy", builtins: frenchBuiltins, names: &frenchNames},
	{tag: "fr-CH", lang: "fr", lcid: 0x100C, decimal: DecimalPoint, group: "'", order: DayFirst, shortDate: "dd.mm.yyyy", longDate: "dddd, dd. mmmm yyyy", builtins: dottedBuiltins, names: &frenchNames},
}

// supportedLocales lists locales' tags for an error.
func supportedLocales() string {
	tags := make([]string, len(locales))
	for i, l := range locales {
		tags[i] = l.tag
	}
	return strings.Join(tags, ", ") + " (de alone is de-DE, fr fr-FR, en en-US)"
}

// ParseLocale parses a BCP 47 tag naming a supported locale: a language
// and region (de-DE, de_DE, fr-CH), or a language alone for its first
// region in locales (de: de-DE); a POSIX locale's name as $LANG holds it
// is read by its language and region (de_DE.UTF-8, de_DE@euro: de-DE).
// "" is the unset Locale; anything else is an error listing the supported
// locales.
func ParseLocale(s string) (Locale, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Locale{}, nil
	}
	tag, err := language.Parse(posixLanguage(s))
	if err != nil {
		return Locale{}, fmt.Errorf("%q is not a language tag (%v); supported: %s; %s", s, err, supportedLocales(), otherLanguage)
	}
	base, _ := tag.Base()
	region, conf := tag.Region()
	for i := range locales {
		l := &locales[i]
		if conf == language.Exact && l.tag == base.String()+"-"+region.String() || conf != language.Exact && l.lang == base.String() {
			return Locale{info: l}, nil
		}
	}
	return Locale{}, fmt.Errorf("locale %q is not supported; supported: %s; %s", s, supportedLocales(), otherLanguage)
}

// posixLanguage is s without a POSIX locale name's codeset and modifier
// (de_DE.UTF-8 and de_DE@euro are de_DE): the conventions a campaign
// takes from its locale are its language's and region's, and a sheet's
// encoding is read from the sheet, never from the locale.
func posixLanguage(s string) string {
	if i := strings.IndexAny(s, ".@"); i > 0 {
		return s[:i]
	}
	return s
}

// otherLanguage says what a campaign in a language tidings has no locale
// for (pl-PL, es, it) writes instead: the marks its sheet writes as
// settings of their own, and dates written with numbers, as date writes
// month and weekday names in English without a locale.
const otherLanguage = `for another language, take locale: out and set recipients.decimal: "," if its numbers are written 4,5, and recipients.dates: day-first if its dates are written 15.12.2026; write dates with numbers then ({{date "02.01.2006" .due}}), as date's month and weekday names are English without a locale`

// IsSet reports whether the campaign names a locale.
func (l Locale) IsSet() bool { return l.info != nil }

// German reports whether the locale's language is German (de-DE, de-AT,
// de-CH).
func (l Locale) German() bool { return l.info != nil && l.info.lang == "de" }

// String is the locale's tag (de-DE), "" when unset.
func (l Locale) String() string {
	if l.info == nil {
		return ""
	}
	return l.info.tag
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (l *Locale) UnmarshalText(b []byte) error {
	v, err := ParseLocale(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// Decimal is the locale's decimal mark (DecimalPoint when unset).
func (l Locale) Decimal() DecimalMark {
	if l.info == nil {
		return DecimalPoint
	}
	return l.info.decimal
}

// Group is the locale's thousands separator, as LibreOffice shows it
// ("" when unset).
func (l Locale) Group() string {
	if l.info == nil {
		return ""
	}
	return l.info.group
}

// DateOrder is the order the locale writes all-number dates in
// (MonthFirst when unset).
func (l Locale) DateOrder() DateOrder {
	if l.info == nil {
		return MonthFirst
	}
	return l.info.order
}

// English reports whether the locale's names are English ones (so when
// unset).
func (l Locale) English() bool {
	return l.info == nil || l.info.names == &englishNames
}

// Month is the name of m in the locale's language, abbreviated as a
// spreadsheet's mmm shows it when short; English when unset.
func (l Locale) Month(m time.Month, short bool) string {
	n := l.localNames()
	if short {
		return n.monthsAbbr[m-1]
	}
	return n.months[m-1]
}

// Weekday is the name of d in the locale's language, abbreviated as a
// spreadsheet's ddd shows it when short; English when unset.
func (l Locale) Weekday(d time.Weekday, short bool) string {
	n := l.localNames()
	if short {
		return n.daysAbbr[d]
	}
	return n.days[d]
}

func (l Locale) localNames() *localNames {
	if l.info == nil {
		return &englishNames
	}
	return l.info.names
}

// applyLocale copies the campaign's locale to its recipients, and takes
// its decimal mark and date order for recipients.decimal and
// recipients.dates where data, the campaign file, leaves them unset (or
// empty): a setting written there wins. Without a locale, it notes a
// recipients.dates left unset (Recipients.DatesUnsaid).
func (c *Campaign) applyLocale(data []byte) {
	if !c.Locale.IsSet() {
		c.Recipients.DatesUnsaid = !settingWritten(data, "recipients.dates")
		return
	}
	c.Recipients.Locale = c.Locale
	if !settingWritten(data, "recipients.decimal") {
		c.Recipients.Decimal = c.Locale.Decimal()
	}
	if !settingWritten(data, "recipients.dates") {
		c.Recipients.Dates = c.Locale.DateOrder()
	}
}

// settingWritten reports whether data gives the setting at the dotted
// path a value other than empty.
func settingWritten(data []byte, path string) bool {
	n := nodeAt(data, path)
	if n == nil {
		return false
	}
	tk := n.GetToken()
	return tk != nil && strings.TrimSpace(tk.Value) != "" && tk.Value != "null" && tk.Value != "~"
}

// NumberGroup is the thousands separator the number template function
// writes: the locale's (where it is not recipients.decimal's mark, the
// other mark), "" without a locale, which writes no grouping.
func (r Recipients) NumberGroup() string {
	if !r.Locale.IsSet() {
		return ""
	}
	_, group := marksOf(r.Decimal, r.Locale)
	return group
}
