package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestDeferredWhenRetriesRunOut: a recipient the server keeps refusing for
// now is deferred, not failed, once the run's retries are spent: the report
// gives the last reply, the summary counts it apart, the exit code is 1,
// `report` agrees, and the next run sends it.
func TestDeferredWhenRetriesRunOut(t *testing.T) {
	t.Parallel()
	var refuse atomic.Bool
	refuse.Store(true)
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "user001@example.com" && refuse.Load() {
			return smtptest.Reply(451, "4.3.0", "mailbox busy, try later")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 3, "send: {concurrency: 1, retries: 1, retry_backoff: 1ms}\n")
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed {
		t.Fatalf("code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	if !strings.Contains(out, "3 recipients: 2 sent, 1 deferred") || !strings.Contains(out, "1 deferred: the server refused them for now") {
		t.Errorf("summary:\n%s", out)
	}
	r := rowByKey(t, camp, "user001@example.com")
	if r["status"] != "deferred" || r["code"] != "451" || r["enhanced_code"] != "4.3.0" || !strings.Contains(r["detail"], "mailbox busy") {
		t.Errorf("deferred row: %v", r)
	}
	out, _, code = runCLI(t, "report", camp)
	if code != exitSomeFailed || !strings.Contains(out, "1 deferred") {
		t.Errorf("report: code %d\n%s", code, out)
	}
	if r := rowByKey(t, camp, "user001@example.com"); r["status"] != "deferred" {
		t.Errorf("report's row: %v", r)
	}
	refuse.Store(false)
	if out, errOut, code = runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("second run: code %d\n%s%s", code, out, errOut)
	}
	if n := srv.Received("user001@example.com"); n != 1 {
		t.Errorf("user001 received %d copies", n)
	}
}

// TestDeferredWhileWaitingAndAfterInterrupt: while a send waits to retry a
// refused message, `report` shows it deferred (not failed), and so does the
// report the interrupted run leaves behind.
func TestDeferredWhileWaitingAndAfterInterrupt(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "user000@example.com" {
			return smtptest.Reply(452, "4.2.2", "mailbox over quota for now")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 2, "send: {concurrency: 1, retries: 3, retry_backoff: 1h}\n")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	done := make(chan error, 1)
	go func() { done <- runSend(ctx, sendOptions{yes: true}, g, camp) }()

	journal := filepath.Join(filepath.Dir(camp), ".tidings", "t", "journal.jsonl")
	waitFor(t, func() bool {
		b, _ := os.ReadFile(journal)
		return bytes.Contains(b, []byte(`"status":"temporary"`)) && srv.Received("user001@example.com") == 1
	})
	rout, _, code := runCLI(t, "report", camp)
	if code != exitSomeFailed || !strings.Contains(rout, "1 deferred") {
		t.Errorf("report during the send: code %d\n%s", code, rout)
	}
	if r := rowByKey(t, camp, "user000@example.com"); r["status"] != "deferred" || r["code"] != "452" {
		t.Errorf("row waiting for its retry: %v", r)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) && exitCode(err) != exitInterrupted {
		t.Fatalf("send: %v\n%s%s", err, out.String(), errOut.String())
	}
	r := rowByKey(t, camp, "user000@example.com")
	if r["status"] != "deferred" || r["code"] != "452" || !strings.Contains(r["detail"], "run interrupted before the next try") {
		t.Errorf("row of the interrupted run: %v", r)
	}
}

// rowByKey returns the report row of key.
func rowByKey(t *testing.T, camp, key string) map[string]string {
	t.Helper()
	for _, r := range readReport(t, camp) {
		if r["key"] == key {
			return r
		}
	}
	t.Fatalf("no report row for %s", key)
	return nil
}

