package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// sentRecord is in the journal's first record of a message the server
// took (its "sent" result).
const sentRecord = `"status":"sent"`

// fullJournal is a journal file on a disk that fills up at the first
// write holding at: that write, and every one after it, fails with
// ENOSPC, as on a full tmpfs; torn, half of that write goes first.
type fullJournal struct {
	*os.File
	at         string
	torn, full bool
}

func (f *fullJournal) Write(b []byte) (int, error) {
	if !f.full && !bytes.Contains(b, []byte(f.at)) {
		return f.File.Write(b)
	}
	n := 0
	if f.torn && !f.full {
		n, _ = f.File.Write(b[:len(b)/2])
	}
	f.full = true
	return n, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
}

// journalFullAt is the testSeams.journalFile of a disk that fills up at
// the journal's first write holding at (fullJournal).
func journalFullAt(at string, torn bool) func(*os.File) journal.File {
	return func(f *os.File) journal.File { return &fullJournal{File: f, at: at, torn: torn} }
}

// TestSendJournalFullDisk: the disk of the state folder filled up while
// a send recorded the result of row 2's message, which the server had
// taken. The send exited 2 naming the journal's path twice, with no
// next step, and nothing said afterwards that row 2 is unknown for a
// full disk: report and the next send told it as "a lost connection, a
// crash or a second Ctrl-C" and the send as killed by kill -9. The
// closing error now says to free space and which command to run, and
// that row 2 stays unknown, --resend-unknown sending it twice; the
// words after it name a full disk among the causes.
func TestSendJournalFullDisk(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	// One row: with more, the next row's attempt, which the full disk
	// fails too, may stop the run first (its error is then the one told).
	camp := sendCampaign(t, srv, 1, "send: {concurrency: 1}\n")
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background(),
		seams: testSeams{journalFile: journalFullAt(sentRecord, false)}}
	opts := sendOptions{yes: true}
	err := runSend(context.Background(), opts, g, camp)
	if !errors.Is(err, syscall.ENOSPC) || exitCode(err) != exitUnusable {
		t.Fatalf("send: %v (exit %d), want ENOSPC, exit 2\n%s%s", err, exitCode(err), out.String(), errOut.String())
	}
	path := filepath.Join(filepath.Dir(camp), ".tidings", "t", journal.FileName)
	for _, want := range []string{
		"journal failed: recording row 2: journal: write " + path + ": no space left on device; ",
		"free space on the disk it is on, then run again: tidings send --yes " + camp,
		"row 2's result could not be recorded, so its message (which may have reached the server) is unknown from now on",
		"--resend-unknown would send it again, and its recipients may get it twice",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("send's error lacks %q:\n%v", want, err)
		}
	}
	o, e, code := runCLI(t, "report", camp)
	if code != exitSomeFailed || !strings.Contains(o, "1 unknown: ") || !strings.Contains(o, "a journal that could not record the reply, as on a full disk") ||
		!strings.Contains(o, "last send: killed: ") || !strings.Contains(o, "its journal could no longer be written (a full disk") {
		t.Errorf("report: code %d, want 1, row 2 unknown and a full disk among the causes\n%s%s", code, o, e)
	}
	o, e, code = runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed || !strings.Contains(o, "none could be recorded: a lost connection, a server that sent none within 4 × smtp.timeout, a crash, a second Ctrl-C, a full disk") || srv.Received("user000@example.com") != 1 {
		t.Errorf("send again: code %d, want 1, row 2 unknown for a full disk perhaps, not sent again\n%s%s", code, o, e)
	}
}

// TestSendJournalFullDiskSummary: the disk filled up as the send
// recorded that the server took row 2's message. The summary counted the
// row "1 sent" and report.json said it sent, its ending "finished" with
// ok true, while the closing error, the journal and report said it is
// unknown. Now all of them say unknown.
func TestSendJournalFullDiskSummary(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 1, "send: {concurrency: 1}\n")
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background(),
		seams: testSeams{journalFile: journalFullAt(sentRecord, false)}}
	opts := sendOptions{yes: true}
	err := runSend(context.Background(), opts, g, camp)
	if exitCode(err) != exitUnusable || !strings.Contains(err.Error(), "row 2's result could not be recorded") {
		t.Fatalf("send: %v (exit %d), want exit 2, row 2 unknown", err, exitCode(err))
	}
	if !strings.Contains(out.String(), "1 recipient: 0 sent, 1 unknown") || strings.Contains(out.String(), "1 sent") {
		t.Errorf("summary does not count row 2 unknown:\n%s", out.String())
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(camp), ".tidings", "t", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Summary struct{ Sent, Unknown int }
		Ending  struct{ OK bool }
		Rows    []struct{ Status, Detail string }
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Summary.Sent != 0 || doc.Summary.Unknown != 1 || doc.Ending.OK || len(doc.Rows) != 1 || doc.Rows[0].Status != "unknown" ||
		!strings.Contains(doc.Rows[0].Detail, "no space left on device") {
		t.Errorf("report.json does not say row 2 is unknown:\n%s", b)
	}
}

