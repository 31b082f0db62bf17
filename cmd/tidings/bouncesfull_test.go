package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/bounces"
	"github.com/tidings/tidings/sendpool/journal"
)

// TestBouncesReportFullDisk: bounces recorded the reports it read, then
// could not rewrite report.csv and report.json on a full disk, and
// ended with "report: writing report.csv and report.json in …: no space
// left on device" alone, where send says what to do. It now says what
// was recorded and to run bounces again once there is room; that run
// reads nothing twice, adds no address to the list twice, and writes
// the report.
func TestBouncesReportFullDisk(t *testing.T) {
	t.Parallel()
	camp, _, _, deliver := popBounces(t, "", "")
	var reports []string
	for _, r := range mailboxReports(messageIDs(t, camp)) {
		reports = append(reports, string(r))
	}
	deliver(reports...)
	var full atomic.Bool
	full.Store(true)
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background(),
		seams: testSeams{reportFile: reportFullOnce(&full)}}
	err := runBounces(context.Background(), bouncesOptions{maxTime: time.Minute}, g, camp)
	state := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	want := "report: writing report.csv and report.json in " + state + ": no space left on device; what this run read is recorded, in the journal and the suppression list: free space on the disk it is on, then run tidings bounces " + camp + " again, which records nothing twice and writes the report"
	if exitCode(err) != exitUnusable || err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("bounces: %v (exit %d), want exit 2 and %q\n%s%s", err, exitCode(err), want, out.String(), errOut.String())
	}
	supFile := filepath.Join(filepath.Dir(camp), "suppress.txt")
	list := readFile(t, supFile)
	o, e, code := runCLI(t, "bounces", camp)
	if code != exitOK || !strings.Contains(o, "0 addresses added to ") || readFile(t, supFile) != list {
		t.Errorf("bounces again: code %d, want 0 and nothing added twice\n%s%s", code, o, e)
	}
	if b, err := os.ReadFile(filepath.Join(state, "report.json")); err != nil || !bytes.Contains(b, []byte(`"bounced"`)) {
		t.Errorf("report.json after bounces again: %v\n%s", err, b)
	}
}

// TestBouncesJournalFullDisk: bounces could not record the reports it
// read in the journal, the disk full, and ended with the journal's
// error alone. It now says that no report was moved or taken as read,
// and to run bounces again once there is room; that run records them
// all, and adds no address to the suppression list twice.
func TestBouncesJournalFullDisk(t *testing.T) {
	t.Parallel()
	camp, _, _, deliver := popBounces(t, "", "")
	var reports []string
	for _, r := range mailboxReports(messageIDs(t, camp)) {
		reports = append(reports, string(r))
	}
	deliver(reports...)
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background(),
		seams: testSeams{journalFile: journalFullAt(`"type":"feedback"`, false)}}
	err := runBounces(context.Background(), bouncesOptions{maxTime: time.Minute}, g, camp)
	path := filepath.Join(filepath.Dir(camp), ".tidings", "t", journal.FileName)
	want := path + ": no space left on device; no report was moved, deleted or taken as read, so the next run reads them all again: free space on the disk it is on, then run tidings bounces " + camp + " again, which records nothing twice and writes the report"
	if exitCode(err) != exitUnusable || err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("bounces: %v (exit %d), want exit 2 and %q\n%s%s", err, exitCode(err), want, out.String(), errOut.String())
	}
	supFile := filepath.Join(filepath.Dir(camp), "suppress.txt")
	list := readFile(t, supFile)
	o, e, code := runCLI(t, "bounces", camp)
	if code != exitSomeFailed || !strings.Contains(o, "4 matched this campaign (1 bounced, 1 soft-bounce, 1 complained, 1 unsubscribed; 4 new)") || !strings.Contains(o, "0 addresses added to ") || readFile(t, supFile) != list {
		t.Errorf("bounces again: code %d, want 1, the 4 reports recorded and nothing added to the list twice\n%s%s", code, o, e)
	}
}

// TestBouncesListReplacedWords: a bounces run that an editor's saves
// kept from appending to the suppression list said to "run tidings
// bounces again", naming no campaign file and not why that is safe; it
// says the command to run, and that the run recorded nothing and moved
// no report. Other errors are left as they are.
func TestBouncesListReplacedWords(t *testing.T) {
	t.Parallel()
	camp := filepath.Join(t.TempDir(), "c.yaml")
	replaced := fmt.Errorf("bounces: suppression list suppress.txt: %w each of the 3 times this run added 1 address to it, which may be in none now: close the list in the editor", bounces.ErrListReplaced)
	got := bouncesListReplaced(replaced, camp).Error()
	want := replaced.Error() + ", then run tidings bounces " + commandArg(camp) + " again, which adds the lines the list lacks: this run recorded nothing, and moved, deleted or took as read no report"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if other := errors.New("bounces: other"); bouncesListReplaced(other, camp) != other {
		t.Errorf("another error changed")
	}
}
