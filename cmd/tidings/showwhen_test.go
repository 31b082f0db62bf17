package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestShowSaysWhenSent: show said "sent; spooled <time>", when the
// message was put in the spool but not when it was sent, which a
// member's access request (GDPR art. 15) asks: it says when it was sent,
// and of a failed or deferred row when it was last tried, as report.csv
// writes the time (finished_at).
func TestShowSaysWhenSent(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		switch to {
		case "user001@example.com":
			return smtptest.Reply(550, "5.1.1", "no such user")
		case "user002@example.com":
			return smtptest.Reply(451, "4.3.0", "try again later")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 3, "")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed {
		t.Fatalf("send: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	finished := map[string]string{}
	for _, r := range readReport(t, camp) {
		if r["finished_at"] == "" {
			t.Fatalf("report.csv has no finished_at for %s: %v", r["key"], r)
		}
		finished[r["key"]] = r["finished_at"]
	}
	for key, want := range map[string]string{
		"user000@example.com": "user000@example.com: sent " + finished["user000@example.com"] + "; spooled ",
		"user001@example.com": "user001@example.com: failed; last tried " + finished["user001@example.com"] + "; spooled ",
		"user002@example.com": "user002@example.com: deferred, to be sent again; last tried " + finished["user002@example.com"] + "; spooled ",
	} {
		_, errOut, code := runCLI(t, "show", camp, key)
		if code != exitOK || !strings.Contains(errOut, want) {
			t.Errorf("show %s: code %d\n%s\nwant it to say %q", key, code, errOut, want)
		}
	}
}

// TestShowAfterSpoolRemoved: once the spool is deleted to keep the
// journal longer than the messages (README: The messages only), show
// said first that a tidings from before the spool sent the message, and
// the removal only in brackets after it; it says the removal first, with
// the time as report.csv writes it, and exits 1.
func TestShowAfterSpoolRemoved(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 1, "")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	if err := os.RemoveAll(filepath.Join(filepath.Dir(camp), ".tidings", "t", "spool")); err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ is in no spool generation, and none is as old: the spool folder was removed since \(the journal still says it was sent\), or a tidings from before the spool sent it`)
	if out, errOut, code := runCLI(t, "show", camp, "user000@example.com"); code != exitSomeFailed || out != "" || !want.MatchString(errOut) {
		t.Errorf("show after rm -r spool: code %d\n%s%s\nwant %s", code, out, errOut, want)
	}
}
