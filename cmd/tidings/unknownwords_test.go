package main

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
)

// TestNotSentNamesUnknown: a message of unknown outcome may have arrived:
// the send's last line and the summary's list head it "not sent, or
// unknown", not "not sent" alone; a run with none keeps "not sent".
func TestNotSentNamesUnknown(t *testing.T) {
	t.Parallel()
	rows := []report.Row{
		{Recipient: report.Recipient{Row: 2, Key: "a@example.org"}, Status: sendpool.StatusFailed, Attempts: 1, Code: 550, Detail: "mailbox unavailable"},
		{Recipient: report.Recipient{Row: 3, Key: "b@example.org"}, Status: sendpool.StatusUnknown, Attempts: 1, Detail: "connection lost"},
	}
	for _, c := range []struct {
		rows         []report.Row
		line, header string
	}{
		{rows, "not sent, or unknown: 1 failed, 1 unknown; ", "not sent, or unknown:\n  row 2"},
		{rows[:1], "not sent: 1 failed; ", "not sent:\n  row 2"},
	} {
		sum := report.Summarize(c.rows)
		if err := notSent(sum, againFlags{}, false, false); err == nil || !strings.HasPrefix(err.Error(), c.line) {
			t.Errorf("notSent = %v, want it to start %q", err, c.line)
		}
		var b strings.Builder
		if err := sum.WriteText(&b); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), c.header) {
			t.Errorf("summary lacks %q:\n%s", c.header, b.String())
		}
	}
}
