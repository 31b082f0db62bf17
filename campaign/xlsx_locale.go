package campaign

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// A campaign with a locale (locale: de-DE) reads a workbook's dates as
// that locale's Excel and LibreOffice show them: month and weekday names
// (mmm, mmmm, ddd, dddd) in its language, the system short date (built-in
// format 14) and long date ([$-F800]) in its forms (15.12.2026 and
// Dienstag, 15. Dezember 2026 in German, 15/12/2026 and mardi 15 décembre
// 2026 in French), and a / in a date format as its date separator. A
// format naming a locale of its own ([$-40C]) keeps it. Without a locale
// the short date reads as yyyy-mm-dd and names are English.

// localOptions is opts with the system date formats of loc, when set:
// excelize shows built-in format 14 in ShortDatePattern and [$-F800] in
// LongDatePattern, which names loc so its names are loc's language.
func localOptions(opts excelize.Options, loc Locale) excelize.Options {
	if !loc.IsSet() {
		return opts
	}
	opts.ShortDatePattern = loc.info.shortDate
	opts.LongDatePattern = loc.bracket() + loc.info.longDate
	return opts
}

// bracket is the format code element naming loc's Windows locale id:
// [$-407] for de-DE.
func (l Locale) bracket() string {
	return fmt.Sprintf("[$-%X]", l.info.lcid)
}

// localBuiltins points, when loc is set, the cell styles in Excel's
// built-in date formats with names (15 d-mmm-yy, 16 d-mmm, 17 mmm-yy) to
// custom formats of the codes loc shows them in (German 15. Dez 26),
// which localNameFormats then names loc in. It runs before plainGeneral,
// as unpadBuiltins does.
func localBuiltins(wb *excelize.File, loc Locale) {
	if loc.IsSet() && loc.info.builtins != nil {
		customBuiltins(wb, loc.info.builtins)
	}
}

// localNameFormats writes, when loc is set, loc's bracket before each
// of the workbook's custom date formats that shows month or weekday
// names and names no locale of its own ("dddd, d. mmmm yyyy" becomes
// "[$-407]dddd, d. mmmm yyyy"), so excelize writes the names in loc's
// language, as Excel does in the locale the sheet is read in. This
// reaches into excelize's decoded style sheet, as unpadFormats does; the
// workbook is only read.
func localNameFormats(wb *excelize.File, loc Locale) {
	if loc.IsSet() {
		rewriteFormats(wb, func(code string) string { return withLocaleNames(code, loc) })
	}
}

// withLocaleNames is code with loc's bracket before it when its date
// section shows a month's or a weekday's name and it names no locale;
// code itself otherwise.
func withLocaleNames(code string, loc Locale) string {
	if lcid, tag := formatLocale(code); !loc.IsSet() || lcid != 0 || tag != "" || !showsNames(code) {
		return code
	}
	return loc.bracket() + code
}

// showsNames reports whether the first section of a date format code
// shows a month's or a weekday's name: mmm, mmmm, ddd or dddd.
func showsNames(code string) bool {
	runs, ok := formatRuns(code)
	if !ok {
		return false
	}
	for _, r := range runs {
		if (r.c == 'm' || r.c == 'd') && r.n >= 3 {
			return true
		}
	}
	return false
}
