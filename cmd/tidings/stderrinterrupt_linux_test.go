package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestInterruptsStderrNotRead: a send whose stderr nobody reads (a
// wrapper that pipes it and reads nothing, `2>&1 | less` not scrolled)
// still counts its interrupts, and quits at the third, exit 130: the
// goroutine that counts them wrote the first one's words itself and
// waited on the full pipe with them, so the second (abort) and the third
// (quit) were never taken, and the quit's words, written before the
// exit, waited too.
func TestInterruptsStderrNotRead(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	const n = 100 // their retry notes fill the pipe many times over
	srv := smtptest.NewServer(t, deferOnce())
	camp := sendCampaign(t, srv, n, "send: {concurrency: 1, retries: 3, retry_backoff: 1ms}\n")
	r, w := pagePipe(t)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "send", "--yes", camp)
	cmd.Stderr = w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// Every row sent, so every note queued: the printer waits on the
	// full pipe, and so does a line written beside it.
	waitFor(t, func() bool { return len(srv.Messages()) == n && allSent(t, camp, n) })
	for sent := 1; ; sent++ {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			t.Fatal(err)
		}
		select {
		case err = <-exited:
		// No reply to wait on: the interrupt was not taken. The quit
		// gives its words a second (quitSay).
		case <-time.After(quitSay + 2*time.Second):
			if sent < 5 {
				continue
			}
			cmd.Process.Kill()
			io.Copy(io.Discard, r)
			<-exited
			t.Fatalf("still running after %d interrupts", sent)
		}
		if sent < 3 {
			t.Errorf("exited at interrupt %d, want 3", sent)
		}
		break
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Errorf("send: %v, want exit %d", err, exitInterrupted)
	}
}

// TestInterruptWordsAfterQueuedLines: the first interrupt's words, said
// while a send delivers on a stderr that lags behind (a terminal stopped
// by Ctrl-S, which the Ctrl-C starts again; a pipe read late), come
// after the lines said before them: written beside the printer's queue,
// they came out amid notes said minutes before, ahead of most of them.
func TestInterruptWordsAfterQueuedLines(t *testing.T) {
	t.Parallel()
	r, w := pagePipe(t)
	words := &interruptWords{}
	words.delivering()
	g := &globalOptions{stdout: io.Discard, stderr: w, stdin: strings.NewReader(""), abort: context.Background(), interrupt: words}
	_, end := g.printAside(nil)
	const n = 200 // many pages of notes
	for i := range n {
		g.errLine(fmt.Sprintf("note: row %d: not accepted for user%03d@example.com (451 4.7.1 greylisted, try later); retry 1 of 3 in 1s", i+2, i))
	}
	// The printer waits: no note fits in what is left of the pipe, nor
	// the words, longer than any.
	shortest := len("note: row 2: not accepted for user000@example.com (451 4.7.1 greylisted, try later); retry 1 of 3 in 1s\n")
	waitFor(t, func() bool {
		k, err := unix.IoctlGetInt(int(r.Fd()), unix.TIOCINQ) // FIONREAD
		return err == nil && k > os.Getpagesize()-shortest
	})
	said := make(chan struct{})
	words.sayOnSignal(w, said)
	select {
	case <-said:
	default:
		t.Error("the words wait for the terminal")
	}
	var out bytes.Buffer
	read := make(chan struct{})
	go func() { // the terminal started again
		io.Copy(&out, r)
		close(read)
	}()
	<-said
	end()
	w.Close()
	<-read
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != n+1 || lines[n] != words.onSignal() {
		t.Errorf("want the %d notes, then %q; got:\n%s", n, words.onSignal(), out.String())
	}
}

// TestWordsWhileQueueEnds: what is said while the printer's queue is
// being written out at the delivery's end, on a stderr that lags behind
// (an interrupt's words, a connection's last transcript line), comes
// after the lines queued before it: the queue was let go before it was
// written, so those lines went to stderr beside it, ahead of most of it.
// Whether they got ahead was up to the scheduler (about half the time
// here), so the test ends a queue ten times.
func TestWordsWhileQueueEnds(t *testing.T) {
	t.Parallel()
	for range 10 {
		if !wordsAfterQueue(t) {
			break
		}
	}
}

// wordsAfterQueue queues many pages of notes for a pipe not read, says an
// interrupt's words and writes a transcript line while the queue is
// being written out, then reads the pipe; it fails t, reporting false,
// unless the words and the line come after every note.
func wordsAfterQueue(t *testing.T) bool {
	t.Helper()
	r, w := pagePipe(t)
	words := &interruptWords{}
	words.delivering()
	g := &globalOptions{stdout: io.Discard, stderr: w, stdin: strings.NewReader(""), abort: context.Background(), interrupt: words}
	g.transcript = &transcriptLines{g: g}
	lp, end := g.printAside(nil)
	const n = 200 // many pages of notes
	for i := range n {
		g.errLine(fmt.Sprintf("note: row %d: not accepted for user%03d@example.com (451 4.7.1 greylisted, try later); retry 1 of 3 in 1s", i+2, i))
	}
	ended := make(chan struct{})
	go func() { // the delivery ends: its queue is written out
		end()
		close(ended)
	}()
	waitFor(t, func() bool {
		lp.mu.Lock()
		defer lp.mu.Unlock()
		return lp.closing
	})
	said := make(chan struct{})
	words.sayOnSignal(w, said)
	const last = "[c1] S: 221 2.0.0 Bye"
	wrote := make(chan struct{})
	go func() { // a connection's last line
		fmt.Fprintln(g.transcript, last)
		close(wrote)
	}()
	var out bytes.Buffer
	read := make(chan struct{})
	go func() { // the terminal started again
		io.Copy(&out, r)
		close(read)
	}()
	<-said
	<-wrote
	<-ended
	w.Close()
	<-read
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != n+2 || !strings.HasPrefix(lines[n-1], fmt.Sprintf("note: row %d:", n+1)) ||
		!(lines[n] == words.onSignal() && lines[n+1] == last || lines[n] == last && lines[n+1] == words.onSignal()) {
		t.Errorf("want the %d notes, then %q and %q; got:\n%s", n, words.onSignal(), last, out.String())
		return false
	}
	return true
}
