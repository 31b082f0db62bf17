package templates

import (
	"fmt"
	"strings"
	"time"
)

// A Go time layout writes the weekday only in English (Mon, Monday).
// date's layouts also write it in Japanese and Chinese the same way: as
// the reference date's, Monday 2 January 2006, in one of the forms of
// layoutWeekdays: 月曜日, 月曜, 月 in brackets ((月), （月）), 星期一 and
// 周一 are the row's weekday (火曜日, 火曜, （火）, 星期二, 周二 for
// 5 March 2024). Any other day in those forms is text that would be
// the same on every row: layoutProblem refuses it.

// layoutWeekday is a form in which a layout writes a weekday in
// Japanese or Chinese: prefix, the day's name from names (Sunday first),
// suffix.
type layoutWeekday struct {
	prefix, suffix string
	names          []string
}

// zhWeekdays are the Chinese names of the days after 星期 and 周, Sunday
// first.
var zhWeekdays = []string{"日", "一", "二", "三", "四", "五", "六"}

// layoutWeekdays are the forms, longest first where two start alike (月曜日
// before 月曜).
var layoutWeekdays = []layoutWeekday{
	{"", "曜日", jaWeekdays},
	{"", "曜", jaWeekdays},
	{"(", ")", jaWeekdays},
	{"（", "）", jaWeekdays},
	{"星期", "", zhWeekdays},
	{"周", "", zhWeekdays},
}

// weekdayAt finds a weekday form at the start of s: its length in bytes,
// the form, and the day it names (星期天 and 周天 name Sunday too); n is
// 0 when s starts with none.
func weekdayAt(s string) (n int, f layoutWeekday, d time.Weekday) {
	for _, form := range layoutWeekdays {
		if !strings.HasPrefix(s, form.prefix) {
			continue
		}
		rest := s[len(form.prefix):]
		for d, name := range form.names {
			if strings.HasPrefix(rest, name) && strings.HasPrefix(rest[len(name):], form.suffix) {
				return len(form.prefix) + len(name) + len(form.suffix), form, time.Weekday(d)
			}
		}
		if form.prefix != "" && form.suffix == "" && strings.HasPrefix(rest, "天") {
			return len(form.prefix) + len("天"), form, time.Sunday
		}
	}
	return 0, layoutWeekday{}, 0
}

// formatDate writes t with layout, a Go time layout whose Monday forms
// of layoutWeekdays are written as t's weekday in that form.
func formatDate(t time.Time, layout string) string {
	if !hasNonASCII(layout) {
		return t.Format(layout)
	}
	var b strings.Builder
	start := 0
	for i := 0; i < len(layout); {
		n, f, d := weekdayAt(layout[i:])
		if n == 0 || d != time.Monday {
			i += max(n, 1)
			continue
		}
		b.WriteString(t.Format(layout[start:i]))
		b.WriteString(f.prefix + f.names[t.Weekday()] + f.suffix)
		i += n
		start = i
	}
	b.WriteString(t.Format(layout[start:]))
	return b.String()
}

// literalWeekday says that layout writes a weekday other than Monday in
// one of the forms of layoutWeekdays, which would be the same on every
// row, and what to write instead; "" when it writes none.
func literalWeekday(layout string) string {
	for i := 0; i < len(layout); {
		n, f, d := weekdayAt(layout[i:])
		if n > 0 && d != time.Monday {
			return fmt.Sprintf("the layout %q writes %s on every row, whatever the date: a layout writes the weekday of the reference date, Monday 2 January 2006 (as Mon in English): write %s%s%s for the row's weekday (月曜日, 月曜, （月）, 星期一 and 周一 all work; the layout ja is 2006年1月2日（月）)",
				layout, layout[i:i+n], f.prefix, f.names[time.Monday], f.suffix)
		}
		i += max(n, 1)
	}
	return ""
}

// hasNonASCII reports whether s holds a byte past ASCII.
func hasNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}
