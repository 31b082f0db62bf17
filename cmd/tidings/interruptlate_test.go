package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestInterruptWordsAfterTestSend: the first interrupt's words wait out
// the tenth of a second that takes its echoes (absorbEchoes, bf646fb); a
// test send whose message in flight went meanwhile printed its outcome,
// then "finishing the test messages in flight", or, as it exited at
// once (exit 0: everything went), nothing of the interrupt at all
// (rev-eng9); as it exited, that "the others did not" go, where none was
// left. The words are true when they come, and they come.
//
// The signal is sent while the message is held at the server, which is
// let go at once: on a loaded machine the runtime may hand the signal to
// tidings only after the message went and the command ended, which then
// rightly says nothing of it (exit 0, everything went). Such a try tells
// nothing and is made again, up to five times; a tidings that lost the
// words of a signal it took says nothing on every try.
func TestInterruptWordsAfterTestSend(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	for try := 1; ; try++ {
		text, err := interruptHeldTestSend(t, bin)
		outcome := strings.Index(text, "test send: 1 of 1 message sent")
		said := strings.Index(text, "tidings: interrupted")
		inFlight := strings.Index(text, "finishing the test messages in flight")
		switch {
		case outcome < 0:
			t.Errorf("exit %v: the test message did not go\n%s", err, text)
		case said < 0 && err == nil && try < 5:
			continue // the signal came after the command ended
		case said < 0:
			t.Errorf("exit %v: nothing said of the interrupt in %d tries\n%s", err, try, text)
		case inFlight > outcome:
			t.Errorf("exit %v: says it finishes the messages in flight after they went\n%s", err, text)
		case strings.Contains(text, "the others did not"):
			t.Errorf("exit %v: says others did not go where the one went\n%s", err, text)
		}
		return
	}
}

// interruptHeldTestSend runs bin's test send of a one-row campaign,
// interrupts it while its message is held at the server, lets the
// message go at once, and returns what it printed (stdout and stderr in
// the order written) and how it exited.
func interruptHeldTestSend(t *testing.T, bin string) (string, error) {
	gate := make(chan struct{})
	srv := smtptest.NewServer(t, smtptest.HoldData(gate))
	camp := sendCampaign(t, srv, 1, "")
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "send", "--test", "me@example.org", camp)
	cmd.Stdout, cmd.Stderr = &out, &out // one pipe: the order they were written in
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-srv.Held():
	case <-ctx.Done():
		t.Fatal("no message reached the server")
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	close(gate) // the message goes while the words wait
	err := cmd.Wait()
	return out.String(), err
}

// TestInterruptTestSendRefused: a test send interrupted while its one
// message was at the server, which refused it, said as it exited that
// "the others did not" go, where there were none (rev-eng9): every test
// message was tried, and it says so.
func TestInterruptTestSendRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	arrived, gate := make(chan struct{}), make(chan struct{})
	var once sync.Once
	srv := smtptest.NewServer(t, smtptest.OnData(func(smtptest.Session, *smtptest.Message) error {
		once.Do(func() { close(arrived) })
		<-gate
		return smtptest.Reply(550, "5.1.1", "no such user")
	}))
	camp := sendCampaign(t, srv, 1, "")
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	var out lockedBuffer
	cmd := exec.CommandContext(ctx, bin, "send", "--test", "me@example.org", camp)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-arrived:
	case <-ctx.Done():
		t.Fatal("no message reached the server")
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	// The refusal comes once the interrupt was taken (its words said):
	// on a loaded machine the signal could reach the process after the
	// reply, and the send end as one never interrupted (CI, exit 1).
	waitFor(t, func() bool { return strings.Contains(out.String(), "tidings: interrupted") })
	close(gate)
	err = cmd.Wait()
	text := out.String()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted || !strings.Contains(text, "0 of 1 message sent") ||
		strings.Contains(text, "the others did not") || !strings.Contains(text, "tidings: interrupted once every test message was tried") {
		t.Errorf("exit %v, want %d, and every test message said to be tried\n%s", err, exitInterrupted, text)
	}
}
