package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// journalLines counts the lines of camp's journal that hold s.
func journalLines(t *testing.T, camp, s string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(filepath.Dir(camp), ".tidings", "t", render.StateJournal))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return bytes.Count(b, []byte(s))
}

// killedAfter runs the built tidings' send of a campaign of rows, and
// kills it outright (SIGKILL) once the journal has the results of the
// first n messages, with none in its hands: at a rate of one a minute
// after a burst of n, the next waits for the rate; with n 0 the server
// never greets it (a listener that accepts and says nothing).
func killedAfter(t *testing.T, rows, n int) (camp string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	srv, accepted := smtptest.NewServer(t), make(chan struct{}, 1)
	if n == 0 {
		srv = &smtptest.Server{Port: silentPort(t, accepted)}
	}
	camp = sendCampaign(t, srv, rows, fmt.Sprintf("send: {rate: 1/min, burst: %d, concurrency: 1, retry_backoff: 1ms}\n", max(n, 1)))
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	run := startBinarySend(ctx, t, bin, "--yes", camp)
	if n == 0 {
		select {
		case <-accepted:
		case <-ctx.Done():
			t.Fatal("the send never connected")
		}
	}
	waitFor(t, func() bool {
		return journalLines(t, camp, `"type":"result"`) >= n && journalLines(t, camp, `"type":"run"`) == 1
	})
	if err := run.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	run.wait()
	if a, r := journalLines(t, camp, `"type":"attempt"`), journalLines(t, camp, `"type":"result"`); a != n || r != n {
		t.Fatalf("journal after the kill: %d attempts, %d results, want %d of each", a, r, n)
	}
	return camp
}

// silentPort is the port of a listener that accepts connections and
// says nothing on them, telling accepted of each, until the test ends.
func silentPort(t *testing.T, accepted chan<- struct{}) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		var conns []net.Conn
		defer func() {
			for _, c := range conns {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
			select {
			case accepted <- struct{}{}:
			default:
			}
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

// reportEnding runs tidings report on camp and returns report.json's
// ending.
func reportEnding(t *testing.T, camp string) *report.Ending {
	t.Helper()
	if out, errOut, code := runCLI(t, "report", camp); code != exitSomeFailed {
		t.Fatalf("report: code %d\n%s%s", code, out, errOut)
	}
	return readReportJSON(t, camp).Ending
}

// TestReportJSONEndingKilledBetween: a send killed outright (SIGKILL)
// between two messages, or before the first, records nothing of its
// end, and tidings report after it said "kind": "finished", the send
// having "went through the rows it set out to send", with 27 rows not
// tried yet (a cron script took it for done: today's review); it says
// killed, and what sends the rest. The same journal without the run's
// to_send (an older tidings wrote none) reads as before.
func TestReportJSONEndingKilledBetween(t *testing.T) {
	for _, c := range []struct {
		name string
		n    int
	}{{"between", 3}, {"before the first", 0}} {
		t.Run(c.name, func(t *testing.T) {
			camp := killedAfter(t, 30, c.n)
			left := 30 - c.n
			e := reportEnding(t, camp)
			if e.Kind != report.EndKilled || !strings.Contains(e.Words, "killed outright") || !strings.Contains(e.Words, "between two messages") ||
				e.Next != "tidings send --yes "+commandArg(camp)+" sends the "+report.Plural(left, "row")+" left" {
				t.Errorf("report after a send killed %s messages: ending %+v", c.name, *e)
			}
			path := filepath.Join(filepath.Dir(camp), ".tidings", "t", render.StateJournal)
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			old := regexp.MustCompile(`,"to_send":\d+`).ReplaceAll(b, nil)
			if bytes.Equal(old, b) {
				t.Fatal("the run's record has no to_send")
			}
			if err := os.WriteFile(path, old, 0o600); err != nil {
				t.Fatal(err)
			}
			if e := reportEnding(t, camp); e.Kind != report.EndFinished || e.Next != "tidings send --yes "+commandArg(camp)+" sends them" {
				t.Errorf("an older journal: ending %+v, want finished as before", *e)
			}
		})
	}
}

// TestReportJSONEndingLimitNotKilled: a send that held rows back past
// --limit, one that sent every row, one that retried within the run, one
// with a row refused and a --retry-failed after it read as they did when
// report rebuilds them, the run's record counting what it set out to
// send: as send's own report.json says (endingOfRun).
func TestReportJSONEndingLimitNotKilled(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 6, "")
	if e, _ := endingOfRun(t, camp, exitSomeFailed, "--limit", "2"); e.Kind != report.EndLimit {
		t.Errorf("--limit 2: ending %+v", *e)
	}
	if e, _ := endingOfRun(t, camp, exitOK); e.Kind != report.EndFinished || e.Next != "" {
		t.Errorf("the rest: ending %+v", *e)
	}
	if n := journalLines(t, camp, `"to_send":4`); n != 1 {
		t.Errorf("the journal has %d run records that set out to send the 4 rows left, want 1", n)
	}
	// Retries within the run (a greylisting server's), and rows refused
	// for good, then tried again.
	refusing := smtptest.NewServer(t, smtptest.Greylist())
	camp = sendCampaign(t, refusing, 4, "send: {concurrency: 2, retry_backoff: 1ms}\n")
	if e, _ := endingOfRun(t, camp, exitOK); e.Kind != report.EndFinished {
		t.Errorf("greylisted: ending %+v", *e)
	}
	failing := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "user001@example.com" {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}))
	camp = sendCampaign(t, failing, 4, "")
	if e, _ := endingOfRun(t, camp, exitSomeFailed); e.Kind != report.EndFinished {
		t.Errorf("one refused: ending %+v", *e)
	}
	if e, _ := endingOfRun(t, camp, exitSomeFailed, "--retry-failed"); e.Kind != report.EndFinished {
		t.Errorf("--retry-failed: ending %+v", *e)
	}
}

