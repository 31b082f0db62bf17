package report

import (
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// TestStaticTexts: the numbers, shares, replies and times the part
// without JavaScript writes.
func TestStaticTexts(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 2500: "2,500", 1000000: "1,000,000", -1234: "-1,234", -123: "-123"} {
		if got := groupDigits(n); got != want {
			t.Errorf("groupDigits(%d) = %q, want %q", n, got, want)
		}
	}
	for _, c := range []struct {
		counts []int
		total  int
		want   string
	}{
		{[]int{0}, 0, "0%"}, {[]int{0, 10}, 10, "0% 100%"}, {[]int{43}, 43, "100%"},
		// Thirds: 33.3% three times made 99.9%.
		{[]int{1, 1, 1}, 3, "33.4% 33.3% 33.3%"},
		// 2/3 and 1/3 of a sixth each way; the earlier of equal remainders first.
		{[]int{2, 1, 2, 1}, 6, "33.3% 16.7% 33.3% 16.7%"},
		// A share too small for a tenth is "<0.1%" and counts as none;
		// 99.93% is not rounded up to 100% (2 were not sent).
		{[]int{2998, 1, 1}, 3000, "99.9% 0.1% <0.1%"},
		{[]int{51, 2949}, 3000, "1.7% 98.3%"},
		{[]int{37, 6}, 43, "86% 14%"},
		// 86.046…% and 13.953…%: a whole 86.0% is written 86%.
		{[]int{1, 1, 1, 1, 1, 1, 1}, 7, "14.3% 14.3% 14.3% 14.3% 14.3% 14.3% 14.2%"},
	} {
		got := strings.Join(shares(c.counts, c.total), " ")
		if got != c.want {
			t.Errorf("shares(%v, %d) = %q, want %q", c.counts, c.total, got, c.want)
		}
	}
	for _, c := range []struct {
		row  Row
		want string
	}{
		{Row{Code: 550, EnhancedCode: sendpool.EnhancedCode{5, 1, 1}, Detail: "no such user"}, "550 5.1.1 no such user"},
		{Row{Code: 421, Detail: "try\r\nlater"}, "421 try later"},
		{Row{Detail: "the connection broke"}, "the connection broke"},
		{Row{}, ""},
	} {
		if got := replyLine(&c.row); got != c.want {
			t.Errorf("replyLine(%+v) = %q, want %q", c.row, got, c.want)
		}
	}
	at := func(s string) int64 { t0, _ := time.Parse(time.RFC3339, s); return t0.UnixMilli() }
	runs := []pageRun{
		{Number: 2, Start: at("2026-11-25T09:00:00Z"), End: at("2026-11-25T10:00:00Z"), Runs: 3}, // earlier runs, folded
		{Number: 3, Start: time.Time{}.UnixMilli(), End: at("2026-11-26T08:30:05Z")},             // no run record
		{Number: 4, Start: at("2026-11-27T07:00:00Z")},                                           // nothing tried
	}
	if first, last, n := ranSpan(runs); first != "2026-11-25 09:00:00 UTC" || last != "2026-11-26 08:30:05 UTC" || n != 5 {
		t.Errorf("ranSpan = %q, %q, %d", first, last, n)
	}
	if first, last, n := ranSpan(nil); first != "" || last != "" || n != 0 {
		t.Errorf("ranSpan(nil) = %q, %q, %d", first, last, n)
	}
}
