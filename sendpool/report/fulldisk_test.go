package report_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
)

// fullDisk is a report file on a disk that is full once full is set:
// every write fails with ENOSPC, naming the file, as an *os.File's does.
type fullDisk struct {
	f    *os.File
	full *atomic.Bool
}

func (d fullDisk) Write(b []byte) (int, error) {
	if d.full.Load() {
		return 0, &os.PathError{Op: "write", Path: d.f.Name(), Err: syscall.ENOSPC}
	}
	return d.f.Write(b)
}

// TestReporterFlushFullDisk: the disk filled up after a running send
// rewrote its report, and the send's last Flush could not write it.
// report.json stayed as the running send left it, "running" with ok
// false, so a script read a send long over as still running (and one
// that read an earlier run's ok true, as over and fine). FlushOrRemove
// (the send's) now removes the report.csv and report.json left, and its
// error names them.
func TestReporterFlushFullDisk(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var full atomic.Bool
	rep, err := report.NewReporter(dir, report.ReporterOptions{Every: 1, Interval: time.Nanosecond,
		File: func(f *os.File) io.Writer { return fullDisk{f: f, full: &full} }})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	for row := 2; row < 4; row++ {
		if err := rep.Add(sendpool.Result{Row: row, Key: fmt.Sprintf("u%d@example.org", row), Status: sendpool.StatusSent}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, report.JSONFile)); err != nil {
		t.Fatalf("no report.json while the send runs: %v", err)
	}
	full.Store(true)
	rep.NoteEnding(func(s report.Summary) report.Ending {
		return s.Ending(report.EndFacts{Now: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)})
	})
	err = rep.FlushOrRemove()
	var ue *report.UnwrittenError
	if !errors.Is(err, syscall.ENOSPC) || !errors.As(err, &ue) || len(ue.Removed) != 2 {
		t.Fatalf("Flush: %v (%+v), want ENOSPC, report.json and report.csv removed", err, ue)
	}
	for _, name := range []string{report.JSONFile, report.CSVFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s left after a Flush that could not write it: %v", name, err)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".report.*.tmp"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestReporterFlushFullDiskNamesFiles: a Flush that met a full disk said
// so of the temporary file it was writing ("write
// …/.report.csv.2587810512.tmp: no space left on device"), a name the
// user never sees and which is gone by then; now it names report.csv and
// report.json and their folder, whether the disk was met as the files
// were finished or, for a report larger than the files' buffers, on the
// way.
func TestReporterFlushFullDiskNamesFiles(t *testing.T) {
	t.Parallel()
	for _, rows := range []int{2, 600} {
		t.Run(fmt.Sprint(rows), func(t *testing.T) {
			dir := t.TempDir()
			var full atomic.Bool
			rep, err := report.NewReporter(dir, report.ReporterOptions{File: func(f *os.File) io.Writer { return fullDisk{f: f, full: &full} }})
			if err != nil {
				t.Fatal(err)
			}
			defer rep.Close()
			for row := 2; row < 2+rows; row++ {
				res := sendpool.Result{Row: row, Key: fmt.Sprintf("u%d@example.org", row), Status: sendpool.StatusFailed, Detail: strings.Repeat("x", 1000)}
				if err := rep.Add(res); err != nil {
					t.Fatal(err)
				}
			}
			full.Store(true)
			err = rep.Flush()
			want := "report: writing report.csv and report.json in " + dir + ": no space left on device"
			if !errors.Is(err, syscall.ENOSPC) || err.Error() != want {
				t.Errorf("Flush: %v, want ENOSPC, %q", err, want)
			}
		})
	}
}

// TestReporterFlushFullDiskKeepsEarlier: a Flush that could not write
// the files (tidings report's, or bounces', on a full disk) removed the
// report.csv and report.json there, which another wrote: a send that
// ended (its true report, ok true), or a report run beside it under the
// same shared lock a moment before. Only a send's FlushOrRemove removes
// them now; a Flush leaves them as they were.
func TestReporterFlushFullDiskKeepsEarlier(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := report.Write(dir, []report.Row{report.FromResult(sendpool.Result{Row: 2, Key: "u2@example.org", Status: sendpool.StatusSent})}); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(filepath.Join(dir, report.JSONFile))
	if err != nil {
		t.Fatal(err)
	}
	var full atomic.Bool
	full.Store(true)
	rep, err := report.NewReporter(dir, report.ReporterOptions{OwnLog: true, File: func(f *os.File) io.Writer { return fullDisk{f: f, full: &full} }})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	if err := rep.Add(sendpool.Result{Row: 2, Key: "u2@example.org", Status: sendpool.StatusSent}); err != nil {
		t.Fatal(err)
	}
	if err := rep.Flush(); !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("Flush: %v, want ENOSPC", err)
	}
	if after, err := os.ReadFile(filepath.Join(dir, report.JSONFile)); err != nil || string(after) != string(before) {
		t.Errorf("report.json after a Flush that could not write it: %v\n%s", err, after)
	}
	if _, err := os.Stat(filepath.Join(dir, report.CSVFile)); err != nil {
		t.Errorf("report.csv after a Flush that could not write it: %v", err)
	}
}

