package campaign

import (
	"cmp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// localDateSeparators writes, in the workbook's custom date formats that
// name their locale ([$-407]dd/mm/yyyy, as LibreOffice saves a date cell
// of a language other than the document's), each / as the date separator
// of that locale, as Excel and LibreOffice show it: a / in a date format
// is the locale's separator, not a slash (German 15.12.2026, LibreOffice's
// long date "dddd, d/ mmmm yyyy" Dienstag, 15. Dezember 2026). excelize
// writes a slash. Formats naming no locale, or one that writes a slash,
// are left as they are, but under a campaign locale (loc), whose
// separator a format naming none shows (dd/mm/yyyy: 15.12.2026 under
// de-DE); so is a fraction's /. This reaches into excelize's decoded
// style sheet, as unpadFormats does; the workbook is only read.
func localDateSeparators(wb *excelize.File, loc Locale) {
	rewriteFormats(wb, func(code string) string { return withDateSeparator(code, loc) })
}

// withDateSeparator is code with each / of a date section written as the
// escaped date separator of the locale the code names, or of loc when it
// names none; code itself when that locale's separator is /, or it is no
// date format. A section writing the month first keeps a / the locale
// writes as a point (monthFirst).
func withDateSeparator(code string, loc Locale) string {
	lcid, tag := formatLocale(code)
	if lcid == 0 && tag == "" && loc.IsSet() {
		lcid = loc.info.lcid
	}
	sep := dateSeparator(lcid, tag)
	if sep == "" {
		return code
	}
	sections := splitSections(code)
	for i, s := range sections {
		if isDateSection(s) && !(sep == "." && monthFirst(s)) {
			sections[i] = replaceSlashes(s, `\`+sep)
		}
	}
	return strings.Join(sections, ";")
}

// monthFirst reports whether a date section writes the month before the
// day (mm/dd/yyyy). Such a section keeps its / where the locale writes
// a point: the date function reads a dotted date day first
// ("03.04.2026": 3 April), whatever recipients.dates says, so 4 March
// would go out as 3 April; with its / it reads month first, or is told
// as a date in the other order than recipients.dates (DateFormat).
func monthFirst(section string) bool {
	order, ok := dateFormatOrder(section)
	return ok && order == MonthFirst
}

// replaceSlashes is section with each of its / tokens, but those of
// AM/PM and A/P, written as with.
func replaceSlashes(section, with string) string {
	toks := formatTokens(section)
	var b strings.Builder
	for i, t := range toks {
		if t == "/" && !(i > 0 && strings.ContainsAny(toks[i-1], "AaMm") && i+1 < len(toks) && strings.ContainsAny(toks[i+1], "Pp")) {
			t = with
		}
		b.WriteString(t)
	}
	return b.String()
}

// isDateSection reports whether a section of a format code shows a date:
// it has a day or a year, or a month with no hour or second beside it.
func isDateSection(section string) bool {
	runs, ok := formatRuns(section)
	if !ok {
		return false
	}
	month, clock := false, false
	for _, r := range runs {
		switch r.c {
		case 'd', 'y':
			return true
		case 'm':
			month = true
		case 'h', 's':
			clock = true
		}
	}
	return month && !clock
}

// formatLocale is the locale a format code names in a bracket ([$-407],
// [$€-407], [$-de-DE]): the Windows locale id, or 0 with the tag.
func formatLocale(code string) (lcid int, tag string) {
	for _, t := range formatTokens(code) {
		rest, ok := strings.CutPrefix(t, "[$")
		if !ok {
			continue
		}
		_, loc, ok := strings.Cut(strings.TrimSuffix(rest, "]"), "-")
		if !ok {
			continue
		}
		if id, err := strconv.ParseUint(loc, 16, 32); err == nil {
			return int(id & 0xffff), ""
		}
		return 0, loc
	}
	return 0, ""
}

// dateSeparator is the date separator of the locale formatLocale names
// when it is not / ("" when it is, or the locale is not known here).
func dateSeparator(lcid int, tag string) string {
	if tag != "" {
		lang, region, _ := strings.Cut(strings.ToLower(tag), "-")
		return cmp.Or(separatorByTag[lang+"-"+region], separatorByTag[lang])
	}
	if sep, ok := separatorByLCID[lcid]; ok {
		return sep
	}
	return separatorByLanguage[lcid&0x3ff]
}

// separatorByLanguage is the date separator other than / of the
// languages whose every country writes it (Windows primary language ids).
var separatorByLanguage = map[int]string{
	0x07: ".", // German
	0x19: ".", // Russian
	0x15: ".", // Polish
	0x05: ".", // Czech
	0x0b: ".", // Finnish
	0x14: ".", // Norwegian
	0x1f: ".", // Turkish
	0x22: ".", // Ukrainian
}

// separatorByLCID is the date separator other than / of locales whose
// language writes / in other countries.
var separatorByLCID = map[int]string{
	0x100c: ".", // French (Switzerland)
	0x0810: ".", // Italian (Switzerland)
	0x0413: "-", // Dutch (Netherlands)
	0x041d: "-", // Swedish (Sweden)
}

// separatorByTag is separatorByLanguage and separatorByLCID by language
// tag, as newer Excel writes [$-de-DE].
var separatorByTag = map[string]string{
	"de": ".", "ru": ".", "pl": ".", "cs": ".", "fi": ".", "nb": ".", "nn": ".", "tr": ".", "uk": ".",
	"fr-ch": ".", "it-ch": ".", "nl-nl": "-", "sv-se": "-",
}
