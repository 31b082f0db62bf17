package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestDailyCapServerGoneReport: a send under daily_cap with room for 3
// of its 7 rows, whose server goes away with the first message's reply
// held, gives the 4 rows the cap held back the cap's line, in send's
// summary and in report's, rebuilt from the journal (which gave them the
// stop's words: "run stopped: …", fix-sum2), and the 2 the run never
// reached the stop's.
// The same with --limit 3 instead of the cap gives the 4 the limit's.
func TestDailyCapServerGoneReport(t *testing.T) {
	t.Parallel()
	t.Run("daily_cap", func(t *testing.T) {
		t.Parallel()
		heldServerGone(t, "daily_cap: 3", nil, "4 not sent (daily_cap reached): ")
	})
	t.Run("limit", func(t *testing.T) {
		t.Parallel()
		heldServerGone(t, "", []string{"--limit", "3"}, "4 not sent (not tried in this run: --limit 3): ")
	})
}

// heldServerGone sends 7 rows, 3 at most by setting (send: …) or flags,
// at a server that goes away with the first message's reply held, and
// wants send's summary to have a line starting with held and one with
// the stop, and report's the same lines.
func heldServerGone(t *testing.T, setting string, flags []string, held string) {
	gate := make(chan struct{})
	srv := smtptest.NewServer(t, smtptest.HoldData(gate))
	camp := sendCampaign(t, srv, 7, "send: {concurrency: 1, retry_backoff: 1ms, "+setting+"}\n")
	type result struct {
		out, errOut string
		code        int
	}
	done := make(chan result, 1)
	go func() {
		out, errOut, code := runCLI(t, append(append([]string{"send", "--yes"}, flags...), camp)...)
		done <- result{out, errOut, code}
	}()
	select {
	case <-srv.Held(): // the first body is at the server: it goes away
	case <-time.After(time.Minute):
		t.Fatal("no message reached the server")
	}
	srv.Close()
	send := <-done
	out, errOut, code := runCLI(t, "report", camp)
	for _, want := range []string{held, "2 not sent (run stopped: server unreachable: "} {
		line := notSentLine(send.out, want)
		if send.code != exitUnusable || line == "" {
			t.Fatalf("send: %d, want a line %q\n%s%s", send.code, want, send.out, send.errOut)
		}
		// report's words are send's, the command it names with them.
		if notSentLine(out, want) != line {
			t.Errorf("report: %d, want send's line %q\n%s%s", code, line, out, errOut)
		}
	}
}

// notSentLine is the line of out that starts with prefix, "" for none.
func notSentLine(out, prefix string) string {
	for line := range strings.Lines(out) {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	return ""
}

// TestDailyCapInterruptedReport: the same for a send under daily_cap
// interrupted (Ctrl-C) with the first message's reply held: report gave
// the 4 rows the cap held back the interrupt's words.
func TestDailyCapInterruptedReport(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	srv := smtptest.NewServer(t, smtptest.HoldData(gate))
	camp := sendCampaign(t, srv, 7, "send: {concurrency: 1, retry_backoff: 1ms, daily_cap: 3}\n")
	ctx, cancel := context.WithCancelCause(t.Context())
	defer cancel(nil)
	var out bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: io.Discard, stdin: strings.NewReader(""), abort: context.Background(), interrupt: &interruptWords{}}
	done := make(chan error, 1)
	go func() { done <- execute(ctx, g, []string{"send", "--yes", camp}) }()
	select {
	case <-srv.Held(): // the first body is at the server
	case <-time.After(time.Minute):
		t.Fatal("no message reached the server")
	}
	cancel(errInterrupted)
	close(gate)
	if err := <-done; exitCode(err) != exitInterrupted {
		t.Fatalf("send: %v, want exit %d\n%s", err, exitInterrupted, out.String())
	}
	report, errOut, code := runCLI(t, "report", camp)
	for _, want := range []string{"4 not sent (daily_cap reached): ", "2 not sent (the run was interrupted): "} {
		line := notSentLine(out.String(), want)
		if line == "" {
			t.Fatalf("send: want a line %q\n%s", want, out.String())
		}
		if notSentLine(report, want) != line {
			t.Errorf("report: %d, want send's line %q\n%s%s", code, line, report, errOut)
		}
	}
}