// lateDisk is a report file on a disk that takes the writes but fails
// the sync of report.csv's (as a disk that allocates late, or fills
// meanwhile, does) once full is set.
type lateDisk struct {
	f    *os.File
	full *atomic.Bool
}

func (d lateDisk) Write(b []byte) (int, error) { return d.f.Write(b) }

func (d lateDisk) Sync() error {
	if d.full.Load() && strings.HasPrefix(filepath.Base(d.f.Name()), "."+report.CSVFile+".") {
		return &os.PathError{Op: "sync", Path: d.f.Name(), Err: syscall.ENOSPC}
	}
	return d.f.Sync()
}

// TestReporterFlushBothOrNeither: report.json was put in place before
// report.csv, so a report.csv that could not follow (its sync failed on
// a full disk, or it could not be renamed) left a new report.json beside
// the old report.csv: two files that disagree, and a send's
// FlushOrRemove then removed the report.json just written, a true one.
// Now both are synced before either is renamed, report.csv goes first
// and report.json last: a failure leaves the earlier pair as it was, or
// (report.json failing after report.csv) neither, never one of each.
func TestReporterFlushBothOrNeither(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		spoil func(dir string, full *atomic.Bool) // what fails the second Flush
		same  []string                            // the files left as the first Flush wrote them
		gone  []string                            // the files not there
	}{
		{"csv sync", func(_ string, full *atomic.Bool) { full.Store(true) }, []string{report.CSVFile, report.JSONFile}, nil},
		{"csv a folder", func(dir string, _ *atomic.Bool) { replaceByFolder(t, dir, report.CSVFile) }, []string{report.JSONFile}, nil},
		{"json a folder", func(dir string, _ *atomic.Bool) { replaceByFolder(t, dir, report.JSONFile) }, nil, []string{report.CSVFile}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var full atomic.Bool
			rep, err := report.NewReporter(dir, report.ReporterOptions{File: func(f *os.File) io.Writer { return lateDisk{f: f, full: &full} }})
			if err != nil {
				t.Fatal(err)
			}
			defer rep.Close()
			if err := rep.Add(sendpool.Result{Row: 2, Key: "u2@example.org", Status: sendpool.StatusSent}); err != nil {
				t.Fatal(err)
			}
			if err := rep.Flush(); err != nil {
				t.Fatal(err)
			}
			before := map[string]string{}
			for _, name := range tc.same {
				b, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				before[name] = string(b)
			}
			if err := rep.Add(sendpool.Result{Row: 3, Key: "u3@example.org", Status: sendpool.StatusFailed}); err != nil {
				t.Fatal(err)
			}
			tc.spoil(dir, &full)
			if err := rep.Flush(); err == nil {
				t.Fatal("Flush: no error")
			}
			for name, want := range before {
				if b, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(b) != want {
					t.Errorf("%s after the failed Flush (%v), want it as before:\n%s", name, err, b)
				}
			}
			for _, name := range tc.gone {
				if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s left after the failed Flush (%v), beside no report.json of its own", name, err)
				}
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".report.*.tmp")); len(left) > 0 {
				t.Errorf("temporary files left: %v", left)
			}
		})
	}
}

