//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// noteWriter is a writer safe for concurrent use that closes seen once
// what it was given holds want.
type noteWriter struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	want string
	seen chan struct{}
}

func newNoteWriter(want string) *noteWriter {
	return &noteWriter{want: want, seen: make(chan struct{})}
}

func (w *noteWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	had := strings.Contains(w.buf.String(), w.want)
	n, err := w.buf.Write(p)
	if !had && strings.Contains(w.buf.String(), w.want) {
		close(w.seen)
	}
	return n, err
}

func (w *noteWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// flockReport takes the report lock of the state folder dir as another
// process would (a tidings report beside: shared; a send's end:
// exclusive) and returns its release.
func flockReport(t *testing.T, dir string, how int) func() {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "report.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := unix.Flock(int(f.Fd()), how|unix.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	release := func() { once.Do(func() { f.Close() }) }
	t.Cleanup(release)
	return release
}

// TestSendReportAfterReportBeside: a tidings report that read the journal
// while a send ran (cron, a dashboard) and writes its files as the send
// ends no longer leaves them in place of the send's last report, which a
// script reads once send exits: the send waits for it (saying so) and
// writes its report after. report.json used to keep the rows the report
// beside saw not-attempted or sending, after a send that exited 0.
func TestSendReportAfterReportBeside(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	state := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	release := flockReport(t, state, unix.LOCK_SH)
	errOut := newNoteWriter("waiting for it")
	g := &globalOptions{stdout: &bytes.Buffer{}, stderr: errOut, stdin: strings.NewReader(""), abort: context.Background()}
	done := make(chan error, 1)
	go func() { done <- runSend(context.Background(), sendOptions{yes: true}, g, camp) }()
	select {
	case <-errOut.seen:
	case err := <-done:
		t.Fatalf("send ended (%v) without waiting for the report beside:\n%s", err, errOut)
	}
	// The report beside puts its files in place, as it read the journal.
	stale := `{"summary": {"total": 3, "sent": 0, "not_attempted": 3}, "rows": []}`
	if err := os.WriteFile(filepath.Join(state, "report.json"), []byte(stale), 0o600); err != nil {
		t.Fatal(err)
	}
	release()
	if err := <-done; err != nil {
		t.Fatalf("send: %v\n%s", err, errOut)
	}
	b, err := os.ReadFile(filepath.Join(state, "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Summary struct{ Sent int } `json:"summary"`
	}
	if err := json.Unmarshal(b, &rep); err != nil || rep.Summary.Sent != 3 {
		t.Errorf("report.json after the send (%v): %d sent, want 3:\n%.300s", err, rep.Summary.Sent, b)
	}
}

// TestReportWaitsForSendsReport: tidings report reads the journal only
// once a send (or bounces) writing its last report has done so, so what
// it writes is not older than what it replaces.
func TestReportWaitsForSendsReport(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	if _, errOut, code := runCLI(t, "send", "--yes", "-q", camp); code != exitOK {
		t.Fatalf("send: exit %d\n%s", code, errOut)
	}
	state := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	release := flockReport(t, state, unix.LOCK_EX)
	errOut := newNoteWriter("to read the journal it ends")
	g := &globalOptions{stdout: &bytes.Buffer{}, stderr: errOut, stdin: strings.NewReader(""), abort: context.Background()}
	done := make(chan error, 1)
	go func() { done <- runReport(context.Background(), reportOptions{}, g, camp) }()
	select {
	case <-errOut.seen:
	case err := <-done:
		t.Fatalf("report ended (%v) without waiting for the send's report:\n%s", err, errOut)
	}
	release()
	if err := <-done; err != nil {
		t.Fatalf("report: %v\n%s", err, errOut)
	}
}
