package main

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSendSaysRendering: a nightly CI job's log showed nothing between
// the command and send's plan while it rendered and signed every row
// (40,000 DKIM-signed rows: a minute and more), so a job that looked
// hung was killed, and one killed by its time limit there said only that
// nothing was sent. The preflight now writes a line on stderr every
// progressEvery (the tick here, half a minute in) with the messages
// rendered so far; --quiet writes none.
func TestSendSaysRendering(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	t0 := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	send := func(quiet bool, in time.Duration) string {
		t.Helper()
		camp := sendCampaign(t, srv, 4, "")
		tick := make(chan time.Time, 1)
		tick <- t0.Add(in)
		var out, errOut bytes.Buffer
		g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background(), quiet: quiet}
		clock := progressClock{tick: make(chan time.Time), render: tick, now: func() time.Time { return t0 }}
		if err := runSend(context.Background(), sendOptions{yes: true, progress: clock}, g, camp); err != nil {
			t.Fatalf("send: %v\n%s%s", err, out.String(), errOut.String())
		}
		return errOut.String()
	}
	line := regexp.MustCompile(`(?m)^rendering: [0-4] messages rendered, 30s so far; the first message leaves once every row is checked$`)
	if got := send(false, 30*time.Second); !line.MatchString(got) {
		t.Errorf("stderr has no line of the rendering:\n%s", got)
	}
	// Past an hour the time reads as the delivery's line reads it, to
	// the minute: it read 1h10m5s.
	if got := send(false, time.Hour+10*time.Minute+5*time.Second); !strings.Contains(got, " messages rendered, 1h10m so far;") {
		t.Errorf("an hour in, the rendering's line does not read as the delivery's:\n%s", got)
	}
	if got := send(true, 30*time.Second); strings.Contains(got, "rendering:") {
		t.Errorf("--quiet: stderr has a line of the rendering:\n%s", got)
	}
}

// TestRenderProgressLaterPart: a later part of a send in parts renders
// its rows again before its first message, and its lines said "the
// first message leaves once every row is checked" while thousands had
// gone in the parts before; they name the part now. The first part's
// (and a send's not in parts) say "the first message".
func TestRenderProgressLaterPart(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC)
	for part, want := range map[int]string{
		1: "rendering: 0 messages rendered, 30s so far; the first message leaves once every row is checked\n",
		2: "rendering: 0 messages rendered, 30s so far; part 2's first message leaves once every row is checked\n",
	} {
		var errOut bytes.Buffer
		g := &globalOptions{stdout: io.Discard, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
		tick := make(chan time.Time, 1)
		tick <- t0.Add(30 * time.Second)
		r := startRenderProgress(g, progressClock{render: tick, now: func() time.Time { return t0 }}, part)
		r.Stop() // a tick come by then is written
		if got := errOut.String(); got != want {
			t.Errorf("part %d: stderr %q, want %q", part, got, want)
		}
	}
}
