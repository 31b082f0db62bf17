package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSendStderrNotRead: a send whose stderr nobody reads (Ctrl-S in
// PuTTY, `tidings send c.yaml 2>&1 | less` not scrolled, a stalled ssh
// link) delivers every message all the same: its worker printed the
// pool's retry note itself and waited on the full pipe, a message in
// flight, until the server timed the connection out. Read at last, the
// pipe has every note, in the order the server deferred the rows, and
// the summary after them.
func TestSendStderrNotRead(t *testing.T) {
	t.Parallel()
	const n = 120
	var mu sync.Mutex
	var deferred []string // in the order the server deferred them
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		mu.Lock()
		defer mu.Unlock()
		if !strings.Contains(strings.Join(deferred, ","), to) {
			deferred = append(deferred, to)
			return smtptest.Reply(451, "4.7.1", "greylisted, try later")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, n, "send: {concurrency: 1, retries: 3, retry_backoff: 1ms}\n")
	said := sendStderrNotRead(t, srv, camp, n, sendOptions{})
	notes := regexp.MustCompile(`(?m)^note: row \d+: not accepted for (\S+) \(451 4\.7\.1 greylisted, try later\); retry 1 of 3 in \S+$`).FindAllStringSubmatch(said, -1)
	var got []string
	for _, m := range notes {
		got = append(got, m[1])
	}
	if want := strings.Join(deferred, "\n"); strings.Join(got, "\n") != want || len(deferred) != n {
		t.Errorf("the retry notes name\n%s\nwant the %d rows the server deferred, in its order:\n%s\nall said:\n%s", strings.Join(got, "\n"), n, want, said)
	}
	if last, summary := strings.LastIndex(said, "note: row "), strings.Index(said, "recipients: "); summary < last {
		t.Errorf("the summary is not after the notes:\n%s", said)
	}
}

// sendStderrNotRead runs send --yes with opts (its progress lines never
// due) on camp, whose stdout and stderr are a pipe of a page (pagePipe)
// that nobody reads until srv has the n messages and camp's journal
// records them sent; it returns all the pipe had, once the send ended.
// A send that waits on the pipe fails t (waitFor's time runs out).
func sendStderrNotRead(t *testing.T, srv *smtptest.Server, camp string, n int, opts sendOptions) string {
	t.Helper()
	r, w := pagePipe(t)
	g := &globalOptions{stdout: w, stderr: w, stdin: strings.NewReader(""), abort: context.Background()}
	opts.yes, opts.progress = true, progressClock{tick: make(chan time.Time)}
	done := make(chan error, 1)
	go func() {
		done <- runSend(context.Background(), opts, g, camp)
		w.Close()
	}()
	var said bytes.Buffer
	read := make(chan struct{})
	start := func() { // the reader comes at last
		go func() {
			io.Copy(&said, r)
			close(read)
		}()
	}
	var once sync.Once
	t.Cleanup(func() { once.Do(start); <-read }) // a send stuck on the pipe ends
	waitFor(t, func() bool { return len(srv.Messages()) == n && allSent(t, camp, n) })
	once.Do(start)
	if err := <-done; err != nil {
		t.Fatalf("send: %v", err)
	}
	<-read
	return said.String()
}

// pagePipe is a pipe that holds a page (64 KiB would take hundreds of
// lines to fill), both ends closed when t ends.
func pagePipe(t *testing.T) (r, w *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	if _, err := unix.FcntlInt(w.Fd(), unix.F_SETPIPE_SZ, os.Getpagesize()); err != nil {
		t.Fatal(err)
	}
	return r, w
}

// allSent reports whether the journal of camp (sendCampaign's, read as
// check reads it beside a send) records its n rows sent.
func allSent(t *testing.T, camp string, n int) bool {
	t.Helper()
	state, err := journal.Load(context.Background(), filepath.Join(filepath.Dir(camp), ".tidings", "t"))
	if err != nil {
		return false
	}
	defer state.Close()
	for i := range n {
		if b, ok := state.Brief(fmt.Sprintf("user%03d@example.com", i)); !ok || b.Delivery != sendpool.StatusSent {
			return false
		}
	}
	return true
}

// TestSendTerminalStopped: a send on a terminal whose output was stopped
// (Ctrl-S, as PuTTY's scroll lock does) delivers every message all the
// same: the bar was redrawn, and the notes printed, on the goroutines of
// the results and of the pool, which waited on the terminal. Started
// again (Ctrl-Q), the terminal gets every note.
func TestSendTerminalStopped(t *testing.T) {
	t.Parallel()
	const n = 40
	srv := smtptest.NewServer(t, deferOnce())
	camp := sendCampaign(t, srv, n, "send: {concurrency: 2, retries: 3, retry_backoff: 1ms}\n")
	master, slave := openPTY(t)
	stopTerminal(t, master, slave)
	var out bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: slave, stdin: strings.NewReader(""), abort: context.Background()}
	done, ended := make(chan error, 1), make(chan struct{})
	go func() {
		done <- runSend(context.Background(), sendOptions{yes: true}, g, camp)
		close(ended)
	}()
	var mu sync.Mutex
	var shown []byte
	started := make(chan struct{})
	go func() {
		<-started
		b := make([]byte, 4096)
		for {
			k, err := master.Read(b)
			mu.Lock()
			shown = append(shown, b[:k]...)
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	t.Cleanup(func() { // a send stuck on the terminal ends
		select {
		case <-started:
		default:
			close(started)
			master.Write([]byte{0x11})
		}
		<-ended
	})
	waitFor(t, func() bool { return len(srv.Messages()) == n && allSent(t, camp, n) })
	close(started)
	master.Write([]byte{0x11}) // Ctrl-Q
	if err := <-done; err != nil {
		t.Fatalf("send: %v\n%s", err, out.String())
	}
	notes := func() int {
		mu.Lock()
		defer mu.Unlock()
		return strings.Count(string(shown), "(451 4.7.1 greylisted, try later); retry 1 of 3 in ")
	}
	for deadline := time.Now().Add(20 * time.Second); notes() != n; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			got := notes()
			mu.Lock()
			defer mu.Unlock()
			t.Fatalf("%d retry notes on the terminal, want %d:\n%q", got, n, shown)
		}
	}
}

// deferOnce answers each recipient's first RCPT 451 and takes the others.
func deferOnce() smtptest.Option {
	var mu sync.Mutex
	seen := map[string]bool{}
	return smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		mu.Lock()
		defer mu.Unlock()
		if !seen[to] {
			seen[to] = true
			return smtptest.Reply(451, "4.7.1", "greylisted, try later")
		}
		return nil
	})
}

// stopTerminal stops the output of the terminal of master and slave as
// Ctrl-S does, and waits until a write to slave would wait.
func stopTerminal(t *testing.T, master, slave *os.File) {
	t.Helper()
	fd, err := unix.Open(slave.Name(), unix.O_WRONLY|unix.O_NONBLOCK|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	if _, err := master.Write([]byte{0x13}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		_, err := unix.Write(fd, []byte{' '})
		return err == unix.EAGAIN
	})
}
