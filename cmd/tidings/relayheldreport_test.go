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
// client (journaled deferred meanwhile), while it waits for the server's
// reply to row 3's message. report beside it says row 2 waits for the
// running send, which has not finished with it, where it said "the
// server refused them for now; run send again" though the send was
// still deciding (today's review). Once the send ended (row 2 failed as
// the refusal of its domain), report says so, without the words.
func TestReportWhileRelayHeld(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	srv := smtptest.NewServer(t, smtptest.HoldData(gate), smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if strings.HasSuffix(to, "@refused.test") {
			return smtptest.Reply(554, "5.7.1", "<"+to+">: Relay access denied")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 0, "send: {concurrency: 1, retry_backoff: 1ms}\n")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nb@refused.test,B\na@partner.test,A\n"})
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
		return bytes.Contains(b, []byte(`"status":"temporary"`)) && bytes.Contains(b, []byte(`"type":"attempt"`))
	})

	const waits = "1 deferred, waiting for the send running now: it has not finished with them"
	rout, _, code := runCLI(t, "report", camp)
	if code != exitSomeFailed || !strings.Contains(rout, waits) || strings.Contains(rout, "refused them for now") {
		t.Errorf("report during the send: code %d\n%s", code, rout)
	}
	if r := rowByKey(t, camp, "b@refused.test"); r["status"] != "deferred" || !strings.HasPrefix(r["detail"], "waits for the send running now") || !strings.Contains(r["detail"], "Relay access denied") {
		t.Errorf("row held: %v", r)
	}

	close(gate)
	released = true
	if err := <-done; err == nil {
		t.Fatalf("send: no error, want row 2 failed\n%s%s", out.String(), errOut.String())
	}
	rout, _, code = runCLI(t, "report", camp)
	if code != exitSomeFailed || !strings.Contains(rout, "2 recipients: 1 sent, 1 failed") || strings.Contains(rout, "waiting for the send") {
		t.Errorf("report after the send: code %d\n%s", code, rout)
	}
}
