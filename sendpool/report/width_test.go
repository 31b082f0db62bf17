package report_test

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
)

// TestSummaryColumnsWideCharacters: the summary's rows not sent lined up
// their columns by runes (text/tabwriter), so a key or a To of East
// Asian wide characters (two columns each) or with a combining mark
// (none) put the status and the reply after it out of line on a terminal
// (fix-sum2); they line up by the width a terminal gives them.
func TestSummaryColumnsWideCharacters(t *testing.T) {
	t.Parallel()
	failed := func(row int, key, to string) report.Row {
		return report.Row{Recipient: report.Recipient{Row: row, Key: key, To: to}, Status: sendpool.StatusFailed, Code: 550, Detail: "mailbox unavailable"}
	}
	s := report.Summarize([]report.Row{
		failed(2, "a@example.org", "a@example.org"),
		failed(3, "顧客番号十二", "山田太郎 <taro@example.jp>"),
		failed(4, "cafe\u0301-de\u0301ja\u0300-vu\u0308@example.org", "cafe\u0301-de\u0301ja\u0300-vu\u0308@example.org"),
	})
	out := summaryText(t, &s)
	var cols []int
	for line := range strings.Lines(out) {
		if i := strings.Index(line, " failed "); strings.HasPrefix(line, "  row ") && i > 0 {
			cols = append(cols, report.Width(line[:i]))
		}
	}
	if len(cols) != 3 || cols[1] != cols[0] || cols[2] != cols[0] {
		t.Errorf("the columns after the recipient do not line up on a terminal (%v):\n%s", cols, out)
	}
}

// TestPad: Pad fills to a terminal's columns, not to runes or bytes.
func TestPad(t *testing.T) {
	t.Parallel()
	for s, want := range map[string]string{
		"ab":             "ab    ",
		"日本":             "日本  ",
		"e\u0301e\u0301": "e\u0301e\u0301    ",
		"abcdefgh":       "abcdefgh",
	} {
		if got := report.Pad(s, 6); got != want {
			t.Errorf("Pad(%q, 6) = %q, want %q", s, got, want)
		}
	}
}
