package main

import (
	"bytes"
	"strings"
	"sync"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestInterruptAfterSummary: an interrupt (a real SIGINT, through
// signalContexts) once a part of a send has printed its summary, here
// as the next part is about to begin, said "finishing the messages in
// flight" (a user's review), when none is: it says none is in flight and
// it stops, and the send ends as interrupted (exit 130) with the next
// part not sent. While the report is written, before the summary, no
// message is in flight either, and the words say so too.
func TestInterruptAfterSummary(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 12, "send: {concurrency: 1, rate: 100/s}\n")
	words := &interruptWords{}
	var said lockedBuffer
	ctx, abort, sig, stop := signalContexts(&said, words)
	defer stop()
	out := &holdAt{at: "part 2:", reached: make(chan struct{}), release: make(chan struct{})}
	g := &globalOptions{stdout: out, stderr: &bytes.Buffer{}, stdin: strings.NewReader(""), abort: abort, interrupt: words}
	done := make(chan error, 1)
	go func() { done <- runSend(ctx, sendOptions{yes: true, partSpan: partSpanForTest}, g, camp) }()
	select {
	case <-out.reached: // part 1's summary is out, part 2 not begun
	case err := <-done:
		t.Fatalf("the send ended before its second part: %v\n%s", err, out.String())
	}
	interruptSelf(t)
	<-sig.said
	close(out.release)
	err := <-done
	if got := said.String(); !strings.Contains(got, "tidings: interrupted: no message is in flight; stopping") || strings.Contains(got, "finishing the messages in flight") {
		t.Errorf("the interrupt after part 1's summary says %q", got)
	}
	if exitCode(err) != exitInterrupted || len(srv.Messages()) != 5 {
		t.Errorf("send: %v (exit %d), %d messages; want exit %d and part 1's 5\n%s", err, exitCode(err), len(srv.Messages()), exitInterrupted, out.String())
	}
	if !strings.Contains(words.atExit(), "run the same command again to resume") {
		t.Errorf("at exit: %q", words.atExit())
	}
	w := &interruptWords{}
	w.delivering()
	w.partBegins()
	w.delivered()
	if got := w.onSignal(); !strings.Contains(got, "no message is in flight; finishing the report") {
		t.Errorf("while the report is written: %q", got)
	}
}

// holdAt is an io.Writer that keeps what is written and, at the first
// write after which it holds at, closes reached and waits for release.
type holdAt struct {
	at               string
	reached, release chan struct{}
	mu               sync.Mutex
	buf              bytes.Buffer
	once             sync.Once
}

func (h *holdAt) Write(p []byte) (int, error) {
	h.mu.Lock()
	h.buf.Write(p)
	hit := strings.Contains(h.buf.String(), h.at)
	h.mu.Unlock()
	if hit {
		h.once.Do(func() { close(h.reached); <-h.release })
	}
	return len(p), nil
}

func (h *holdAt) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.buf.String()
}

// lockedBuffer is a bytes.Buffer safe for a writing and a reading
// goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestInterruptWordsBeforeSummary: the first interrupt's words wait out
// absorbEchoes' window (bf646fb), in which a send whose message in
// flight was answered printed its summary, the words after it saying
// "no message is in flight; stopping" below "0 sent, 3 not-attempted"
// (rev-last8, on a terminal, reviewing 8c1d3a9). What the send prints
// after its delivery ends waits for the words.
func TestInterruptWordsBeforeSummary(t *testing.T) {
	gate := make(chan struct{})
	srv := smtptest.NewServer(t, smtptest.HoldData(gate))
	camp := sendCampaign(t, srv, 3, "send: {concurrency: 1}\n")
	words := &interruptWords{}
	var all lockedBuffer // stdout and stderr, as a terminal shows them
	ctx, abort, sig, stop := signalContexts(&all, words)
	defer stop()
	g := &globalOptions{stdout: &all, stderr: &all, stdin: strings.NewReader(""), abort: abort, interrupt: words}
	done := make(chan error, 1)
	go func() { done <- runSend(ctx, sendOptions{yes: true}, g, camp) }()
	<-srv.Held() // the first message's body is at the server
	interruptSelf(t)
	<-ctx.Done()
	close(gate) // the message in flight is answered at once
	err := <-done
	<-sig.said
	got := all.String()
	said, sum := strings.Index(got, "tidings: interrupted:"), strings.Index(got, "recipients: ")
	if exitCode(err) != exitInterrupted || said < 0 || sum < 0 || said > sum {
		t.Errorf("send: %v; the words at %d, the summary at %d, want the words first:\n%s", err, said, sum, got)
	}
}
