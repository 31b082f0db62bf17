package main

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
)

// TestNotSentNamesUnknown: a message of unknown outcome may have arrived:
// the send's last line and the summary's list head it "not sent, or
// unknown", not "not sent" alone; a run with none keeps "not sent"; the
// two give one heading (report.ProblemsHeading), messages that went to
// some recipients only named too.
func TestNotSentNamesUnknown(t *testing.T) {
	t.Parallel()
	rows := []report.Row{
		{Recipient: report.Recipient{Row: 2, Key: "a@example.org"}, Status: sendpool.StatusFailed, Attempts: 1, Code: 550, Detail: "mailbox unavailable"},
		{Recipient: report.Recipient{Row: 3, Key: "b@example.org"}, Status: sendpool.StatusUnknown, Attempts: 1, Detail: "connection lost"},
	}
	owing := report.Row{Recipient: report.Recipient{Row: 4, Key: "c@example.org"}, Status: sendpool.StatusSent, Attempts: 1, Owing: true}
	for _, c := range []struct {
		rows         []report.Row
		line, header string
	}{
		{rows, "not sent, or unknown: 1 failed, 1 unknown; ", "not sent, or unknown:\n  row 2"},
		{rows[:1], "not sent: 1 failed; ", "not sent:\n  row 2"},
		// A message that went to some recipients only is not "not
		// sent": both name it, in the same words.
		{append(rows[:1:1], owing), "not sent, or not to every recipient: 1 failed, 1 message to some recipients only; ", "not sent, or not to every recipient:\n  row 2"},
		{append(rows[:2:2], owing), "not sent, not to every recipient, or unknown: 1 failed, 1 unknown, 1 message to some recipients only; ", "not sent, not to every recipient, or unknown:\n  row 2"},
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
