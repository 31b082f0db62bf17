package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
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
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := unix.FcntlInt(w.Fd(), unix.F_SETPIPE_SZ, os.Getpagesize()); err != nil {
		t.Fatal(err)
	}
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
