package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// fullReport is a report file on a disk that is full once full is set:
// every write fails with ENOSPC, naming the file, as an *os.File's does.
type fullReport struct {
	f    *os.File
	full *atomic.Bool
}

func (d fullReport) Write(b []byte) (int, error) {
	if d.full.Load() {
		return 0, &os.PathError{Op: "write", Path: d.f.Name(), Err: syscall.ENOSPC}
	}
	return d.f.Write(b)
}

// reportFullOnce is the testSeams.reportFile of a disk that is full once
// full is set (fullReport).
func reportFullOnce(full *atomic.Bool) func(*os.File) io.Writer {
	return func(f *os.File) io.Writer { return fullReport{f: f, full: full} }
}

// TestSendReportFullDisk: the disk of the state folder filled up while
// the server took row 2's message, after the send had written its report
// as running. report.json stayed "running" (ok false) long after the
// send ended, and a script paging on `jq -e .ending.ok` read a run
// that was over as one still going. The send now removes the report.csv
// and report.json it cannot rewrite, and says so, with the command that
// writes them once there is room, naming the files, not the temporary
// one it was writing; its warning says that next step as its closing
// words do.
func TestSendReportFullDisk(t *testing.T) {
	t.Parallel()
	var full atomic.Bool
	srv := smtptest.NewServer(t, smtptest.OnData(func(smtptest.Session, *smtptest.Message) error { full.Store(true); return nil }))
	camp := sendCampaign(t, srv, 1, "")
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background(), seams: testSeams{reportFile: reportFullOnce(&full)}}
	opts := sendOptions{yes: true, reportEvery: 1}
	err := runSend(context.Background(), opts, g, camp)
	if !errors.Is(err, syscall.ENOSPC) || exitCode(err) != exitUnusable {
		t.Fatalf("send: %v (exit %d), want ENOSPC, exit 2\n%s%s", err, exitCode(err), out.String(), errOut.String())
	}
	dir := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	// It named the temporary file it was writing, and left the user
	// to guess what to do.
	want := "report: writing report.csv and report.json in " + dir + ": no space left on device; free space on the disk it is on, then run tidings report " + camp + " to write them from the journal"
	if !strings.Contains(err.Error(), want) || strings.Contains(err.Error()+errOut.String(), ".tmp") {
		t.Errorf("send's error does not say %q, or names a temporary file:\n%v\n%s", want, err, errOut.String())
	}
	for _, name := range []string{report.JSONFile, report.CSVFile} {
		if b, err := os.ReadFile(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left after the send could not write it (%v):\n%s", name, err, b)
		}
	}
	// It said "report.csv and report.json were not written …; the
	// report.json and report.csv written before were removed".
	if want := "the report.csv and report.json written before were removed, so that nothing reads them as this run's report"; !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
	}
	// The warning said "once that is fixed, tidings report … writes
	// them" where the closing words said to free space first: the same
	// next step, in the same words.
	if want := "; free space on the disk it is on, then run tidings report " + camp + " to write them from the journal (the journal has every result)"; !strings.Contains(errOut.String(), want) {
		t.Errorf("the warning does not say %q:\n%s", want, errOut.String())
	}
	if srv.Received("user000@example.com") != 1 {
		t.Errorf("row 2 received %d times, want 1", srv.Received("user000@example.com"))
	}
}

// TestSendPageNotWrittenRemovesEarlier: a send whose report page could
// not be written (here report-data is a file; a full disk in the field)
// left the report.html written before it, which a report run beside the
// send had written as "still running": whoever opened it read a send
// long over as running. The send now removes it and says so.
func TestSendPageNotWrittenRemovesEarlier(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	state := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	writeFiles(t, state, map[string]string{report.PageFile: "<p>a send is running</p>\n", report.PageDataDir: "not a folder"})
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitOK || !strings.Contains(errOut, "warning: the report page was not written") ||
		!strings.Contains(errOut, "the report.html written before was removed, so that nothing reads it as this run's report") {
		t.Errorf("exit %d, want 0 and the earlier page removed, said on stderr\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(state, report.PageFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("report.html left after the send could not write it: %v", err)
	}
}

// TestReportNotWrittenKeepsFiles: a tidings report whose report.csv
// could not be written (here report.csv is a folder; a full disk in the
// field) removed report.json, the whole report it had just written from
// the journal, and said nothing of it; the same removal took the
// report another tidings report beside it (the lock is shared) had
// written. Only a send removes the files it cannot rewrite now: report
// fails, saying why, and leaves report.json.
func TestReportNotWrittenKeepsFiles(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: exit %d\n%s%s", code, out, errOut)
	}
	state := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	if err := os.Remove(filepath.Join(state, report.CSVFile)); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(state, report.CSVFile), 0o700); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "report", camp)
	if code != exitUnusable || !strings.Contains(errOut, "report: writing report.csv and report.json in "+state) {
		t.Errorf("report: exit %d, want 2 and the files named\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(state, report.JSONFile)); err != nil {
		t.Errorf("report.json after a report that could not write report.csv: %v", err)
	}
}