// replaceByFolder puts a folder where dir's file name is, which no
// rename can replace.
func replaceByFolder(t *testing.T, dir, name string) {
	t.Helper()
	if err := os.Remove(filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, name), 0o700); err != nil {
		t.Fatal(err)
	}
}

// lostJSON is a report file whose report.json, once lose is set, is gone
// by the time it is renamed (its sync takes its name away): report.csv
// is put in place, and report.json then fails to follow it.
type lostJSON struct {
	f    *os.File
	lose *atomic.Bool
}

func (d lostJSON) Write(b []byte) (int, error) { return d.f.Write(b) }

func (d lostJSON) Sync() error {
	if d.lose.Load() && strings.HasPrefix(filepath.Base(d.f.Name()), "."+report.JSONFile+".") {
		if err := os.Remove(d.f.Name()); err != nil {
			return err
		}
	}
	return d.f.Sync()
}

// TestReporterUnplacesOnlyUnderLock: when report.json could not follow
// the report.csv a write had put in place, the write removed report.csv
// and the report.json beside it without the report lock, which a running
// send's writes do not take: with a tidings report beside, holding it
// (shared) while it put its own files in place, those true files went.
// The two are removed only while the lock can be had exclusively at
// once; with it held they are left (the new report.csv beside the
// earlier report.json, as a process killed between the renames leaves
// them), which the error says, and a send's last write, its caller holding the lock, removes
// both itself (FlushOrRemove).
func TestReporterUnplacesOnlyUnderLock(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// held is how the lock is held while the Flush fails: "" not,
		// "shared" by a tidings report beside, "exclusive" by the
		// caller of FlushOrRemove.
		held string
		left bool // report.csv and report.json left after the Flush
	}{
		{"nobody holds the lock", "", false},
		{"a report beside holds it", "shared", true},
		{"a send's last write", "exclusive", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			var lose atomic.Bool
			rep, err := report.NewReporter(dir, report.ReporterOptions{File: func(f *os.File) io.Writer { return lostJSON{f: f, lose: &lose} }})
			if err != nil {
				t.Fatal(err)
			}
			defer rep.Close()
			if err := rep.Add(sendpool.Result{Row: 2, Key: "u2@example.org", Status: sendpool.StatusSent}); err != nil {
				t.Fatal(err)
			}
			if err := rep.Flush(); err != nil {
				t.Fatal(err)
			}
			flush := rep.Flush
			if tc.held != "" {
				l, err := journal.HoldReport(context.Background(), dir, tc.held == "exclusive", nil)
				if err != nil {
					t.Fatal(err)
				}
				defer l.Release()
			}
			if tc.held == "exclusive" {
				flush = rep.FlushOrRemove
			}
			if err := rep.Add(sendpool.Result{Row: 3, Key: "u3@example.org", Status: sendpool.StatusFailed}); err != nil {
				t.Fatal(err)
			}
			lose.Store(true)
			err = flush()
			if !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("Flush: %v, want report.json's rename failing", err)
			}
			// Files left disagree: the error says so, which it did not.
			const left = "the new report.csv is left beside the report.json of an earlier write, which does not tell its rows, until both are written again"
			if strings.Contains(err.Error(), left) != tc.left {
				t.Errorf("Flush: %v; want it to say %q: %t", err, left, tc.left)
			}
			for _, name := range []string{report.CSVFile, report.JSONFile} {
				if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != tc.left {
					t.Errorf("%s after the failed Flush: %v; want it left %t", name, err, tc.left)
				}
			}
		})
	}
}
