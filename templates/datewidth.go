package templates

import (
	"strings"

	"golang.org/x/text/width"
)

// narrowDate is a date value as date reads it: full-width digits,
// letters, brackets and punctuation (２０２４年３月５日（火）, typed with
// a Japanese or Chinese input method) made their ASCII forms, an
// ideographic space a space, and the spaces after 年 and 月 dropped
// (2024年 3月 5日, the way some sheets pad one-digit months and days).
// 年, 月, 日 and the weekday names have no narrow form and stay.
func narrowDate(v string) string {
	v = width.Narrow.String(v)
	if !strings.ContainsAny(v, "年月") {
		return v
	}
	var b strings.Builder
	b.Grow(len(v))
	for rest := v; rest != ""; {
		i := strings.IndexAny(rest, "年月")
		if i < 0 {
			b.WriteString(rest)
			break
		}
		n := i + len("年") // 年 and 月 are both three bytes
		b.WriteString(rest[:n])
		rest = strings.TrimLeft(rest[n:], " ")
	}
	return b.String()
}
