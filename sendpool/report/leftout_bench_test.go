package report_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/xuri/excelize/v2"
)

// BenchmarkAddRemovedLeftOut: a reminder campaign (only_blank: [Bezahlt])
// whose invoices went to every row of a BENCH_LEFTOUT_ROWS-row XLSX
// (default 300,000), every row marked paid since: AddRemoved reads the
// sheet a second time, without the selection, to say each row is left
// out, not gone. It reports the Go heap's peak above the one before it
// ran (sampled every millisecond), besides the time and allocations.
func BenchmarkAddRemovedLeftOut(b *testing.B) {
	n := 300_000
	if s, err := strconv.Atoi(os.Getenv("BENCH_LEFTOUT_ROWS")); err == nil && s > 0 {
		n = s
	}
	ctx := context.Background()
	dir := b.TempDir()
	sheet := filepath.Join(dir, "mitglieder.xlsx")
	writeMembers(b, sheet, n)
	state := filepath.Join(dir, "state")
	writeMembersSent(b, state, n)
	s, err := journal.Load(ctx, state)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r := campaign.Recipients{Path: sheet, Key: "email", OnlyBlank: []string{"Bezahlt"}}
	var peak float64
	for b.Loop() {
		rep, err := report.NewReporter(b.TempDir(), report.ReporterOptions{Every: math.MaxInt, Interval: math.MaxInt64, OwnLog: true})
		if err != nil {
			b.Fatal(err)
		}
		stop := sampleHeap()
		err = report.AddRemoved(ctx, r, s, s.NewMarks(), rep)
		peak = max(peak, stop())
		rep.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(peak/(1<<20), "peak-heap-MB")
}

// sampleHeap samples the Go heap's live objects every millisecond until
// the function it returns is called, which returns their peak above the
// heap before it began, in bytes.
func sampleHeap() func() float64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var peak atomic.Uint64
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		<-stopped
		return float64(peak.Load()) - float64(base)
	}
}

// writeMembers writes an n-row sheet of members (name, email, Bezahlt),
// every one marked paid.
func writeMembers(tb testing.TB, path string, n int) {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"name", "email", "Bezahlt"}); err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{fmt.Sprintf("Mitglied %d", i), memberKey(i), "ja"}); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		tb.Fatal(err)
	}
}

func memberKey(i int) string { return fmt.Sprintf("mitglied%d@example.de", i) }

// writeMembersSent writes a journal in dir of an invoice sent to each of
// the n members, at its row.
func writeMembersSent(tb testing.TB, dir string, n int) {
	tb.Helper()
	ctx := context.Background()
	lock, err := journal.AcquireLock(dir)
	if err != nil {
		tb.Fatal(err)
	}
	defer lock.Release()
	w, err := journal.Open(ctx, lock, journal.Run{Version: "tidings bench"})
	if err != nil {
		tb.Fatal(err)
	}
	t0 := time.Date(2026, 11, 25, 21, 0, 0, 0, time.UTC)
	for i := range n {
		k := memberKey(i)
		if err := w.ResultQueued(ctx, journal.Result{Row: i + 2, Key: k, To: k, Status: sendpool.StatusSent, Attempts: 1, Code: 250,
			MessageID: fmt.Sprintf("<%d@x>", i), Started: t0, Finished: t0.Add(time.Second)}); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Sync(ctx); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
}
