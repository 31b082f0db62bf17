package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSendDebugNoBar: send --debug on a terminal shows its progress in
// lines, not in a bar: the bar was drawn on the terminal's line where the
// transcript wrote next, so that each transcript line began with it
// ("sending  6% |██   | (19/300, 95 msg/s) [0s:2s][c1] C: MAIL FROM:…").
func TestSendDebugNoBar(t *testing.T) {
	t.Parallel()
	const n = 20
	srv := smtptest.NewServer(t)
	// Half a second: the bar is drawn every barEvery.
	camp := sendCampaign(t, srv, n, "send: {concurrency: 3, rate: 40/s}\n")
	master, slave := openPTY(t)
	// A terminal's size, as a window has one: the bar fits to it.
	if err := unix.IoctlSetWinsize(int(slave.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 100}); err != nil {
		t.Fatal(err)
	}
	var shown bytes.Buffer
	read := make(chan struct{})
	go func() { // until the slave is closed
		b := make([]byte, 4096)
		for {
			k, err := master.Read(b)
			shown.Write(b[:k])
			if err != nil {
				close(read)
				return
			}
		}
	}()
	var out bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: slave, stdin: strings.NewReader(""), abort: context.Background()}
	err := runSend(context.Background(), sendOptions{yes: true, debug: true, progress: progressClock{tick: make(chan time.Time)}}, g, camp)
	slave.Close()
	<-read
	if err != nil {
		t.Fatalf("send: %v\n%s", err, out.String())
	}
	if s := shown.String(); strings.Count(s, "] C: MAIL FROM:") != n || strings.Contains(s, "% |") {
		t.Errorf("want the transcript of %d messages and no bar:\n%q", n, s)
	}
}
