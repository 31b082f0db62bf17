package templates

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// weekdayNames are the names of the days of the week a date format can
// show before or after the date (dddd, ddd, aaaa): English in full and
// short, Chinese 星期一 and 周一, Japanese 月曜日 and 月曜, longest first.
var weekdayNames = func() []weekdayName {
	var names []weekdayName
	for d := time.Sunday; d <= time.Saturday; d++ {
		en, zh := d.String(), zhWeekdays[d]
		names = append(names, weekdayName{en, d}, weekdayName{en[:3], d}, weekdayName{"星期" + zh, d}, weekdayName{"周" + zh, d},
			weekdayName{jaWeekdays[d] + "曜日", d}, weekdayName{jaWeekdays[d] + "曜", d})
	}
	names = append(names, weekdayName{"星期天", time.Sunday}, weekdayName{"周天", time.Sunday})
	slices.SortStableFunc(names, func(a, b weekdayName) int { return len(b.name) - len(a.name) })
	return names
}()

// jaWeekdays are the one-character Japanese names of the days of the
// week (aaa), Sunday first. They are read only in brackets after the
// date ("2024/03/05(火)", "2024年3月5日（火）"): the 日 that ends
// 2024年3月5日 is its day, not Sunday.
var jaWeekdays = []string{"日", "月", "火", "水", "木", "金", "土"}

// weekdayName is a name of a day of the week.
type weekdayName struct {
	name string
	day  time.Weekday
}

// splitWeekday takes a weekday's name off the start or the end of v
// ("Thursday, March 05, 2026", "2026年3月5日 星期四", "2026年3月5日木曜日"),
// with the spaces (an ideographic one too) and comma beside it, or, in brackets, off its end
// ("2026年3月5日（周四）", "2026/03/05(木)"), and returns the rest, the day
// it names and true; v unchanged and false when it names none. An
// English name must stand as a word, in any case.
func splitWeekday(v string) (string, time.Weekday, bool) {
	if rest, d, ok := splitBracketed(v); ok {
		return rest, d, true
	}
	for _, n := range weekdayNames {
		ascii := n.name[0] < utf8.RuneSelf
		if len(v) > len(n.name) && strings.EqualFold(v[:len(n.name)], n.name) && (!ascii || strings.ContainsRune(" ,.", rune(v[len(n.name)]))) {
			return strings.TrimLeft(v[len(n.name):], " ,.\u3000"), n.day, true
		}
		if i := len(v) - len(n.name); i > 0 && strings.EqualFold(v[i:], n.name) && (!ascii || strings.ContainsRune(" ,", rune(v[i-1]))) {
			return strings.TrimRight(v[:i], " ,\u3000"), n.day, true
		}
	}
	return v, 0, false
}

// splitBracketed is splitWeekday for a weekday in brackets, half-width
// or full-width, after the date: "March 14, 2024 (Thu)",
// "2024年3月14日（周四）", "2024/03/05(火)".
func splitBracketed(v string) (string, time.Weekday, bool) {
	for _, p := range [][2]string{{"(", ")"}, {"（", "）"}} {
		open := strings.LastIndex(v, p[0])
		if open <= 0 || !strings.HasSuffix(v, p[1]) {
			continue
		}
		inner := strings.TrimSpace(v[open+len(p[0]) : len(v)-len(p[1])])
		rest := strings.TrimRight(v[:open], " ,\u3000")
		if i := slices.IndexFunc(weekdayNames, func(n weekdayName) bool { return strings.EqualFold(inner, n.name) }); i >= 0 {
			return rest, weekdayNames[i].day, true
		}
		if d := slices.Index(jaWeekdays, inner); d >= 0 {
			return rest, time.Weekday(d), true
		}
	}
	return v, 0, false
}
