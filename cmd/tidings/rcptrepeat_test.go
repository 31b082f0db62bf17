package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// recipientsCampaign writes a campaign whose To and Cc are the columns
// email and cc of sheet (id,email,cc), sending to srv.
func recipientsCampaign(t *testing.T, srv *smtptest.Server, sheet string) string {
	t.Helper()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml": fmt.Sprintf(`name: t
from: "Sender <sender@example.com>"
to: '{{.email}}'
cc: '{{.cc}}'
subject: "Hello"
text: body.txt
recipients: {path: r.csv, key: id}
unsubscribe: {transactional: true}
smtp: {host: 127.0.0.1, port: %d, security: none}
send: {concurrency: 2, retry_backoff: 1ms}
`, srv.Port),
		"body.txt": "Hi\n",
		"r.csv":    sheet,
	})
	return filepath.Join(dir, "c.yaml")
}

// TestSendRecipientRepeatedInCase: an address a row gives twice in
// another letter case (in one cell, or in To and Cc) is one RCPT TO, so
// its owner gets one copy, and check and send warn of it, naming the row
// and the column.
func TestSendRecipientRepeatedInCase(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := recipientsCampaign(t, srv, "id,email,cc\n"+
		"1,Anne@Uni.edu; anne@uni.edu,\n"+ // row 2
		"2,bob@x.example,BOB@X.example\n") // row 3
	wants := []string{
		`r.csv: row 2: column "email": to: holds Anne@uni.edu and anne@uni.edu, one mailbox (letter case makes no other): it gets one copy, and to: names it once`,
		`r.csv: row 3: column "cc": cc: holds BOB@x.example, which to: holds already as bob@x.example (column "email"), one mailbox (letter case makes no other): it gets one copy, and cc: leaves it out`,
	}
	out, errOut, code := runCLI(t, "check", camp)
	for _, w := range wants {
		if code != 0 || !strings.Contains(out, w+"\n") {
			t.Errorf("check: code %d, want %q in\n%s%s", code, w, out, errOut)
		}
	}
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != 0 {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	for _, w := range wants {
		if !strings.Contains(out, w+"\n") {
			t.Errorf("send: want %q in\n%s%s", w, out, errOut)
		}
	}
	msgs := srv.Messages()
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	for _, m := range msgs {
		if len(m.To) != 1 {
			t.Errorf("RCPT TO %q: want one", m.To)
		}
	}
	if n := srv.Commands("RCPT"); n != 2 {
		t.Errorf("%d RCPT commands, want 2", n)
	}
}
