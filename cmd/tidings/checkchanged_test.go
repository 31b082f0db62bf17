package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestCheckWarnsChangedRows: a row whose values changed since its
// message went (a name that makes the subject too long) gets from check and preview
// the warning send --resend-changed prints of its new message before it
// sends it; check and preview said nothing of it (fix-sum2). The rows
// sent and unchanged get none.
func TestCheckWarnsChangedRows(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != 0 {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	long := strings.Repeat("x", 210)
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nuser000@example.com,User 0\nuser001@example.com," + long + "\nuser002@example.com,User 2\n"})
	out, errOut, code := runCLI(t, "check", camp)
	pre, preErr, preCode := runCLI(t, "preview", camp)
	send, sendErr, sendCode := runCLI(t, "send", "--yes", "--resend-changed", camp)
	want := "/r.csv: row 3: subject is 216 characters long (over 200); clients cut it short\n"
	if sendCode != 0 || !strings.Contains(send, want) {
		t.Fatalf("send --resend-changed: %d, want %q\n%s%s", sendCode, want, send, sendErr)
	}
	if code != 0 || !strings.Contains(out, want) || strings.Count(out, "warning:") != 1 {
		t.Errorf("check: %d, want the one warning %q send gives\n%s%s", code, want, out, errOut)
	}
	if preCode != 0 || !strings.Contains(pre, want) || strings.Count(pre, "warning:") != 1 {
		t.Errorf("preview: %d, want the one warning %q send gives\n%s%s", preCode, want, pre, preErr)
	}
}