// TestReportJSONEndingInterruptedHeld: a send interrupted while a
// send.domains limit held every message back, none in its hands,
// recorded nothing of it, and tidings report after it read as
// "finished" (then, once the run's record counted what it set out to
// send, killed); the send records the interrupt, and report says
// interrupted, as the send did.
func TestReportJSONEndingInterruptedHeld(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 6, "send: {concurrency: 1, retry_backoff: 1ms, domains: {example.com: 1/m}}\n")
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	run := startBinarySend(ctx, t, bin, "--yes", camp)
	waitFor(t, func() bool { return journalLines(t, camp, `"type":"result"`) >= 1 })
	run.interrupt(ctx, t)
	if _, err := run.wait(); run.cmd.ProcessState.ExitCode() != exitInterrupted {
		t.Fatalf("send: %v, want interrupted", err)
	}
	sent := readReportJSON(t, camp).Ending
	if sent.Kind != report.EndInterrupted {
		t.Errorf("the interrupted send's ending %+v", *sent)
	}
	if e := reportEnding(t, camp); e.Kind != report.EndInterrupted || e.Next != "tidings send --yes "+commandArg(camp)+" sends them" {
		t.Errorf("report after a send interrupted while send.domains held its messages: ending %+v", *e)
	}
	// The row the interrupt was recorded on was never tried: a plain
	// send after it sends it and the others left, each once.
	data, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(camp, []byte(strings.Replace(string(data), ", domains: {example.com: 1/m}", "", 1)), 0o644)
	if out, err := exec.CommandContext(ctx, bin, "send", "--yes", camp).CombinedOutput(); err != nil {
		t.Fatalf("the send after: %v\n%s", err, out)
	}
	for i := range 6 {
		if n := srv.Received(fmt.Sprintf("user%03d@example.com", i)); n != 1 {
			t.Errorf("user%03d@example.com received %d messages, want 1", i, n)
		}
	}
}
