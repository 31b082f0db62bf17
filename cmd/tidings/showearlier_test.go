package main

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestShowBeforeTheSpool: a message a tidings from before the spool sent
// is in no generation, and show says so (it is not one gone from the
// spool), also once a later send made one. The journal in testdata was
// written by tidings at commit 693662d: send --limit 1 of this campaign.
func TestShowBeforeTheSpool(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	earlierState(t, camp, "journal-693662d-sent.jsonl")
	const says = "a tidings from before the spool sent it"
	if _, errOut, code := runCLI(t, "show", camp, "user000@example.com"); code != exitSomeFailed || !strings.Contains(errOut, says) {
		t.Errorf("show before any spool: code %d\n%s", code, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 1 {
		t.Fatalf("send: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	if _, errOut, code := runCLI(t, "show", camp, "user000@example.com"); code != exitSomeFailed || !strings.Contains(errOut, says) {
		t.Errorf("show after a send made a spool: code %d\n%s", code, errOut)
	}
	if out, errOut, code := runCLI(t, "show", camp, "user001@example.com"); code != exitOK || !strings.Contains(out, "Hi User 1") {
		t.Errorf("show of the row sent since: code %d\n%s%s", code, out, errOut)
	}
}
