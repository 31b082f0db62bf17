package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
)

// gateClock is the system clock whose Now, once armed, waits for gate to
// be closed and counts its calls: a Reporter's rewrite asks it once as
// it begins and once when its files are in place.
type gateClock struct {
	sendpool.SystemClock
	armed atomic.Bool
	gate  chan struct{}
	calls atomic.Int32
}

func (c *gateClock) Now() time.Time {
	if c.armed.Load() {
		<-c.gate
		c.calls.Add(1)
	}
	return time.Now()
}

// TestSendReportsRecordFirst: a send's page reads the rows beside the
// writing of report.csv and report.json, but writes nothing before they
// are in place: on a disk near full the record takes the room first, and
// the page, a view of it, is what is not written (as when the two were
// written one after the other). The Flush is held until the page's first
// pass ended; the page's next pass, after which it writes, must find it
// done.
func TestSendReportsRecordFirst(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	c := &campaign.Campaign{Name: "t", File: filepath.Join(dir, "c.yaml"), Dir: dir, StateDir: filepath.Join(dir, "state")}
	clock := &gateClock{gate: make(chan struct{})}
	rep, err := report.NewReporter(c.StateDir, report.ReporterOptions{Clock: clock, Every: 1 << 30, Interval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	const n = 20000
	for row := 2; row < n+2; row++ {
		if err := rep.Add(sendpool.Result{Row: row, Key: fmt.Sprintf("u%d@example.org", row), Status: sendpool.StatusSent}); err != nil {
			t.Fatal(err)
		}
	}
	clock.armed.Store(true)
	passes := 0
	rows := func(fn func(report.Row) error) error {
		if passes++; passes > 1 && clock.calls.Load() < 2 {
			t.Errorf("the page's pass %d began before report.csv and report.json were written", passes)
		}
		err := rep.Each(fn)
		if passes == 1 {
			close(clock.gate)
		}
		return err
	}
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, abort: t.Context()}
	flushErr, page, pageErr := writeSendReports(t.Context(), g, c, rep, report.PageInput{Rows: rows, Now: time.Now()}, true)
	if flushErr != nil || !page || pageErr != nil || errOut.Len() > 0 {
		t.Fatalf("flush %v, page %v %v\n%s", flushErr, page, pageErr, errOut.String())
	}
	if passes < 2 {
		t.Errorf("the page read the rows %d times", passes)
	}
	csv, err := os.ReadFile(filepath.Join(c.StateDir, report.CSVFile))
	if err != nil || bytes.Count(csv, []byte("\n")) != n+1 {
		t.Errorf("report.csv: %d lines, %v; want %d", bytes.Count(csv, []byte("\n")), err, n+1)
	}
	if _, err := os.Stat(filepath.Join(c.StateDir, report.PageFile)); err != nil {
		t.Error(err)
	}
}
