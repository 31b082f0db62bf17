package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestNotSentNoSuchAddress: rows the server refused as addresses that do
// not exist (550 5.1.1 User unknown) had the closing line advise
// --retry-failed alone, which fails them again and counts against the
// sender (rev-user13: a club's list with many members gone); it says to
// put them in the suppress: file or take their rows out, or correct
// them, beside --retry-failed for the others (a 550 5.7.1 policy
// refusal); when all the failed are such, that alone.
func TestNotSentNoSuchAddress(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		switch {
		case strings.HasPrefix(to, "gone"):
			return smtptest.Reply(550, "5.1.1", "<"+to+">: Recipient address rejected: User unknown in virtual mailbox table")
		case strings.HasPrefix(to, "blocked"):
			return smtptest.Reply(550, "5.7.1", "<"+to+">: message refused by the recipient's policy")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 0, "")
	sheet := "email,name\nann@example.com,Ann\ngone1@example.com,G1\ngone2@example.com,G2\n"
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": sheet + "blocked@example.com,B\n"})
	_, errOut, code := runCLI(t, "send", "--yes", camp)
	want := "not sent: 3 failed; --retry-failed tries the failed again; the server says 2 of the failed do not exist (5.1.1 and the like), which a retry fails again: put them in the suppress: file (the to column of report.csv's failed rows) or take their rows out of the sheet, or correct them first\n"
	if code != exitSomeFailed || !strings.HasSuffix(errOut, want) {
		t.Errorf("send: code %d, stderr\n%s\nwant it to end %q", code, errOut, want)
	}
	_, errOut, _ = runCLI(t, "report", camp)
	if !strings.HasSuffix(errOut, want) {
		t.Errorf("report: stderr\n%s\nwant it to end %q", errOut, want)
	}
	camp2 := sendCampaign(t, srv, 0, "")
	writeFiles(t, filepath.Dir(camp2), map[string]string{"r.csv": sheet})
	_, errOut, _ = runCLI(t, "send", "--yes", camp2)
	want = "not sent: 2 failed; the server says the failed addresses do not exist: put them in the suppress: file (the to column of report.csv's failed rows) or take their rows out of the sheet, or correct them and use --retry-failed\n"
	if !strings.HasSuffix(errOut, want) {
		t.Errorf("send of a list whose failed are all gone: stderr\n%s\nwant it to end %q", errOut, want)
	}
}
