package report_test

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
)

// TestSummaryNotSentLeadsWithReason: send's list of rows not sent gave
// each invalid row its problem from the start, the sheet and row the line
// already names and the package's name first ("row 3  … invalid  -
// r.csv: row 3, column "file": render: attachments[0]: attachment not
// readable: "files/pipe.pdf" is …"), cut before the reason, and with a
// sheet named by its absolute path or a long address nothing of the
// reason at all (a FIFO named as an attachment, last session's users).
// Each line gives the row, the recipient and the reason, which starts
// within the first 70 columns, without the words the line already says.
func TestSummaryNotSentLeadsWithReason(t *testing.T) {
	t.Parallel()
	const long = "bob.someone.with.a.long.address@example-company-name.com"
	rows := []report.Row{
		{Recipient: report.Recipient{Row: 3, Key: long}, Status: sendpool.StatusInvalid,
			Detail: `r.csv: row 3, column "file": render: attachments[0]: attachment not readable: "files/pipe.pdf" is not a regular file`},
		{Recipient: report.Recipient{Row: 4, Key: "not-an-address"}, Status: sendpool.StatusInvalid,
			Detail: `/tmp/some/where/quite/deep/r.csv: row 4, column "email": templates: to (/tmp/some/where/quite/deep/c.yaml:3): address: "not-an-address": not an email address: it has no @; ` +
				`/tmp/some/where/quite/deep/r.csv: row 4, column "file": render: attachments[0]: attachment not readable: "files/x.pdf": no such file (looked for /tmp/some/where/quite/deep/files/x.pdf)`},
		{Recipient: report.Recipient{Row: 5, Key: "bob@example.com"}, Status: sendpool.StatusFailed, Code: 550, EnhancedCode: sendpool.EnhancedCode{5, 1, 1},
			Detail: "<bob@example.com>: Recipient address rejected: User unknown in virtual mailbox table"},
	}
	s := report.Summarize(rows)
	out := summaryText(t, &s)
	want := map[string]string{
		"  row 3  bob.someone.with.a.long.address…": `column "file": attachment not readable: "files/pipe.pdf" is not a regular file`,
		"  row 4  not-an-address":                   `column "email": to: address: not an email address: it has no @; column "file": attachment`,
		"  row 5  bob@example.com":                  "failed 550 5.1.1  Recipient address rejected: User unknown in virtual mailbox table",
	}
	lines := 0
	for line := range strings.Lines(out) {
		line = strings.TrimSuffix(line, "\n")
		for lead, reason := range want {
			if !strings.HasPrefix(line, lead) {
				continue
			}
			lines++
			if at := strings.Index(line, reason); at < 0 || report.Width(line[:at]) > 70 {
				t.Errorf("line of %q lacks %q, or it starts past column 70:\n%s", lead, reason, line)
			}
			for _, again := range []string{"r.csv", "row 3,", "row 4,", "render:", "templates:", "<bob@example.com>"} {
				if strings.Contains(line, again) {
					t.Errorf("line of %q says %q again:\n%s", lead, again, line)
				}
			}
		}
	}
	if lines != len(want) {
		t.Errorf("want %d lines of rows, got %d:\n%s", len(want), lines, out)
	}
}

// TestNotSentReasonKeepsWhatMatters: what the list of rows not sent takes
// out of a reason never leaves the line without one, nor keeps what it
// means to take out. A reply that is only the row's address ("<gus@…>:"
// and nothing after) was emptied to nothing; a template's place in a
// folder whose name holds parentheses ("to (My news (2026)/c.yaml:3)")
// was kept whole; and the words on the rows a stop left unsent were cut
// at 100 characters, not columns: 100 Chinese ones took 200.
func TestNotSentReasonKeepsWhatMatters(t *testing.T) {
	t.Parallel()
	stop := strings.Repeat("服务器拒绝了连接", 13) // 104 characters, 208 columns
	rows := []report.Row{
		{Recipient: report.Recipient{Row: 2, Key: "gus@example.com"}, Status: sendpool.StatusFailed, Code: 550, Detail: "<GUS@example.com>:"},
		{Recipient: report.Recipient{Row: 3, Key: "k@example.com"}, Status: sendpool.StatusInvalid,
			Detail: `My news (2026)/r.csv: row 3, column "email": templates: to (My news (2026)/c.yaml:3): address: "x": not an email address`},
		{Recipient: report.Recipient{Row: 4, Key: "l@example.com"}, Status: sendpool.StatusNotAttempted, Detail: sendpool.StopUnsent(stop)},
	}
	s := report.Summarize(rows)
	out := summaryText(t, &s)
	for _, want := range []string{"failed 550  <GUS@example.com>:\n", "invalid     column \"email\": to: address: \"x\": not an email address\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("the list lacks %q:\n%s", want, out)
		}
	}
	stopped := false
	for line := range strings.Lines(out) {
		if why, ok := strings.CutPrefix(line, "1 not sent (run stopped: 服务器"); ok {
			stopped = true
			if why, _, _ = strings.Cut(why, "): "); report.Width(why) > 100 {
				t.Errorf("the stop's words take %d columns, over 100:\n%s", report.Width(why), line)
			}
		}
	}
	if !stopped {
		t.Errorf("no line of the row the stop left unsent:\n%s", out)
	}
}

// TestNotSentLongAddressKept: the list cuts a long recipient to 32
// columns and took the address out of the reason, so a row refused for
// a typo at its end ("…@example-company-name,com") showed the typo
// nowhere; the reason keeps the address whole where the line cuts it,
// and takes it out where the line shows it.
func TestNotSentLongAddressKept(t *testing.T) {
	t.Parallel()
	const long = "bob.someone.with.a.long.address@example-company-name,com"
	rows := []report.Row{
		{Recipient: report.Recipient{Row: 2, Key: long}, Status: sendpool.StatusInvalid,
			Detail: `r.csv: row 2, column "email": templates: to (c.yaml:3): address: "` + long + `": not an email address: a comma in the domain`},
		{Recipient: report.Recipient{Row: 3, Key: "a.long.one.at.a.full.mailbox@example-company-name.com"}, Status: sendpool.StatusFailed, Code: 552, EnhancedCode: sendpool.EnhancedCode{5, 2, 2},
			Detail: "<a.long.one.at.a.full.mailbox@example-company-name.com>: mailbox full"},
		{Recipient: report.Recipient{Row: 4, Key: "ann@example,com"}, Status: sendpool.StatusInvalid,
			Detail: `r.csv: row 4, column "email": templates: to (c.yaml:3): address: "ann@example,com": not an email address: a comma in the domain`},
	}
	s := report.Summarize(rows)
	out := summaryText(t, &s)
	for _, want := range []string{
		`column "email": to: address: "` + long + `": not an`,
		"<a.long.one.at.a.full.mailbox@example-company-name.com>: mailbox full",
		"  row 4  ann@example,com ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the list lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, `"ann@example,com"`) {
		t.Errorf("the list says row 4's address, which it shows whole, again:\n%s", out)
	}
}