// TestSendJournalFullDiskRows: the disk filled up as the send recorded
// that the server took row 2's message, or row 3's (both held by the
// server until both bodies were in), and the report's files met it too.
// The closing error told one row unknown, the first to fail, and none
// when another error came first: now it names both rows, the full
// disk's path, the command to run once there is room, and that
// --resend-unknown would send them twice.
func TestSendJournalFullDiskRows(t *testing.T) {
	t.Parallel()
	gate := make(chan struct{})
	srv := smtptest.NewServer(t, smtptest.HoldData(gate))
	camp := sendCampaign(t, srv, 2, "send: {concurrency: 2}\n")
	var full atomic.Bool
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background(),
		seams: testSeams{journalFile: journalFullAt(sentRecord, false), reportFile: reportFullOnce(&full)}}
	opts := sendOptions{yes: true}
	done := make(chan error, 1)
	go func() { done <- runSend(context.Background(), opts, g, camp) }()
	<-srv.Held()
	<-srv.Held()
	full.Store(true)
	close(gate)
	err := <-done
	if !errors.Is(err, syscall.ENOSPC) || exitCode(err) != exitUnusable {
		t.Fatalf("send: %v (exit %d), want ENOSPC, exit 2\n%s%s", err, exitCode(err), out.String(), errOut.String())
	}
	path := filepath.Join(filepath.Dir(camp), ".tidings", "t", journal.FileName)
	for _, want := range []string{
		path + ": no space left on device",
		"free space on the disk it is on, then run again: tidings send --yes " + camp,
		"rows 2 and 3: their results could not be recorded, so their messages (which may have reached the server) are unknown from now on",
		"--resend-unknown would send them again, and their recipients may get them twice",
	} {
		if strings.Count(err.Error(), want) != 1 {
			t.Errorf("send's error does not say %q once:\n%v", want, err)
		}
	}
	if srv.Received("user000@example.com") != 1 || srv.Received("user001@example.com") != 1 {
		t.Errorf("received %d messages, want one each", len(srv.Messages()))
	}
}

// TestSendJournalTornFullDisk: the disk filled up halfway through the
// line recording that the server took row 2's message. The next run
// blamed the cut-off line on a crash ("a crash mid-write?"), which there
// was none of, and said nothing of what to do. It now says what the
// journal can tell (the line was cut off: the run was killed or its disk
// filled up) and what to do; row 2 stays unknown and is not sent again.
func TestSendJournalTornFullDisk(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 1, "send: {concurrency: 1}\n")
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background(),
		seams: testSeams{journalFile: journalFullAt(sentRecord, true)}}
	opts := sendOptions{yes: true}
	if err := runSend(context.Background(), opts, g, camp); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("send: %v, want ENOSPC\n%s%s", err, out.String(), errOut.String())
	}
	path := filepath.Join(filepath.Dir(camp), ".tidings", "t", journal.FileName)
	o, e, code := runCLI(t, "send", "--yes", camp)
	want := "warning: " + path + ":3: journal: torn last line: the last line is cut off after "
	if code != exitSomeFailed || !strings.Contains(e, want) || srv.Received("user000@example.com") != 1 {
		t.Errorf("send again: code %d, want 1, row 2 not sent again, and %q\n%s%s", code, want, o, e)
	}
	for _, want := range []string{"the run writing it was stopped (killed, or the machine lost power), or its disk filled up", "nothing is sent twice (a message whose result was on it counts as unknown)", "If that disk is still full, free space on it"} {
		if !strings.Contains(e, want) {
			t.Errorf("the warning lacks %q:\n%s", want, e)
		}
	}
	if strings.Contains(e, "crash") {
		t.Errorf("the warning blames a crash:\n%s", e)
	}
}
