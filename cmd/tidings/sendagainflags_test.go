package main

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestInterruptedRetryNamesItsFlag: a send --retry-failed interrupted
// says the command that sends the rows it left with --retry-failed, as it
// names the run's other flags but --limit: a plain send leaves alone the
// failed rows the run had yet to retry. (It said "tidings send c.yaml".)
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
	// The 3 rows the first send did not reach: the failed one it had yet
	// to retry is listed as failed, as the journal has it.
	oneLineUnsent(t, "send", out.String(), rows-3, "tidings send --yes --retry-failed "+commandArg(camp))
	mu.Lock()
	stop = nil
	mu.Unlock()
	if o, e, err := sendWith(camp, sendOptions{retryFailed: true}); err != nil || len(srv.Messages()) != rows {
		t.Errorf("the command named: %v, %d of %d sent\n%s%s", err, len(srv.Messages()), rows, o, e)
	}
}
