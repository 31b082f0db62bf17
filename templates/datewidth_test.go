package templates

import (
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestDateFullWidthAndSpaced: date reads a date typed with full-width
// digits, brackets, slashes or spaces (a Japanese or Chinese input
// method), and one with spaces after 年 and 月, as the ASCII date; its
// weekday is still checked.
func TestDateFullWidthAndSpaced(t *testing.T) {
	date := dateFunc(campaign.MonthFirst, campaign.Locale{})
	for _, v := range []string{
		"２０２４年３月５日（火）", "２０２４年３月５日", "２０２４/３/５", "２０２４－０３－０５", "2024年 3月 5日", "2024年　3月　5日",
		"2024年 3月 5日 (火)", "２０２４年 ３月 ５日　火曜日", "2024年 3月 5日 星期二",
	} {
		if got, err := date("iso", v); err != nil || got != "2024-03-05" {
			t.Errorf("%q: %q, %v; want 2024-03-05", v, got, err)
		}
	}
	if got, err := date("iso", "２０２４年３月５日（水）"); err == nil {
		t.Errorf("a full-width date with the wrong weekday: %q, want the row to fail", got)
	}
}
