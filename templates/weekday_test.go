package templates

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestDateJapaneseWeekday: a date with its Japanese weekday (aaa in
// brackets, aaaa 火曜日, or 火曜) is read as the Chinese forms are; the
// 日 that ends 2024年3月5日 is the day, not Sunday.
func TestDateJapaneseWeekday(t *testing.T) {
	date := dateFunc(campaign.MonthFirst, campaign.Locale{})
	for _, v := range []string{
		"2024/03/05(火)", "2024/3/5（火）", "2024年3月5日(火)", "2024年3月5日（火）", "2024年3月5日 (火)", "2024年3月5日\u3000（火）",
		"2024年3月5日 火曜日", "2024年3月5日火曜日", "2024年3月5日（火曜日）", "2024年3月5日 火曜", "2024年3月5日(火曜)",
		"火曜日 2024年3月5日", "2024/03/05 火曜日", "2024年3月5日",
	} {
		if got, err := date("iso", v); err != nil || got != "2024-03-05" {
			t.Errorf("%q: %q, %v; want 2024-03-05", v, got, err)
		}
	}
	for _, v := range []string{"2024年3月3日(日)", "2024年3月3日 日曜日", "2024/03/03（日）"} {
		if got, err := date("iso", v); err != nil || got != "2024-03-03" {
			t.Errorf("%q: %q, %v; want 2024-03-03", v, got, err)
		}
	}
	for v, want := range map[string]string{
		"2024年3月5日(水)":  `5 March 2024 is a Tuesday, not a Wednesday`,
		"2024年3月5日 月曜日": `5 March 2024 is a Tuesday, not a Monday`,
	} {
		if got, err := date("iso", v); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %q, %v; want an error with %q", v, got, err, want)
		}
	}
	for _, v := range []string{"2024年3月5日 日", "2024/03/05 火", "2024/03/05(曜)"} {
		if got, err := date("iso", v); err == nil {
			t.Errorf("%q: %q, want an error: a bare one-character name is read in brackets only", v, got)
		}
	}
}
