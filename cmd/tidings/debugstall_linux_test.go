package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSendDebugStderrNotRead: send --debug whose stderr nobody reads (a
// terminal stopped with Ctrl-S, `tidings send --debug c.yaml 2>&1 | less`
// not scrolled) delivers every message all the same, once each: the
// transcript was written from the pool's connections as they went, so a
// connection waited on the full pipe mid-session, a message in flight,
// until the server timed it out. Read at last, the pipe has the
// transcript whole (no line torn or lost), each connection's lines in the
// order they went, the login redacted, and the summary after them.
func TestSendDebugStderrNotRead(t *testing.T) {
	t.Setenv(secretEnv, testSecret)
	const n = 60
	srv := smtptest.NewServer(t, smtptest.WithAuth(testUser, testSecret))
	camp := authCampaign(t, srv, n, "security: none")
	text := sendStderrNotRead(t, srv, camp, n, sendOptions{debug: true})
	lc := newLeakChecker()
	lc.outputs = append(lc.outputs, "send --debug\n"+text)
	lc.check(t, []string{filepath.Dir(camp)}, srv)
	for i := range n {
		if to := fmt.Sprintf("user%03d@example.com", i); srv.Received(to) != 1 {
			t.Errorf("%s received %d times, want once", to, srv.Received(to))
		}
	}
	checkTranscript(t, text, srv.Messages())
}

// transcriptLine is a line of the --debug transcript: its connection, its
// direction and what it says.
var transcriptLine = regexp.MustCompile(`^\[c(\d+)\] ([CS]): (.*)$`)

// checkTranscript fails t unless text, send --debug's stderr, holds a
// whole transcript of the messages the server received: every line that
// starts as a transcript line is one, none is a note (a retry or a
// reconnect after a timeout), each connection greeted, logged in (the
// login redacted) and ended, its recipients in the order the server took
// them on one of its connections, and the summary after the transcript.
func checkTranscript(t *testing.T, text string, msgs []smtptest.Message) {
	t.Helper()
	conns := map[string][]string{} // its lines, by connection
	var order []string
	lastAt := 0
	for i, l := range strings.Split(text, "\n") {
		if m := transcriptLine.FindStringSubmatch(l); m != nil {
			if conns[m[1]] == nil {
				order = append(order, m[1])
			}
			conns[m[1]] = append(conns[m[1]], m[2]+": "+m[3])
			lastAt = i
			continue
		}
		if strings.Contains(l, "] C: ") || strings.Contains(l, "] S: ") || strings.HasPrefix(l, "note:") || strings.HasPrefix(l, "warning:") {
			t.Errorf("line %d is a torn transcript line, a note or a warning: %q", i+1, l)
		}
	}
	if summary := strings.Index(text, "recipients: "); summary < 0 || strings.Count(text[:summary], "\n") < lastAt {
		t.Errorf("the summary is missing or not after the transcript:\n%s", text)
	}
	var got, want []string
	for _, c := range order {
		lines := conns[c]
		var rcpts []string
		for _, l := range lines {
			if to, ok := strings.CutPrefix(l, "C: RCPT TO:<"); ok {
				rcpts = append(rcpts, to[:strings.IndexByte(to, '>')])
			}
		}
		if len(rcpts) > 0 {
			got = append(got, strings.Join(rcpts, " "))
		}
		auth := slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "C: AUTH ") })
		if !strings.HasPrefix(lines[0], "S: 220 ") || auth < 0 || !strings.HasSuffix(lines[auth], " [redacted]") || !strings.HasPrefix(lines[len(lines)-1], "S: 221 ") {
			t.Errorf("connection c%s's transcript does not greet, log in (redacted) and end:\n%s", c, strings.Join(lines, "\n"))
		}
	}
	byConn := map[int][]string{}
	for _, m := range msgs {
		byConn[m.Conn] = append(byConn[m.Conn], m.To...)
	}
	for _, to := range byConn {
		want = append(want, strings.Join(to, " "))
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the transcript's recipients, by connection:\n%s\nwant the server's, by connection:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
