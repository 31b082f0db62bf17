package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestInterruptedRetryNamesItsFlag: a send --retry-failed interrupted
// says the command that sends the rows it left with --retry-failed, as it
// names the run's other flags but --limit: a plain send leaves alone the
// failed rows the run had yet to retry. (It said "tidings send c.yaml".)
// A failed row it had yet to retry is one of those, not attempted in its
// report.csv (it was listed "failed 550 …", as if refused again;
// fix-misc2), while tidings report, from the journal, keeps it failed.
func TestInterruptedRetryNamesItsFlag(t *testing.T) {
	const rows = 6
	var mu sync.Mutex
	refuse, n := true, 0
	var stop context.CancelFunc
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, _ string) error {
		mu.Lock()
		defer mu.Unlock()
		if refuse {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}), smtptest.OnData(func(_ smtptest.Session, _ *smtptest.Message) error {
		mu.Lock()
		defer mu.Unlock()
		if n++; n == 2 && stop != nil {
			stop()
		}
		return nil
	}))
	camp := sendCampaign(t, srv, rows, "send: {concurrency: 1, retry_backoff: 1ms}\n")
	if out, errOut, err := sendWith(camp, sendOptions{limit: 3}); err == nil {
		t.Fatalf("first send: its rows refused, yet no error\n%s%s", out, errOut)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mu.Lock()
	refuse, stop = false, cancel
	mu.Unlock()
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	if err := runSend(ctx, sendOptions{yes: true, retryFailed: true}, g, camp); exitCode(err) != exitInterrupted {
		t.Fatalf("send --retry-failed: %v\n%s%s", err, out.String(), errOut.String())
	}
	// The 3 rows the first send did not reach and the failed one this
	// run had yet to retry (row 4): one line, with the command.
	oneLineUnsent(t, "send", out.String(), rows-2, "tidings send --yes --retry-failed "+commandArg(camp))
	if strings.Contains(out.String(), " 550 ") || strings.Contains(out.String(), "no such user") { // not "550": the temporary folder's name may hold it
		t.Errorf("send --retry-failed lists a row it did not retry as refused:\n%s", out.String())
	}
	rep := readReport(t, camp)
	unsentAlike(t, "send", rep)
	if r := rep[2]; r["row"] != "4" || r["status"] != "not-attempted" || r["attempts"] != "1" {
		t.Errorf("send's report.csv: row 4, failed before and not retried: %v", r)
	}
	// Its detail names the flag that sends it: "the next send sends it"
	// alone sent a user to a plain send, which leaves it failed
	// (rev-final5).
	if r := rep[2]; !strings.Contains(r["detail"], "--retry-failed") {
		t.Errorf("send's report.csv: row 4's detail %q does not say --retry-failed sends it", r["detail"])
	}
	var repOut, repErr bytes.Buffer
	rg := &globalOptions{stdout: &repOut, stderr: &repErr, stdin: strings.NewReader(""), abort: context.Background()}
	if err := runReport(context.Background(), reportOptions{}, rg, camp); err == nil || !strings.Contains(repOut.String(), "1 failed") {
		t.Errorf("tidings report after it: %v, want row 4 failed as the journal has it\n%s%s", err, repOut.String(), repErr.String())
	}
	mu.Lock()
	stop = nil
	mu.Unlock()
	if o, e, err := sendWith(camp, sendOptions{retryFailed: true}); err != nil || len(srv.Messages()) != rows {
		t.Errorf("the command named: %v, %d of %d sent\n%s%s", err, len(srv.Messages()), rows, o, e)
	}
}

