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

// TestInHandWhileSendRuns: while a send waits for the server's reply to
// a message, report, check, show and preview beside it say the message
// is being sent (status "sending"), not unknown with --resend-unknown to
// run; check's estimate leaves it out. Once the reply came, report says
// sent.
func TestInHandWhileSendRuns(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	srv := smtptest.NewServer(t, smtptest.HoldData(gate))
	camp := sendCampaign(t, srv, 3, "send: {concurrency: 1, retry_backoff: 1ms}\n")
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
	state := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	waitFor(t, func() bool {
		b, _ := os.ReadFile(filepath.Join(state, "journal.jsonl"))
		return bytes.Contains(b, []byte(`"type":"attempt"`))
	})

	rout, _, code := runCLI(t, "report", camp)
	if code != exitSomeFailed || !strings.Contains(rout, "3 recipients: 0 sent, 1 sending, 2 not-attempted") || strings.Contains(rout, "unknown") {
		t.Errorf("report during the send: code %d\n%s", code, rout)
	}
	if r := rowByKey(t, camp, "user000@example.com"); r["status"] != "sending" || !strings.Contains(r["detail"], "being sent now") || strings.Contains(r["detail"], "--resend-unknown") {
		t.Errorf("row in hand: %v", r)
	}
	if j := readFile(t, filepath.Join(state, "report.json")); !strings.Contains(j, `"sending": 1`) {
		t.Errorf("report.json's summary counts no message being sent:\n%.600s", j)
	}
	if p := readFile(t, filepath.Join(state, "report.html")); !strings.Contains(p, `"sending":1`) || !strings.Contains(p, `"stop":"still running"`) ||
		strings.Contains(p, `"fromRows"`) {
		t.Errorf("report.html: no message being sent, or the run not running, or outcomes from rows")
	}
	cout, _, code := runCLI(t, "check", camp)
	if line := summaryLine(t, cout); code != exitOK || !strings.Contains(line, "; 1 being sent now by the send that is running") || strings.Contains(line, "need no sending") || !strings.Contains(cout, "estimate: 2 messages") {
		t.Errorf("check during the send: code %d\n%s", code, cout)
	}
	if _, serr, code := runCLI(t, "show", "--row", "2", camp); code != exitOK || !strings.Contains(serr, "row 2, user000@example.com: being sent now by the send that is running") {
		t.Errorf("show during the send: code %d\n%s", code, serr)
	}
	if pout, _, code := runCLI(t, "preview", camp); code != exitOK || !strings.Contains(pout, "1 being sent now") {
		t.Errorf("preview during the send: code %d\n%s", code, pout)
	}

	close(gate)
	released = true
	if err := <-done; err != nil {
		t.Fatalf("send: %v\n%s%s", err, out.String(), errOut.String())
	}
	if rout, _, code := runCLI(t, "report", camp); code != exitOK || !strings.Contains(rout, "3 recipients: 3 sent") {
		t.Errorf("report after the send: code %d\n%s", code, rout)
	}
}
