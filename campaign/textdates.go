package campaign

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/xuri/excelize/v2"
)

// textDates finds, in an XLSX worksheet, dates typed as text among a
// column's dates: a column of numbers in a date format ("d mmmm yyyy",
// shown "15 January 2027") with a cell holding the text "1/15/2027",
// which goes out as typed while its neighbours go as Excel shows them.
// The cell scan tallies each column's cells (tally); warnings tells the
// columns where most filled cells are dates and some are such texts.
// Only shared strings are looked at (Excel, LibreOffice and excelize's
// SetCellValue write text so), and only when the shared string table
// holds one that looks like a date (readStrings): other workbooks are not
// scanned for it.
type textDates struct {
	// styles maps the cell style indexes whose number format shows a
	// date to how the warning names that format.
	styles map[int]string
	// sst maps the indexes of the shared strings that look like a date
	// (looksLikeDate) to their text (readStrings).
	sst map[int]string
	// from is the first data row: the header and the rows above it are
	// not tallied.
	from int
	// columns are the tallies, by 1-based column (0 unused).
	columns []dateTally
}

// dateTally is what a column's data cells hold.
type dateTally struct {
	// filled counts the cells with a value, dates those that are numbers
	// in a date format and texts those of text that looks like a date.
	filled, dates, texts int
	// format is the date format of the column's first date.
	format string
	// cell, row and value are the first text that looks like a date.
	cell  string
	row   int
	value string
}

// findTextDates returns the textDates of wb for a sheet whose data
// starts at row from, or nil when the workbook has no date format in
// use. Its shared strings are read by readStrings.
func findTextDates(wb *excelize.File, from int) *textDates {
	styles := dateStyles(wb)
	if len(styles) == 0 {
		return nil
	}
	return &textDates{styles: styles, from: from}
}

// dateStyles maps the cell style indexes of wb whose number format shows
// a date (a custom code whose first section does, or one of Excel's
// built-in dates) to how a warning names the format.
func dateStyles(wb *excelize.File) map[int]string {
	styles := map[int]string{}
	eachStyleFormat(wb, func(i, id int, code string, custom bool) {
		if custom {
			if isDateSection(code) {
				styles[i] = "shown as " + strconv.Quote(code)
			}
		} else if builtinDate(id) {
			styles[i] = "in Excel's built-in date format " + strconv.Itoa(id)
		}
	})
	return styles
}

// builtinDate reports whether id is one of Excel's built-in date formats
// (ECMA-376 Part 1, 18.8.30, and the East Asian ones).
func builtinDate(id int) bool {
	return builtinTimeFormat(id) && !(id >= 18 && id <= 21 || id >= 45 && id <= 47) // not a time of day alone
}

// tally counts cell c of sheet row row in its column.
func (td *textDates) tally(c *scanCell, row int) {
	if row < td.from {
		return
	}
	value := strings.TrimSpace(c.value)
	if value == "" {
		return
	}
	for len(td.columns) <= c.col {
		td.columns = append(td.columns, dateTally{})
	}
	t := &td.columns[c.col]
	t.filled++
	switch c.typ {
	case "", "n":
		if f, ok := td.styles[styleIndex(c.style)]; ok {
			t.dates++
			if t.format == "" {
				t.format = f
			}
		}
	case "s":
		i, err := strconv.Atoi(value)
		if text, ok := td.sst[i]; ok && err == nil {
			t.texts++
			if t.cell == "" {
				t.cell, t.row, t.value = c.ref, row, text
			}
		}
	}
}