// TestLimitRetryFailed: send --retry-failed --limit 2 over three failed
// rows says the third not sent in this run with the command that sends
// it (--retry-failed kept), in its summary and report.csv alike, where it
// listed the row "failed 550 …" from before, as if refused again
// (fix-misc2).
func TestLimitRetryFailed(t *testing.T) {
	srv, camp := failedRows(t, 3)
	out, errOut, err := sendWith(camp, sendOptions{retryFailed: true, limit: 2})
	if exitCode(err) != 1 || len(srv.Messages()) != 2 {
		t.Fatalf("send --retry-failed --limit 2: %v, %d sent\n%s%s", err, len(srv.Messages()), out, errOut)
	}
	want := "1 not sent (not tried in this run: --limit 2): tidings send --yes --retry-failed " + commandArg(camp) + " sends it.\n"
	if !strings.Contains(out, want) || strings.Contains(out, " 550 ") || strings.Contains(out, "1 failed") {
		t.Errorf("summary: want %q and no row listed failed, got:\n%s", want, out)
	}
	if r := readReport(t, camp)[2]; r["status"] != "not-attempted" || r["detail"] != sendpool.LimitUnsent(2) || r["attempts"] != "1" {
		t.Errorf("report.csv's row 4: %v, want not-attempted %q, its one try counted", r, sendpool.LimitUnsent(2))
	}
	// The command's error (the last line a script logs) said "run send
	// again for the not-attempted", and a plain send leaves the row
	// failed: it names the flag (rev-final5).
	if want := "not sent: 1 not-attempted; run send --yes --retry-failed again for the not-attempted"; err == nil || err.Error() != want {
		t.Errorf("send --retry-failed --limit 2's error: %v, want %q", err, want)
	}
}

// TestCappedRetryFailed: send --retry-failed that daily_cap holds back
// from two failed rows said "run send again then to continue", and the
// plain send then leaves them failed (rev-final5): its last line and its
// error name send --retry-failed.
func TestCappedRetryFailed(t *testing.T) {
	srv, camp := failedRows(t, 4)
	writeFiles(t, filepath.Dir(camp), map[string]string{"c.yaml": strings.Replace(readFile(t, camp), "retry_backoff: 1ms}", "retry_backoff: 1ms, daily_cap: 2}", 1)})
	out, errOut, err := sendWith(camp, sendOptions{retryFailed: true})
	if exitCode(err) != 1 || len(srv.Messages()) != 2 {
		t.Fatalf("send --retry-failed under daily_cap 2: %v, %d sent\n%s%s", err, len(srv.Messages()), out, errOut)
	}
	if !strings.Contains(out, "tidings send --yes --retry-failed "+commandArg(camp)+" sends them once the cap allows (") || strings.Contains(out, "run send --yes again") {
		t.Errorf("summary: want the last line to name send --retry-failed:\n%s", out)
	}
	if want := "run send --yes --retry-failed again once it allows (above)"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want %q in it", err, want)
	}
}

// TestQuotaRetryFailed: send --retry-failed stopped by the server's
// sending quota said "run send again once it resets", and a plain send
// leaves the failed rows failed (rev-final5): it names send
// --retry-failed.
func TestQuotaRetryFailed(t *testing.T) {
	var mu sync.Mutex
	refuse, taken := "5.1.1", 0
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, _ string) error {
		mu.Lock()
		defer mu.Unlock()
		switch taken++; {
		case refuse == "5.1.1":
			return smtptest.Reply(550, "5.1.1", "no such user")
		case refuse == "5.4.5" && taken > 5:
			return smtptest.Reply(550, "5.4.5", "Daily user sending limit exceeded")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 4, "send: {concurrency: 1, retry_backoff: 1ms}\n")
	if out, errOut, err := sendWith(camp, sendOptions{}); err == nil {
		t.Fatalf("first send: its rows refused, yet no error\n%s%s", out, errOut)
	}
	mu.Lock()
	refuse = "5.4.5" // the first retried goes, the second meets the quota
	mu.Unlock()
	out, errOut, err := sendWith(camp, sendOptions{retryFailed: true})
	if exitCode(err) != exitUnusable || len(srv.Messages()) != 1 {
		t.Fatalf("send --retry-failed: %v, %d sent\n%s%s", err, len(srv.Messages()), out, errOut)
	}
	if !strings.Contains(out, "run send --yes --retry-failed again once it resets") {
		t.Errorf("summary: want send --retry-failed named:\n%s", out)
	}
}

// failedRows is a sink and a campaign of n rows whose first send the
// sink refused every recipient of (550 5.1.1), so each row failed; the
// sink accepts from then on, for send --retry-failed.
func failedRows(t *testing.T, n int) (*smtptest.Server, string) {
	t.Helper()
	var refuse atomic.Bool
	refuse.Store(true)
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, _ string) error {
		if refuse.Load() {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, n, "send: {concurrency: 1, retry_backoff: 1ms}\n")
	if out, errOut, err := sendWith(camp, sendOptions{}); err == nil {
		t.Fatalf("first send: its rows refused, yet no error\n%s%s", out, errOut)
	}
	refuse.Store(false)
	return srv, camp
}
