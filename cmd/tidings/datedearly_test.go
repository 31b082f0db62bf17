package main

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestCheckWarnsDatedEarly: check warns when a run would last longer than
// a spool may be sent from (an hour): every message of a run is dated when
// it is spooled, so the last would arrive dated hours before. A run cut
// to under an hour by daily_cap, or a faster rate, is not warned of.
func TestCheckWarnsDatedEarly(t *testing.T) {
	srv := smtptest.NewServer(t)
	const warning = "every message is dated when the run spools it"
	for _, c := range []struct {
		send string
		warn bool
	}{
		{"send: {rate: 5/h}\n", true},                // 10 messages: 2h
		{"send: {rate: 100/h}\n", false},             // 6 minutes
		{"send: {rate: 5/h, daily_cap: 4}\n", false}, // runs of 4: 48 minutes
		{"send: {rate: 2/h, daily_cap: 4}\n", true},  // runs of 4: 2h
	} {
		camp := sendCampaign(t, srv, 10, c.send)
		out, errOut, code := runCLI(t, "check", camp)
		if code != exitOK || strings.Contains(errOut, warning) != c.warn || !strings.Contains(out, "estimate:") {
			t.Errorf("%q: code %d, warned %v, want %v\n%s%s", c.send, code, strings.Contains(errOut, warning), c.warn, out, errOut)
		}
	}
}

// TestSendWarnsDatedEarly: send warns as check does when its run, at the
// rate it sends at (--rate too), would last longer than an hour: shown
// before it asks to go (here it stops there: no terminal, no --yes).
func TestSendWarnsDatedEarly(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 10, "")
	const warning = "every message is dated when the run spools it"
	for _, c := range []struct {
		rate string
		warn bool
	}{{"2/h", true}, {"100/h", false}} {
		_, errOut, code := runCLI(t, "send", "--rate", c.rate, camp)
		if code != exitUnusable || strings.Contains(errOut, warning) != c.warn || !strings.Contains(errOut, "pass --yes") || len(srv.Messages()) != 0 {
			t.Errorf("--rate %s: code %d, warned %v, want %v\n%s", c.rate, code, strings.Contains(errOut, warning), c.warn, errOut)
		}
	}
}

// TestReuseCountsThisRun: the spool a test send left is reused by a send
// whose own run (--limit, here) leaves within the hour, though the whole
// list at the campaign's rate would not.
func TestReuseCountsThisRun(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 100, "send: {concurrency: 1, retry_backoff: 1ms, rate: 1/m}\n")
	if out, errOut, code := runCLI(t, "send", "--yes", "--test", "me@example.com", "--rows", "2", camp); code != exitOK {
		t.Fatalf("test send: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp)
	if code != exitSomeFailed || !strings.Contains(out, "reused") {
		t.Errorf("send --limit 1: code %d, want the test send's spool reused\n%s%s", code, out, errOut)
	}
}
