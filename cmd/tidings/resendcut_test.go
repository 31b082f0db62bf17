package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestResendUnknownInterrupted: a send under --resend-unknown that a
// Ctrl-C stops before it gets to the unknown rows (some of them recorded
// ahead of their bodies, pipelining) leaves them unknown, in its own
// report and in tidings report alike: its report said "run interrupted:
// the next send sends it", and the journal made those recorded ahead not
// attempted, which the next plain send sent again (a second copy: the
// server had taken the first).
func TestResendUnknownInterrupted(t *testing.T) {
	t.Parallel()
	var drop atomic.Bool
	drop.Store(true)
	var cancel context.CancelFunc
	var resent atomic.Int32
	srv := smtptest.NewServer(t, smtptest.DropReply(func(smtptest.Session, *smtptest.Message) bool { return drop.Load() }),
		smtptest.OnData(func(smtptest.Session, *smtptest.Message) error {
			if !drop.Load() && resent.Add(1) == 2 {
				cancel()
			}
			return nil
		}))
	camp := sendCampaign(t, srv, 6, "send: {concurrency: 1, retries: 0, retry_backoff: 1ms}\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed || !strings.Contains(out, "6 unknown") {
		t.Fatalf("first run: %d\n%s%s", code, out, errOut)
	}
	drop.Store(false)
	var ctx context.Context
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	if err := runSend(ctx, sendOptions{yes: true, resendUnknown: true}, g, camp); exitCode(err) != exitInterrupted ||
		!strings.Contains(out.String(), "6 recipients: 2 sent, 4 unknown") || strings.Contains(out.String(), "not-attempted") {
		t.Fatalf("--resend-unknown, interrupted: %v\n%s%s", err, out.String(), errOut.String())
	}
	sent := readReport(t, camp)
	if rout, _, _ := runCLI(t, "report", camp); !strings.Contains(rout, "6 recipients: 2 sent, 4 unknown") {
		t.Errorf("tidings report:\n%s", rout)
	}
	for i, r := range readReport(t, camp) {
		if r["status"] != sent[i]["status"] || r["detail"] != sent[i]["detail"] {
			t.Errorf("row %s: send's report %s (%s), tidings report %s (%s)", r["row"], sent[i]["status"], sent[i]["detail"], r["status"], r["detail"])
		}
	}
	before := len(srv.Messages())
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed || len(srv.Messages()) != before {
		t.Errorf("a plain send after: %d, %d messages more\n%s%s", code, len(srv.Messages())-before, out, errOut)
	}
}

// TestResendChangedInterrupted: a send --resend-changed a Ctrl-C stops
// after the first corrected message leaves the rows it did not come to
// as their messages went before, sent with their Message-IDs, in its
// report and in tidings report alike, and its summary says they were not
// sent again (rev-last6: they read not attempted, with no Message-ID).
func TestResendChangedInterrupted(t *testing.T) {
	t.Parallel()
	var armed atomic.Bool
	var cancel context.CancelFunc
	srv := smtptest.NewServer(t, smtptest.OnData(func(smtptest.Session, *smtptest.Message) error {
		if armed.CompareAndSwap(true, false) {
			cancel()
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 4, "send: {concurrency: 1, retry_backoff: 1ms}\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("first run: %d\n%s%s", code, out, errOut)
	}
	first := readReport(t, camp)
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{"r.csv": strings.ReplaceAll(readFile(t, filepath.Join(dir, "r.csv")), "User ", "Member ")})
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	cancel = stop
	armed.Store(true)
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	if err := runSend(ctx, sendOptions{yes: true, resendChanged: true}, g, camp); exitCode(err) != exitInterrupted ||
		!strings.Contains(out.String(), "4 recipients: 4 sent") || !strings.Contains(out.String(), "\n3 rows changed since their messages went out, not sent again (listed above)\n") {
		t.Fatalf("--resend-changed, interrupted: %v\n%s%s", err, out.String(), errOut.String())
	}
	sent := readReport(t, camp)
	if _, errOut, code := runCLI(t, "report", camp); code != exitOK {
		t.Fatalf("report: %d\n%s", code, errOut)
	}
	for i, r := range readReport(t, camp) {
		for _, col := range []string{"status", "message_id", "detail"} {
			if i > 0 && sent[i][col] != first[i][col] || r[col] != sent[i][col] {
				t.Errorf("row %s, %s: first send %q, the interrupted send %q, report %q", r["row"], col, first[i][col], sent[i][col], r[col])
			}
		}
	}
	if sent[0]["message_id"] == first[0]["message_id"] {
		t.Errorf("row 2, sent again: Message-ID %q, the one before", sent[0]["message_id"])
	}
}
