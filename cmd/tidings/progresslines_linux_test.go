package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSendDumbTerminalNoBar: tidings send run with TERM=dumb on a
// terminal (a screen reader's, which reads aloud every byte written)
// draws no bar: it drew "sending 4% |█ … (48/1200, 58 msg/s)" over itself
// ten times a second, each a sentence heard, and nothing but piping
// stderr away gave the plain lines; the summary says the rest.
func TestSendDumbTerminalNoBar(t *testing.T) {
	t.Parallel()
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	const n = 20
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, n, "send: {concurrency: 2, rate: 40/s}\n")
	master, slave := openPTY(t)
	if err := unix.IoctlSetWinsize(int(slave.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 100}); err != nil {
		t.Fatal(err)
	}
	var shown bytes.Buffer
	read := make(chan struct{})
	go func() { // until the last holder of the slave closes it
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
	cmd := exec.Command(bin, "send", "--yes", camp)
	cmd.Env = append(os.Environ(), "TERM=dumb", "CI=")
	cmd.Stdout, cmd.Stderr = &out, slave
	err = cmd.Run()
	slave.Close()
	<-read
	if err != nil {
		t.Fatalf("send: %v\n%s%s", err, out.String(), shown.String())
	}
	s := strings.ReplaceAll(shown.String(), "\r\n", "\n")
	if strings.Contains(s, "\r") || strings.Contains(s, "% |") || strings.Contains(s, "█") {
		t.Errorf("TERM=dumb, the terminal was written a bar:\n%q", shown.String())
	}
	if !strings.Contains(out.String(), "20 sent") {
		t.Errorf("no summary of the %d sent:\n%s", n, out.String())
	}
}

// TestProgressLinesOnTerminal: with TERM=dumb a terminal gets the plain
// progress line at each tick, a whole line ending in a newline.
func TestProgressLinesOnTerminal(t *testing.T) {
	master, slave := openPTY(t)
	tick := make(chan time.Time, 1)
	t0 := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	g := &globalOptions{stderr: slave, progressLines: progressInLines("dumb")}
	p := newProgress(g, 10, progressClock{tick: tick, now: func() time.Time { return t0 }}, runPart{}, 0)
	p.Add(sendpool.Result{Row: 2, Status: sendpool.StatusSent, Attempts: 1})
	tick <- t0.Add(10 * time.Second)
	got := make(chan string, 1)
	go func() { // until the slave is closed
		line, _ := bufio.NewReader(master).ReadString('\n')
		got <- line
	}()
	var line string
	select {
	case line = <-got:
	case <-time.After(time.Minute): // a bound, not a wait: the tick writes it at once
		p.Close()
		slave.Close()
		t.Fatalf("no line on the terminal within a minute of the tick: %q", <-got)
	}
	p.Close()
	if want := "progress: 1/10 messages done, 0 not sent, 10s so far"; !strings.HasPrefix(line, want) || strings.Count(line, "\r") != 1 {
		t.Errorf("the line on the terminal: %q, want it to start %q and end the line once", line, want)
	}
}