// TestSendWithoutReportLockKeepsFiles: a send that gave up waiting for
// the report lock (a tidings report beside held it past the wait) and
// then could not write its report on a full disk removed report.csv and
// report.json all the same, which that report was writing or had
// written, true ones. A send without the lock now removes nothing, and
// says that the files there were left and may not be this run's. Its
// warning that it gave up waiting said "context deadline exceeded"; it
// now says how long it waited, for which lock, held by what.
func TestSendWithoutReportLockKeepsFiles(t *testing.T) {
	t.Parallel()
	var full atomic.Bool
	srv := smtptest.NewServer(t, smtptest.OnData(func(smtptest.Session, *smtptest.Message) error { full.Store(true); return nil }))
	camp := sendCampaign(t, srv, 1, "")
	dir := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	beside, err := journal.HoldReport(t.Context(), dir, false, nil) // a tidings report's
	if err != nil {
		t.Fatal(err)
	}
	defer beside.Release()
	writeFiles(t, dir, map[string]string{report.PageFile: "<p>a send is running</p>\n", report.PageDataDir: "not a folder"})
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background(),
		seams: testSeams{reportFile: reportFullOnce(&full), reportLockWait: time.Millisecond}}
	opts := sendOptions{yes: true, reportEvery: 1}
	err = runSend(context.Background(), opts, g, camp)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("send: %v, want ENOSPC\n%s%s", err, out.String(), errOut.String())
	}
	for _, name := range []string{report.JSONFile, report.CSVFile, report.PageFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s removed by a send without the report lock: %v", name, err)
		}
	}
	lock := filepath.Join(dir, journal.ReportLockName)
	if want := "warning: gave up after 1ms waiting for the report lock (" + lock + "), which a tidings report beside still holds: writing this run's report without it, so the report left there may be that one's, not this run's\n"; !strings.Contains(errOut.String(), want) || strings.Contains(errOut.String(), "deadline") {
		t.Errorf("stderr lacks %q, or names a deadline:\n%s", want, errOut.String())
	}
	if want := "the report.csv and report.json there were left as they are, since this send did not get the report lock and a tidings report may be writing them: they may not be this run's report"; !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
	}
	if want := "the report.html there was left as it is, since this send did not get the report lock"; !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
	}
}

// TestSendReportFullDiskLink: a send that could not write its report on
// a full disk removed the report.csv and report.json left, but left a
// report.json that is a symbolic link (to a folder a dashboard reads),
// and said nothing of it: the user took the report behind the link for
// this run's. It still leaves the link (send never removes through one),
// and says so.
func TestSendReportFullDiskLink(t *testing.T) {
	t.Parallel()
	var full atomic.Bool
	full.Store(true)
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 1, "")
	dir := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	target := filepath.Join(t.TempDir(), "dashboard.json")
	writeFiles(t, filepath.Dir(target), map[string]string{"dashboard.json": `{"ending":{"ok":true}}` + "\n"})
	writeFiles(t, dir, map[string]string{report.CSVFile: "row\n"})
	if err := os.Symlink(target, filepath.Join(dir, report.JSONFile)); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background(), seams: testSeams{reportFile: reportFullOnce(&full)}}
	opts := sendOptions{yes: true}
	if err := runSend(context.Background(), opts, g, camp); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("send: %v, want ENOSPC\n%s%s", err, out.String(), errOut.String())
	}
	if st, err := os.Lstat(filepath.Join(dir, report.JSONFile)); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("report.json after the send: %v, %v; want the link left", st, err)
	}
	if b, err := os.ReadFile(target); err != nil || !strings.Contains(string(b), "ok") {
		t.Errorf("the link's target: %q, %v; want it as it was", b, err)
	}
	if want := "the report.csv written before was removed, so that nothing reads it as this run's report; report.json is a symbolic link, which send does not remove: what it points to is left as it was, and is not this run's report"; !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
	}
}

// TestSendPageNotWrittenLink: a send whose page could not be written
// left a report.html that is a symbolic link, and said nothing of it. It
// still leaves the link, and says so.
func TestSendPageNotWrittenLink(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	state := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	target := filepath.Join(t.TempDir(), "page.html")
	writeFiles(t, filepath.Dir(target), map[string]string{"page.html": "<p>a send is running</p>\n"})
	writeFiles(t, state, map[string]string{report.PageDataDir: "not a folder"})
	if err := os.Symlink(target, filepath.Join(state, report.PageFile)); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if want := "report.html is a symbolic link, which send does not remove: what it points to is left as it was, and is not this run's report"; code != exitOK || !strings.Contains(errOut, want) {
		t.Errorf("exit %d, want 0 and stderr saying %q\n%s%s", code, want, out, errOut)
	}
	if b, err := os.ReadFile(target); err != nil || !strings.Contains(string(b), "running") {
		t.Errorf("the link's target: %q, %v; want it as it was", b, err)
	}
}

// TestReportLockWaitWords: the warning of a send that gave up waiting for
// the report lock said "context deadline exceeded"; it says the wait as a
// person does: "gave up after 5 minutes".
func TestReportLockWaitWords(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{reportLockWait: "5 minutes", time.Minute: "1 minute", 90 * time.Second: "1m30s", time.Millisecond: "1ms"} {
		if got := minutesWords(d); got != want {
			t.Errorf("minutesWords(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestReportFullDiskSaysNextStep: a tidings report whose report.csv and
// report.json could not be written on a full disk said only "no space
// left on device", where send and bounces say what to do next: free
// space, then run the command again. It says so now, in their words.
func TestReportFullDiskSaysNextStep(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 1, "")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: exit %d\n%s%s", code, out, errOut)
	}
	var full atomic.Bool
	full.Store(true)
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background(), seams: testSeams{reportFile: reportFullOnce(&full)}}
	err := runReport(context.Background(), reportOptions{}, g, camp)
	if !errors.Is(err, syscall.ENOSPC) || exitCode(err) != exitUnusable {
		t.Fatalf("report: %v (exit %d), want ENOSPC, exit 2\n%s%s", err, exitCode(err), out.String(), errOut.String())
	}
	if want := "no space left on device; free space on the disk it is on, then run tidings report " + camp + " again"; !strings.Contains(err.Error(), want) {
		t.Errorf("report's error does not say %q:\n%v", want, err)
	}
}
