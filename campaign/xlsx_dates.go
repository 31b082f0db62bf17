package campaign

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// dateClash is what the workbook's styles say about all-number dates in
// the other order than recipients.dates: the sheet shows a date as Excel
// displays it (04/11/2025 under dd/mm/yyyy) and the date template function
// would read it in the other order (11 April).
type dateClash struct {
	want DateOrder // recipients.dates
	// unsaid is Recipients.DatesUnsaid: want is the default.
	unsaid bool
	// styles maps each cell style index whose custom number format writes
	// dates in the other order to that format's code.
	styles map[int]string
}

// findDateClash returns the cell styles whose custom number format writes
// all-number dates in the other order than r.Dates, or nil when none
// does. The built-in short dates read as yyyy-mm-dd (see xlsxSheet).
func findDateClash(wb *excelize.File, r Recipients) *dateClash {
	var c *dateClash
	eachStyleFormat(wb, func(i, _ int, code string, custom bool) {
		if !custom {
			return
		}
		if got, ok := dateFormatOrder(code); ok && got != r.Dates {
			if c == nil {
				c = &dateClash{want: r.Dates, unsaid: r.DatesUnsaid, styles: make(map[int]string)}
			}
			c.styles[i] = code
		}
	})
	return c
}

// ErrDateOrder is carried by the problem of a cell that shows a date in
// the other order than recipients.dates, where a template reads it with
// the date function (DateFormat.Problem).
var ErrDateOrder = errors.New("a date in the other order than recipients.dates")

// DateFormat is a cell shown in a custom all-number date format of the
// other order than recipients.dates (XLSX only): the sheet shows
// 04/11/2025 for 4 November under dd/mm/yyyy, and the date function, which
// reads month first by default, would make 11 April of it.
type DateFormat struct {
	// Cell is the cell's A1 reference; Code the number format's code.
	Cell, Code string
	// Want is recipients.dates; Unsaid that the campaign file does not
	// set it (Recipients.DatesUnsaid), Want being the default.
	Want   DateOrder
	Unsaid bool
	// Value is the cell as the sheet shows it ("07/12/2026"), "" when not
	// known.
	Value string
}

// Problem explains f for a template that passes the cell to date, with
// the cell's own value as the example where it makes one.
func (f DateFormat) Problem() error {
	order, _ := dateFormatOrder(f.Code)
	example, ok := f.misread(order)
	if !ok {
		example = "04/11/2025 (4 November) as 11 April"
		if order == MonthFirst {
			example = "11/04/2025 (4 November) as 11 April"
		}
	}
	want := "is " + f.Want.String()
	if f.Unsaid {
		want = "is not set, which reads " + strings.ReplaceAll(f.Want.String(), "-", " ")
	}
	return fmt.Errorf("cell %s shows %w: the number format %s writes it %s, and recipients.dates %s, so date would read %s; set recipients.dates: %s",
		f.Cell, ErrDateOrder, f.Code, strings.ReplaceAll(order.String(), "-", " "), want, example, order)
}

// misread says how date would misread f.Value, written in order: "07/12/2026
// (7 December) as 12 July", or "25/11/2025 (25 November) as no date (there
// is no month 25)"; ok is false when the value shows no day and month in
// its first two numbers, or the same number for both.
func (f DateFormat) misread(order DateOrder) (string, bool) {
	a, b, ok := firstTwoNumbers(f.Value)
	day, month := a, b
	if order == MonthFirst {
		day, month = b, a
	}
	if !ok || day == month || day < 1 || day > 31 || month < 1 || month > 12 {
		return "", false
	}
	shown := fmt.Sprintf("%s (%d %s)", f.Value, day, time.Month(month))
	if day > 12 {
		return fmt.Sprintf("%s as no date (there is no month %d)", shown, day), true
	}
	return fmt.Sprintf("%s as %d %s", shown, month, time.Month(day)), true
}

// firstTwoNumbers are the numbers v starts with, separated by '/', '-' or
// '.' ("07/12/2026 18:30": 7 and 12).
func firstTwoNumbers(v string) (a, b int, ok bool) {
	parts := strings.FieldsFunc(strings.TrimSpace(v), func(r rune) bool { return r == '/' || r == '-' || r == '.' })
	if len(parts) < 3 {
		return 0, 0, false
	}
	a, errA := strconv.Atoi(parts[0])
	b, errB := strconv.Atoi(parts[1])
	return a, b, errA == nil && errB == nil
}

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
