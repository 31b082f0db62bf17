package report

import (
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// TestStaticTexts: the numbers, shares, replies and times the part
// without JavaScript writes.
func TestStaticTexts(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 2500: "2,500", 1000000: "1,000,000", -1234: "-1,234", -123: "-123"} {
		if got := groupDigits(n); got != want {
			t.Errorf("groupDigits(%d) = %q, want %q", n, got, want)
		}
	}
	for _, c := range []struct {
		n, total int
		want     string
	}{{0, 0, "0%"}, {0, 10, "0%"}, {1, 3000, "<0.1%"}, {51, 3000, "1.7%"}, {37, 43, "86%"}, {43, 43, "100%"}} {
		if got := share(c.n, c.total); got != c.want {
			t.Errorf("share(%d, %d) = %q, want %q", c.n, c.total, got, c.want)
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