// waitFor polls cond until it holds, failing the test after 20 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 20s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestReportWhileSendRuns: report during a send (a process holds the
// campaign's lock) does not tell the user to start another send, which
// the lock would refuse; it says a send is running and names it. Without
// the holder it says to run send again.
func TestReportWhileSendRuns(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp); code != exitSomeFailed {
		t.Fatalf("send --limit 1: %d\n%s%s", code, out, errOut)
	}
	for _, r := range readReport(t, camp) {
		if r["status"] == "not-attempted" && r["detail"] != "not tried in this run: --limit 1" {
			t.Errorf("after send --limit 1: row %s detail %q", r["row"], r["detail"])
		}
	}
	lock, err := journal.AcquireLockAs(filepath.Join(filepath.Dir(camp), ".tidings", "t"), "send")
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "report", camp)
	if code != exitSomeFailed || !strings.Contains(errOut, fmt.Sprintf("tidings send is running on this campaign (PID %d, since ", os.Getpid())) || strings.Contains(out+errOut, "run send ") {
		t.Errorf("report while locked: code %d\n%s%s", code, out, errOut)
	}
	// Nor does the line of the rows not sent ("tidings send t.yaml sends
	// them", rev-user12): the send running may still reach them.
	if strings.Contains(out, "sends them") || !strings.Contains(out, "2 not sent (not tried yet: no send has reached them): the send running now may still reach them; run report again when it ends.") {
		t.Errorf("report while locked, the rows not sent:\n%s", out)
	}
	out, errOut, code = runCLI(t, "check", camp)
	if code != exitOK || !strings.Contains(out, fmt.Sprintf("note: tidings send is running on this campaign (PID %d, since ", os.Getpid())) {
		t.Errorf("check while locked: code %d\n%s%s", code, out, errOut)
	}
	// preview, which lists the rows that send is sending as messages to
	// send, says so too (it said nothing).
	out, errOut, code = runCLI(t, "preview", camp)
	if code != exitOK || !strings.Contains(out, fmt.Sprintf("note: tidings send is running on this campaign (PID %d, since ", os.Getpid())) {
		t.Errorf("preview while locked: code %d\n%s%s", code, out, errOut)
	}
	lock.Release()
	// A bounces run holds the same lock: both report and send name it.
	lock, err = journal.AcquireLockAs(filepath.Join(filepath.Dir(camp), ".tidings", "t"), "bounces")
	if err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := runCLI(t, "report", camp); code != exitSomeFailed || !strings.Contains(errOut, "tidings bounces is running on this campaign") {
		t.Errorf("report while bounces runs: code %d\n%s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "send", "--yes", camp); code != exitTempFail || !strings.Contains(errOut, "tidings bounces is working on this campaign, PID") {
		t.Errorf("send while bounces runs: code %d\n%s", code, errOut)
	}
	lock.Release()
	out, errOut, code = runCLI(t, "report", camp)
	if code != exitSomeFailed || !strings.Contains(out+errOut, "run send --yes again") {
		t.Errorf("report after: code %d\n%s%s", code, out, errOut)
	}
	for _, r := range readReport(t, camp) {
		if r["status"] == "not-attempted" && r["detail"] != "not tried yet: no send has reached this row" {
			t.Errorf("after report: row %s detail %q", r["row"], r["detail"])
		}
	}
}

// TestNotTriedPastLimitWhenStopped: a run with --limit 1 that stops (the
// server refuses service) labels the rows past --limit with the limit, not with the
// stop: this run would never have tried them.
func TestNotTriedPastLimitWhenStopped(t *testing.T) {
	t.Parallel()
	// A server that refuses service stops the run at its first connection.
	// (Not a closed one: another test's server may take its port.)
	srv := smtptest.NewServer(t, smtptest.RefuseWith("554 5.7.1 no service for you"))
	camp := sendCampaign(t, srv, 3, "")
	out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp)
	for _, r := range readReport(t, camp) {
		want := "not tried in this run: --limit 1"
		if r["row"] == "2" {
			want = "the run stopped" // or the pool's own words for the stop
		}
		if r["status"] != "not-attempted" || !strings.Contains(r["detail"], want) && !(r["row"] == "2" && r["detail"] != "") {
			t.Errorf("row %s: %s %q, want %q\ncode %d %s%s", r["row"], r["status"], r["detail"], want, code, out, errOut)
		}
	}
}

