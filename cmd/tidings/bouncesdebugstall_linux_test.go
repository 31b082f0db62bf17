package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/tidings/tidings/sendpool/bounces"
)

// TestBouncesDebugStderrNotRead: bounces --debug whose stderr nobody
// reads (a terminal stopped with Ctrl-S, `tidings bounces --debug c.yaml
// 2>&1 | less` not scrolled) reads the mailbox all the same: its
// session wrote each transcript line on stderr itself and waited there,
// mid-command, past the command's bounds (the report it fetched then
// counted unreadable) and past --max-time. Read at last, stderr has the
// transcript, the login redacted, and stdout the run's summary.
func TestBouncesDebugStderrNotRead(t *testing.T) {
	t.Parallel()
	text := bouncesDebugStderrNotRead(t, false)
	if !strings.Contains(text, "C: PASS [redacted]") || strings.Contains(text, bouncePass) || !strings.Contains(text, "C: QUIT") {
		t.Errorf("stderr has not the transcript, its login redacted, whole:\n%s", text)
	}
}

// TestBouncesDebugMemoryWarningQueued: the warning that bounces.read
// cannot be read, said after the login, is queued behind the login's
// transcript lines, not written at once on a stderr that does not read
// (where it held up the run, the session logged in).
func TestBouncesDebugMemoryWarningQueued(t *testing.T) {
	t.Parallel()
	text := bouncesDebugStderrNotRead(t, true)
	login, warn := strings.Index(text, "C: PASS [redacted]"), strings.Index(text, "warning: bounces: ")
	if login < 0 || warn < login {
		t.Errorf("the warning of bounces.read does not follow the login's transcript:\n%s", text)
	}
}

// bouncesDebugStderrNotRead runs bounces --debug on four reports with
// stderr a pipe full from the start and read only once the run has
// recorded them (damaged: bounces.read holding what cannot be read), and
// returns what stderr said after the filler.
func bouncesDebugStderrNotRead(t *testing.T, damaged bool) string {
	camp, _, _, deliver := popBounces(t, "", "")
	if damaged {
		if err := os.WriteFile(filepath.Join(filepath.Dir(camp), ".tidings", "t", bounces.ReadFile), []byte("not a bounces.read\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var reports []string
	for _, r := range mailboxReports(messageIDs(t, camp)) {
		reports = append(reports, string(r))
	}
	deliver(reports...)
	r, w := pagePipe(t)
	full := strings.Repeat("x", os.Getpagesize()-1) + "\n" // stderr stopped from the start
	if _, err := io.WriteString(w, full); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: w, stdin: strings.NewReader(""), abort: context.Background()}
	done := make(chan error, 1)
	go func() {
		done <- execute(context.Background(), g, []string{"bounces", "--debug", camp})
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
	t.Cleanup(func() { once.Do(start); <-read }) // a run stuck on the pipe ends
	supFile := filepath.Join(filepath.Dir(camp), "suppress.txt")
	waitFor(t, func() bool { return strings.Contains(readFile(t, supFile), "ann@example.org") })
	once.Do(start)
	err := <-done
	<-read
	text := strings.TrimPrefix(said.String(), full)
	if exitCode(err) != exitSomeFailed || !strings.Contains(out.String(), "4 matched this campaign (1 bounced, 1 soft-bounce, 1 complained, 1 unsubscribed; 4 new)") {
		t.Errorf("bounces --debug: %v\n%s", err, out.String())
	}
	return text
}