// warnings are the sheet warnings of the columns named in h where most
// filled cells are dates and some hold a date typed as text: one a
// column, naming its first such cell and counting the others.
func (td *textDates) warnings(file, sheet string, h header) []string {
	var out []string
	for j, name := range h.columns {
		col := h.index[j] + 1
		if col >= len(td.columns) {
			continue
		}
		t := td.columns[col]
		if t.texts == 0 || t.dates*2 <= t.filled {
			continue
		}
		where, goes := fmt.Sprintf("cell %s (row %d)", t.cell, t.row), "it goes as typed; type it as a date"
		if t.texts > 1 {
			where = fmt.Sprintf("%s and %d more %s", where, t.texts-1, plural(t.texts-1, "cell", "cells"))
			goes = "they go as typed; type them as dates"
		}
		out = append(out, fmt.Sprintf("%s: sheet %q: %s: a date typed as text (%q) in column %q, whose other cells are dates %s: %s in Excel, or format the column as text",
			filepath.Base(file), sheet, where, t.value, name, t.format, goes))
	}
	return out
}

// looksLikeDate reports whether a text reads as a date by itself: three
// runs of digits between the same separator, '/', '.' or '-' (1/15/2027,
// 15.01.2027, 2027-01-15), perhaps followed by a time; or digits and a
// month's name (15 January 2027, Jan 15th, 2027) in English, German or
// French, with perhaps a weekday's name.
func looksLikeDate(s string) bool {
	s = strings.TrimSpace(s)
	if len(s) < 5 || len(s) > 40 {
		return false
	}
	if s[0] >= '0' && s[0] <= '9' && numericDate(s) {
		return true
	}
	return namedDate(s)
}

// numericDate is looksLikeDate's first form.
func numericDate(s string) bool {
	date, clock, _ := strings.Cut(s, " ")
	if clock != "" && !isClock(clock) {
		return false
	}
	sep := strings.IndexAny(date, "/.-")
	if sep < 0 {
		return false
	}
	parts := strings.Split(date, date[sep:sep+1])
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if len(p) == 0 || len(p) > 4 || !allDigits(p) {
			return false
		}
	}
	return true
}

// isClock reports whether s is a time of day: digits and colons, with
// perhaps AM or PM.
func isClock(s string) bool {
	s = strings.TrimSpace(s)
	if u := strings.ToUpper(s); strings.HasSuffix(u, "AM") || strings.HasSuffix(u, "PM") {
		s = strings.TrimSpace(s[:len(s)-2])
	}
	return strings.Contains(s, ":") && strings.Trim(s, "0123456789:") == ""
}

// allDigits reports whether s is ASCII digits only.
func allDigits(s string) bool {
	return strings.Trim(s, "0123456789") == ""
}

// namedDate is looksLikeDate's second form: words that are each a
// number (perhaps with st, nd, rd or th), a month's name or a weekday's,
// at least one month and one number.
func namedDate(s string) bool {
	words := strings.FieldsFunc(s, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune(",./-", r) })
	month, number := false, false
	for _, w := range words {
		switch lw := strings.ToLower(w); {
		case len(w) <= 4 && allDigits(w):
			number = true
		case len(w) > 2 && len(w) <= 4 && allDigits(w[:len(w)-2]) && strings.Contains("st nd rd th", lw[len(w)-2:]):
			number = true
		case dateNames()[lw] == 'm':
			month = true
		case dateNames()[lw] != 'd':
			return false
		}
	}
	return month && number
}

// dateNames maps the lower-case month names (full and abbreviated, 'm')
// and weekday names ('d') of the languages tidings knows to their kind.
var dateNames = sync.OnceValue(func() map[string]byte {
	names := map[string]byte{"sept": 'm'}
	for _, l := range []*localNames{&englishNames, &germanNames, &austrianNames, &frenchNames} {
		for _, n := range append(l.months[:], l.monthsAbbr[:]...) {
			names[strings.TrimSuffix(strings.ToLower(n), ".")] = 'm'
		}
		for _, n := range append(l.days[:], l.daysAbbr[:]...) {
			if names[strings.TrimSuffix(strings.ToLower(n), ".")] == 0 {
				names[strings.TrimSuffix(strings.ToLower(n), ".")] = 'd'
			}
		}
	}
	return names
})
