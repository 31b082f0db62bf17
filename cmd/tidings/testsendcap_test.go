package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestTestSendCapWords: a send --test daily_cap holds back said when the
// cap lets it go as a raw time ("the next slot opens at
// 2026-12-08T16:54:03+01:00"), where send's and report's summaries say
// it in words ("after 16:54 UTC+01:00 tomorrow"). It says it as they
// do now, with the command to run then.
func TestTestSendCapWords(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "send: {concurrency: 1, retry_backoff: 1ms, daily_cap: 1}\n")
	if out, errOut, code := runCLI(t, "send", "--test", "tester@example.com", "--rows", "2", camp); code != exitOK {
		t.Fatalf("first send --test: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := runCLI(t, "send", "--test", "tester@example.com", "--rows", "2", camp)
	want := regexp.MustCompile(`daily_cap 1: 0 messages may go now and the test has 1; nothing was sent: run tidings send --test tester@example.com --rows 2 ` +
		regexp.QuoteMeta(commandArg(camp)) + ` again once the cap allows \(after \d\d:\d\d UTC\S* tomorrow\)\n`)
	if code != exitSomeFailed || !want.MatchString(errOut) || regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d`).MatchString(out+errOut) {
		t.Errorf("send --test over the cap: code %d, want %d and %s\n%s%s", code, exitSomeFailed, want, out, errOut)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages, want the first test's only", n)
	}
	if strings.Contains(errOut, "next slot") {
		t.Errorf("send --test over the cap names the next slot:\n%s", errOut)
	}
}
