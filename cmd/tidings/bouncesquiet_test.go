package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/bounces"
)

// TestBouncesQuietRepeats: bounces from cron, --quiet, lists the reports
// it records in this run and those it cannot match, not again the ones an
// earlier run recorded (POP3 and IMAP without --move-to read them every
// time, before runs remembered what they read: an hourly job repeated
// its whole history; a run after the memory is removed reads them all
// again), nor the messages it skipped as read by an earlier run.
// Without --quiet it lists them all, as before.
func TestBouncesQuietRepeats(t *testing.T) {
	t.Parallel()
	camp, _, _, deliver := popBounces(t, "", "")
	var reports []string
	for _, r := range mailboxReports(messageIDs(t, camp)) {
		reports = append(reports, string(r))
	}
	deliver(reports...)
	first, errOut, code := runCLI(t, "bounces", "-q", camp)
	if code != exitSomeFailed || !strings.Contains(first, "4 new)") || strings.Count(first, "\n  row ") != 4 {
		t.Fatalf("first bounces: code %d\n%s%s", code, first, errOut)
	}
	// What the run skipped as read before is what it is meant to do,
	// not news: cron mailed it every hour.
	if kept, errOut, _ := runCLI(t, "bounces", "-q", camp); strings.Contains(kept, "remembers; remove it") || !strings.Contains(kept, "0 new)") {
		t.Errorf("bounces -q again: says what it skipped, or not its summary:\n%s%s", kept, errOut)
	}
	forget := func() {
		t.Helper()
		if err := os.Remove(filepath.Join(filepath.Dir(camp), ".tidings", "t", bounces.ReadFile)); err != nil {
			t.Fatal(err)
		}
	}
	forget()
	again, errOut, code := runCLI(t, "bounces", "-q", camp)
	if code != exitSomeFailed || !strings.Contains(again, "0 new)") {
		t.Fatalf("second bounces: code %d\n%s%s", code, again, errOut)
	}
	if strings.Contains(again, "  row ") {
		t.Errorf("--quiet lists again the reports an earlier run recorded:\n%s", again)
	}
	if !strings.Contains(again, "  message ") {
		t.Errorf("--quiet no longer lists the reports it cannot match:\n%s", again)
	}
	if out, _, _ := runCLI(t, "bounces", "-q", "--dry-run", camp); strings.Contains(out, "  row ") {
		t.Errorf("--quiet --dry-run lists the recorded reports:\n%s", out)
	}
	forget()
	if out, _, _ := runCLI(t, "bounces", camp); !strings.Contains(out, "  row ") {
		t.Errorf("without --quiet the recorded reports are no longer listed:\n%s", out)
	}
}