// TestDeferredNotReachedAgain: a row an earlier run left deferred that a
// run does not reach (--limit) keeps its deferral, the server's reply, in
// that run's report, as tidings report has it; it read not-attempted
// there before ("not tried in this run"), and the two reports disagreed.
// The run says up front how many went before (the one sent).
func TestDeferredNotReachedAgain(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to != "user002@example.com" {
			return smtptest.Reply(451, "4.3.0", "mailbox busy")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 3, "send: {concurrency: 1, retries: 1, retry_backoff: 1ms}\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed {
		t.Fatalf("first run: %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp)
	if code != exitSomeFailed || !strings.Contains(out, "3 recipients: 1 sent, 2 deferred") || !strings.Contains(out, "t: 3 rows; 1 sent before, 1 to send now via") {
		t.Fatalf("run with --limit 1: %d\n%s%s", code, out, errOut)
	}
	sent := rowByKey(t, camp, "user001@example.com")
	if _, _, code := runCLI(t, "report", camp); code != exitSomeFailed {
		t.Fatalf("report: %d", code)
	}
	rebuilt := rowByKey(t, camp, "user001@example.com")
	if sent["status"] != "deferred" || sent["code"] != "451" || !strings.Contains(sent["detail"], "mailbox busy") ||
		sent["status"] != rebuilt["status"] || sent["detail"] != rebuilt["detail"] || sent["code"] != rebuilt["code"] {
		t.Errorf("the row not reached again: send's report %v, tidings report %v", sent, rebuilt)
	}
}

// TestDeferredRetryCutOff: a row an earlier run left deferred that a run
// tries again and a Ctrl-C cuts off before its body went (recorded ahead
// of it, pipelining) keeps its deferral and the server's reply, in that
// run's report and in tidings report alike (it read not-attempted, the
// reply lost); the next plain send sends it.
func TestDeferredRetryCutOff(t *testing.T) {
	t.Parallel()
	var busy atomic.Bool
	busy.Store(true)
	var cancel context.CancelFunc
	var took atomic.Int32
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if busy.Load() {
			return smtptest.Reply(451, "4.3.0", "mailbox busy")
		}
		return nil
	}), smtptest.OnData(func(smtptest.Session, *smtptest.Message) error {
		if took.Add(1) == 2 {
			cancel()
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 6, "send: {concurrency: 1, retries: 0, retry_backoff: 1ms}\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed || !strings.Contains(out, "6 deferred") {
		t.Fatalf("first run: %d\n%s%s", code, out, errOut)
	}
	busy.Store(false)
	var ctx context.Context
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	if err := runSend(ctx, sendOptions{yes: true}, g, camp); exitCode(err) != exitInterrupted ||
		!strings.Contains(out.String(), "6 recipients: 2 sent, 4 deferred") || strings.Contains(out.String(), "not-attempted") {
		t.Fatalf("a plain send, interrupted: %v\n%s%s", err, out.String(), errOut.String())
	}
	sent := readReport(t, camp)
	if rout, _, _ := runCLI(t, "report", camp); !strings.Contains(rout, "6 recipients: 2 sent, 4 deferred") {
		t.Errorf("tidings report:\n%s", rout)
	}
	for i, r := range readReport(t, camp) {
		if r["status"] != sent[i]["status"] || r["detail"] != sent[i]["detail"] || r["status"] == "deferred" && !strings.Contains(r["detail"], "mailbox busy") {
			t.Errorf("row %s: send's report %s (%s), tidings report %s (%s)", r["row"], sent[i]["status"], sent[i]["detail"], r["status"], r["detail"])
		}
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 6 {
		t.Errorf("a plain send after: %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
}
