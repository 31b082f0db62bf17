package main

import (
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSendResumesOnlyDeferredRecipients: a message to a To and a Cc where
// the server defers the Cc (451) after accepting the To. With no retries
// left the run ends; the next run sends to the Cc only, so the To never
// gets a second copy and the Cc is not skipped.
func TestSendResumesOnlyDeferredRecipients(t *testing.T) {
	var deferCc atomic.Bool
	deferCc.Store(true)
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "boss@example.com" && deferCc.Load() {
			return smtptest.Reply(451, "4.2.1", "mailbox busy, try later")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 0, "cc: '{{.cc}}'\nsend: {concurrency: 1, retries: 0}\n")
	writeFiles(t, filepath.Dir(camp), map[string]string{
		"r.csv": "email,name,cc\nann@example.com,Ann,boss@example.com\nbob@example.com,Bob,\n",
	})
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed || !strings.Contains(out, "run send again to deliver to those only") {
		t.Fatalf("first run: code %d, want %d and a note\n%s%s", code, exitSomeFailed, out, errOut)
	}
	if srv.Received("ann@example.com") != 1 || srv.Received("boss@example.com") != 0 {
		t.Fatalf("first run: ann %d, boss %d", srv.Received("ann@example.com"), srv.Received("boss@example.com"))
	}
	deferCc.Store(false)
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != 0 {
		t.Fatalf("second run: code %d\n%s%s", code, out, errOut)
	}
	if a, b := srv.Received("ann@example.com"), srv.Received("boss@example.com"); a != 1 || b != 1 {
		t.Errorf("after the second run: ann received %d, boss %d; want 1 and 1", a, b)
	}
	if !strings.Contains(out, "1 to send now") {
		t.Errorf("second run should send one message (to the deferred Cc):\n%s", out)
	}
	msgs := srv.Messages()
	last := msgs[len(msgs)-1]
	if len(last.To) != 1 || last.To[0] != "boss@example.com" || !strings.Contains(string(last.Data), "Cc: boss@example.com") {
		t.Errorf("the resent message went to %v", last.To)
	}
}
