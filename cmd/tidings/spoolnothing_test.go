package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSendNothingAfterEditReuses: a user's review saw a send with nothing
// to send, after a sent row's cell was edited, write a spool generation
// told as "copies of the messages: … (made by this run)". The first such
// run renders the rows as they are now into one (the rows' records and
// the edited row's message, which --resend-changed sends from it): that
// is how it decides them, and what lets the next runs decide them
// without rendering. It says so, not that it holds copies of messages;
// the next run writes nothing to the spool; and show and preview of the
// edited row say what they said before either run: the message as it
// went, and what the next send does.
func TestSendNothingAfterEditReuses(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{"r.csv": strings.Replace(readFile(t, filepath.Join(dir, "r.csv")), "User 1\n", "User One\n", 1)})
	said := func() string {
		show, showErr, code := runCLI(t, "show", camp, "--row", "3")
		if code != exitOK {
			t.Fatalf("show: %d\n%s%s", code, show, showErr)
		}
		preview, errOut, code := runCLI(t, "preview", camp)
		if code != exitOK {
			t.Fatalf("preview: %d\n%s%s", code, preview, errOut)
		}
		return show + showErr + preview + errOut
	}
	before := said()
	if !strings.Contains(before, "To: User 1 <user001@example.com>") || !strings.Contains(before, "since it went out, name changed") {
		t.Fatalf("show and preview of the edited row:\n%s", before)
	}
	spoolFiles := func() []string {
		ents, err := os.ReadDir(filepath.Join(dir, ".tidings", "t", "spool"))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		return names
	}
	var files []string
	for i, how := range []string{"made by this run", "made by an earlier run and used again"} {
		out, errOut, code := runCLI(t, "send", "--yes", camp)
		if code != exitOK || !strings.Contains(out, "nothing left to send") || len(srv.Messages()) != 3 ||
			!regexp.MustCompile(`(?m)^the rows as they are now: [\d.]+ KB in .*spool \(`+regexp.QuoteMeta(how)+`; [\d.]+ KB with those of earlier runs; this run sent nothing: the next send decides from them without rendering them again\); tidings show .* --row N prints what went to a row$`).MatchString(out) ||
			strings.Contains(out, "copies of the messages") {
			t.Fatalf("send %d after the edit: code %d, %d messages, want it %s\n%s%s", i+1, code, len(srv.Messages()), how, out, errOut)
		}
		if i == 1 && !slices.Equal(spoolFiles(), files) {
			t.Errorf("the second send with nothing to send wrote to the spool: %v, was %v", spoolFiles(), files)
		}
		files = spoolFiles()
	}
	if after := said(); after != before {
		t.Errorf("show and preview of the edited row, before the sends with nothing to send:\n%s\nafter:\n%s", before, after)
	}
}

// TestSendCapUsedUpSpoolLine: a send daily_cap lets nothing go, a row
// still to send, told its spool generation as "the rows as they are now
// … the next send decides from them" (rev-last6), as a send with nothing
// left to send tells it; then that "the next send sends those still to
// go from here, without rendering them again" (rev-user17: 497 messages
// already sent in it, the next send a day later renders afresh, its
// generation too old to send from by then, when it holds their messages
// at all). It says the send that sends the row renders it afresh.
func TestSendCapUsedUpSpoolLine(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "send: {concurrency: 1, retry_backoff: 1ms, daily_cap: 2}\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed || len(srv.Messages()) != 2 {
		t.Fatalf("send: code %d, %d messages, want 2 under the cap\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	line := regexp.MustCompile(`(?m)^copies of the messages: [\d.]+ KB in .*spool \(made by an earlier run and used again; this run sent none of them: the send that sends the 1 row still to go renders its message afresh\); tidings show .* --row N prints any of them$`)
	if code != exitSomeFailed || len(srv.Messages()) != 2 || !line.MatchString(out) || strings.Contains(out, "the rows as they are now") {
		t.Errorf("send with the cap used up: code %d, %d messages, want its spool told as holding the message still to send\n%s%s", code, len(srv.Messages()), out, errOut)
	}
}
