package main

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestCheckNotesLongRun: check says when a run would last longer than a
// part of a run (50 minutes at its rate): send sends it in parts, each rendered as it
// begins, so that no message leaves dated more than an hour before. A run
// cut to under that by daily_cap, or a faster rate, is not noted; nothing
// is a warning.
func TestCheckNotesLongRun(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	const note = "note: a run this long goes in parts, each rendered as it begins and ended 55 minutes after"
	for _, c := range []struct {
		send string
		note bool
	}{
		{"send: {rate: 5/h}\n", true},                // 10 messages: 2h
		{"send: {rate: 100/h}\n", false},             // 6 minutes
		{"send: {rate: 5/h, daily_cap: 4}\n", false}, // runs of 4: 48 minutes
		{"send: {rate: 2/h, daily_cap: 4}\n", true},  // runs of 4: 2h
	} {
		camp := sendCampaign(t, srv, 10, c.send)
		out, errOut, code := runCLI(t, "check", camp)
		if code != exitOK || strings.Contains(out, note) != c.note || strings.Contains(errOut, "warning") || !strings.Contains(out, "estimate:") {
			t.Errorf("%q: code %d, noted %v, want %v\n%s%s", c.send, code, strings.Contains(out, note), c.note, out, errOut)
		}
	}
}

// TestReuseCountsThisRun: the spool a test send left is reused by a send
// whose own run (--limit, here) leaves within the hour, though the whole
// list at the campaign's rate would not.
func TestReuseCountsThisRun(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 100, "send: {concurrency: 1, retry_backoff: 1ms, rate: 1/m}\n")
	if out, errOut, code := runCLI(t, "send", "--yes", "--test", "me@example.com", "--rows", "2", camp); code != exitOK {
		t.Fatalf("test send: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp)
	if code != exitSomeFailed || !strings.Contains(out, "(made by an earlier run and used again") {
		t.Errorf("send --limit 1: code %d, want the test send's spool reused\n%s%s", code, out, errOut)
	}
}
