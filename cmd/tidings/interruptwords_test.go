package main

import (
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestInterruptWordsBeforeBouncesSummary: the interrupt's words wait out
// absorbEchoes' window, and a send's summary waited for them
// (TestInterruptWordsBeforeSummary), but bounces, interrupted while it
// read the mailbox (Dovecot over IMAP, the fourth message's fetch held),
// printed its summary first, "tidings: interrupted: stopping" below it
// (last session's users). What it prints once the run ended waits for
// the words.
func TestInterruptWordsBeforeBouncesSummary(t *testing.T) {
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, h := heldCampaign(t, d, "imap", "INBOX")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	h.hold("UID FETCH 4 (UID RFC822.SIZE)")
	words := &interruptWords{}
	var all lockedBuffer // stdout and stderr, as a terminal shows them
	ctx, abort, sig, stop := signalContexts(&all, words)
	defer stop()
	g := &globalOptions{stdout: &all, stderr: &all, stdin: strings.NewReader(""), abort: abort, interrupt: words}
	done := make(chan error, 1)
	go func() { done <- runBounces(ctx, bouncesOptions{maxTime: time.Minute}, g, camp) }()
	waitFor(t, func() bool { return h.heldCount() == 1 })
	interruptSelf(t)
	err := <-done
	<-sig.said
	got := all.String()
	said, sum := strings.Index(got, "tidings: interrupted:"), strings.Index(got, "messages in the mailbox")
	if exitCode(err) != exitInterrupted || said < 0 || sum < 0 || said > sum {
		t.Errorf("bounces: %v; the words at %d, the summary at %d, want the words first:\n%s", err, said, sum, got)
	}
}

// TestInterruptWordsBeforePreviewEnd: preview, interrupted while it
// wrote its messages, said "preview: … holds only the messages written
// before the interrupt" before "tidings: interrupted: stopping" (last
// session's users); what it prints once interrupted waits for the words.
func TestInterruptWordsBeforePreviewEnd(t *testing.T) {
	dir := t.TempDir()
	var sheet strings.Builder
	sheet.WriteString("email,name\nnot-an-address,Al\n")
	for i := range 300 {
		fmt.Fprintf(&sheet, "r%03d@example.com,R%d\n", i, i)
	}
	writeFiles(t, dir, map[string]string{"c.yaml": campaignYAML(25), "body.txt": "Hi {{.name}}\n", "r.csv": sheet.String()})
	words := &interruptWords{}
	var errs lockedBuffer // stderr, where the words go too
	ctx, abort, sig, stop := signalContexts(&errs, words)
	defer stop()
	out := &holdAt{at: "problem: ", reached: make(chan struct{}), release: make(chan struct{})}
	g := &globalOptions{stdout: out, stderr: &errs, stdin: strings.NewReader(""), abort: abort, interrupt: words}
	done := make(chan error, 1)
	go func() { done <- runPreview(ctx, previewOptions{}, g, filepath.Join(dir, "c.yaml")) }()
	select {
	case <-out.reached: // row 2's problem printed, the rows after it wait
	case err := <-done:
		t.Fatalf("preview ended before its first problem: %v\n%s", err, out.String())
	}
	interruptSelf(t)
	<-ctx.Done()
	close(out.release)
	err := <-done
	<-sig.said
	got := errs.String()
	said, end := strings.Index(got, "tidings: interrupted:"), strings.Index(got, "holds only the messages written before the interrupt")
	if exitCode(err) != exitInterrupted || said < 0 || end < 0 || said > end {
		t.Errorf("preview: %v; the words at %d, its last line at %d, want the words first:\n%s", err, said, end, got)
	}
}

// TestInterruptedTestSendNothingSent: a test send interrupted while its
// first connection waited for the server's greeting ended "0 of 3
// messages sent" and then said "the test messages in flight went, the
// others did not" (rev-user15): none was in flight, none went. The last
// words point at the summary's list, true however many went.
func TestInterruptedTestSendNothingSent(t *testing.T) {
	accepted := make(chan struct{}, 8)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			accepted <- struct{}{}
			go func() { io.Copy(io.Discard, c); c.Close() }() // silent until the client goes
		}
	}()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(l.Addr().(*net.TCPAddr).Port, "smtp: {host: 127.0.0.1, port: PORT, security: none, timeout: 1m}"),
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    "email,name\na@example.com,A\nb@example.com,B\nc@example.com,C\n",
	})
	words := &interruptWords{}
	var all lockedBuffer // stdout and stderr, as a terminal shows them
	ctx, abort, sig, stop := signalContexts(&all, words)
	defer stop()
	g := &globalOptions{stdout: &all, stderr: &all, stdin: strings.NewReader(""), abort: abort, interrupt: words}
	done := make(chan error, 1)
	go func() {
		done <- runSend(ctx, sendOptions{yes: true, test: "me@example.com", testSet: true}, g, filepath.Join(dir, "c.yaml"))
	}()
	<-accepted // the first connection waits for a greeting
	interruptSelf(t)
	err = <-done
	<-sig.said
	got := all.String() + words.atExit()
	if exitCode(err) != exitInterrupted || !strings.Contains(got, "0 of 3 messages sent") {
		t.Fatalf("send --test: %v (exit %d), want exit %d and nothing sent\n%s", err, exitCode(err), exitInterrupted, got)
	}
	if strings.Contains(got, "in flight went") || !strings.Contains(words.atExit(), "the test messages marked sent above went, the others did not") {
		t.Errorf("with nothing sent, the interrupt's last words are %q\n%s", words.atExit(), got)
	}
}
