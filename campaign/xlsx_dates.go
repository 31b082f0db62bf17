package campaign

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// dateClash is a custom date format a cell style of the workbook uses
// whose order is not the one recipients.dates says: the sheet shows such a
// date as Excel displays it (04/11/2025 under dd/mm/yyyy) and the date
// template function would read it in the other order (11 April).
type dateClash struct {
	code  string    // the format code
	order DateOrder // the format's order
	want  DateOrder // recipients.dates
}

// findDateClash returns the first custom number format that a cell style
// uses and that writes all-number dates in the other order than want, or
// nil. The built-in short dates read as yyyy-mm-dd (see xlsxSheet).
func findDateClash(wb *excelize.File, want DateOrder) *dateClash {
	st := wb.Styles
	if st == nil || st.NumFmts == nil || st.CellXfs == nil {
		return nil
	}
	used := make(map[int]bool)
	for _, xf := range st.CellXfs.Xf {
		if xf.NumFmtID != nil {
			used[*xf.NumFmtID] = true
		}
	}
	for _, nf := range st.NumFmts.NumFmt {
		if got, ok := dateFormatOrder(nf.FormatCode); ok && got != want && used[nf.NumFmtID] {
			return &dateClash{code: nf.FormatCode, order: got, want: want}
		}
	}
	return nil
}

// warning is the note for a value v of column col (in sheet row row) that
// has the shape of the clashing format's dates; "" for other values. A
// style the workbook keeps but no cell uses gives no value that shape.
func (c *dateClash) warning(file, col string, row int, v string) string {
	if !numericDate.MatchString(v) {
		return ""
	}
	example := "04/11/2025 as 11 April"
	if c.order == MonthFirst {
		example = "11/04/2025 as 4 November"
	}
	return fmt.Sprintf("%s: column %q (row %d: %s) looks formatted %s (the workbook has the number format %s), but recipients.dates is %s: the date function would read %s; if a template passes these dates to date, set recipients.dates: %s",
		file, col, row, v, strings.ReplaceAll(c.order.String(), "-", " "), c.code, c.want, example, c.order)
}

// numericDate is a value shaped like an all-number date with / or -.
var numericDate = regexp.MustCompile(`^[0-9]{1,2}([/-])[0-9]{1,2}([/-])[0-9]{2,4}( |$)`)

// dateFormatOrder tells the order of an all-number date format code (the
// codes of ECMA-376 Part 1, 18.8.31): DayFirst for dd/mm/yyyy, MonthFirst
// for mm/dd/yyyy. ok is false for a code that is no date, names the month
// (mmm), starts with the year, or separates day and month with anything
// but '/' or '-' (the date function reads 04.11.2025 day first always).
func dateFormatOrder(code string) (order DateOrder, ok bool) {
	runs, ok := formatRuns(code)
	if !ok {
		return 0, false
	}
	day, month, year := -1, -1, -1
	for k, r := range runs {
		minutes := r.c == 'm' && (k > 0 && runs[k-1].c == 'h' || k+1 < len(runs) && runs[k+1].c == 's')
		switch {
		case r.c == 'd' && day < 0 && r.n <= 2:
			day = k
		case r.c == 'm' && month < 0 && !minutes:
			if r.n > 2 {
				return 0, false // the month's name
			}
			month = k
		case r.c == 'y' && year < 0:
			year = k
		}
	}
	if day < 0 || month < 0 || year >= 0 && year < min(day, month) {
		return 0, false
	}
	if sep := runs[min(day, month)].next; sep != '/' && sep != '-' {
		return 0, false
	}
	if day < month {
		return DayFirst, true
	}
	return MonthFirst, true
}

// formatRun is a run of one date or time letter in a number format code.
type formatRun struct {
	c    byte // d, m, y, h or s, lower case
	n    int  // letters in the run
	next byte // the character after the run (after a backslash, the one it escapes)
}

// formatRuns splits the first section of a number format code into its
// runs of date and time letters. Quoted text, backslash escapes,
// [bracketed] parts and the characters after _ and * are not format
// letters. ok is false for an unterminated quote or bracket.
func formatRuns(code string) (runs []formatRun, ok bool) {
	for i := 0; i < len(code); {
		c := code[i] | 0x20 // lower case for letters
		switch {
		case code[i] == '"' || code[i] == '[':
			closer := byte('"')
			if code[i] == '[' {
				closer = ']'
			}
			end := strings.IndexByte(code[i+1:], closer)
			if end < 0 {
				return nil, false
			}
			i += end + 2
		case code[i] == '\\' || code[i] == '_' || code[i] == '*':
			_, size := utf8.DecodeRuneInString(code[min(i+1, len(code)):])
			i += 1 + size
		case code[i] == ';':
			return runs, true // the first section is the one for dates
		case strings.IndexByte("dmyhs", c) >= 0:
			j := i
			for j < len(code) && code[j]|0x20 == c {
				j++
			}
			r := formatRun{c: c, n: j - i}
			if j < len(code) {
				r.next = code[j]
			}
			if r.next == '\\' && j+1 < len(code) { // an escaped separator
				r.next = code[j+1]
			}
			runs = append(runs, r)
			i = j
		default:
			i++
		}
	}
	return runs, true
}
