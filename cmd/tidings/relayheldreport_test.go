package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestReportWhileRelayHeld: a send holds row 2, whose recipient the
// server refused to relay to before the send knows it relays for this
// client (journaled deferred meanwhile), has given up on row 3 (451,
// retries: 0) and waits for the server's reply to row 4's message.
// report beside it says row 2 waits for the running send, which has not
// finished with it, where it said "the server refused them for now; run
// send again" though the send was still deciding (today's review); row
// 3 is deferred for the next send, as before. Once the send ended (row 2
// failed as the refusal of its domain), report says so.
func TestReportWhileRelayHeld(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	srv := smtptest.NewServer(t, smtptest.HoldData(gate), smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		switch {
		case strings.HasSuffix(to, "@refused.test"):
			return smtptest.Reply(554, "5.7.1", "<"+to+">: Relay access denied")
		case strings.HasSuffix(to, "@later.test"):
			return smtptest.Reply(451, "4.3.0", "try again later")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 0, "send: {concurrency: 1, retries: 0, retry_backoff: 1ms}\n")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nb@refused.test,B\nc@later.test,C\na@partner.test,A\n"})
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	done := make(chan error, 1)
	go func() { done <- runSend(context.Background(), sendOptions{yes: true}, g, camp) }()
	released := false
	defer func() {
		if !released {
			close(gate)
			<-done
		}
	}()
	journal := filepath.Join(filepath.Dir(camp), ".tidings", "t", "journal.jsonl")
	waitFor(t, func() bool {
		b, _ := os.ReadFile(journal)
		return bytes.Count(b, []byte(`"status":"temporary"`)) == 2 && bytes.Contains(b, []byte(`"type":"attempt"`))
	})

	const waits = "1 deferred, waiting for the send running now: it has not finished with them"
	rout, _, code := runCLI(t, "report", camp)
	if code != exitSomeFailed || !strings.Contains(rout, waits) || !strings.Contains(rout, "1 deferred: the server refused them for now; run send --yes again") {
		t.Errorf("report during the send: code %d\n%s", code, rout)
	}
	if r := rowByKey(t, camp, "b@refused.test"); r["status"] != "deferred" || !strings.HasPrefix(r["detail"], "waits for the send running now") || !strings.Contains(r["detail"], "Relay access denied") {
		t.Errorf("row held: %v", r)
	}
	if r := rowByKey(t, camp, "c@later.test"); r["status"] != "deferred" || strings.Contains(r["detail"], "waits for the send") {
		t.Errorf("row given up: %v", r)
	}

	close(gate)
	released = true
	if err := <-done; err == nil {
		t.Fatalf("send: no error, want row 2 failed\n%s%s", out.String(), errOut.String())
	}
	rout, _, code = runCLI(t, "report", camp)
	if code != exitSomeFailed || !strings.Contains(rout, "3 recipients: 1 sent, 1 deferred, 1 failed") || strings.Contains(rout, "waiting for the send") {
		t.Errorf("report after the send: code %d\n%s", code, rout)
	}
}
