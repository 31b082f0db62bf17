package plan

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
)

// BenchmarkKeyChangeFresh: the second day of a send under daily_cap (or
// a send resumed after a kill) over 300,000 rows, 50,000 sent: the key
// check notes each of the 250,000 rows the journal does not know yet
// (keyChange.note), then settles them against the journal's keys no
// longer in the sheet. It reports, a fresh row, what the Go heap holds
// once the rows are noted (live-B/row, after a collection; the heap grows
// to about twice that before the collector runs) and what the notes hold
// outside it (offheap-B/row), besides the allocations.
func BenchmarkKeyChangeFresh(b *testing.B) {
	const sent, rows = 50_000, 300_000
	key := func(i int) string { return fmt.Sprintf("user%07d@example.com", i) }
	state := sentJournal(b, sent, key)
	c := &campaign.Campaign{File: "c.yaml"}
	c.Recipients.Key = "email"
	keys, tos := make([]string, rows), make([]string, rows)
	for i := range tos {
		keys[i], tos[i] = key(i), fmt.Sprintf("Reader %d <%s>", i, key(i))
	}
	var live, off float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		k := newKeyChange(c, state)
		for i := range rows {
			k.sheet(keys[i])
			if err := k.note(i+2, keys[i], tos[i]); err != nil {
				b.Fatal(err)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		live = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / (rows - sent)
		off = float64(k.freshBytes()) / (rows - sent)
		if err := k.settle(); err != nil || k.n != 0 || k.maybe.N != 0 {
			b.Fatalf("settle: %v, %d found, %d noted", err, k.n, k.maybe.N)
		}
		k.free()
	}
	b.ReportMetric(live, "live-B/row")
	b.ReportMetric(off, "offheap-B/row")
}

// sentJournal is the journal of a send that delivered to the first n of
// key's recipients, each To "Reader <key>".
func sentJournal(tb testing.TB, n int, key func(int) string) *journal.State {
	tb.Helper()
	dir := tb.TempDir()
	lock, err := journal.AcquireLock(dir)
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	w, err := journal.Open(ctx, lock, journal.Run{PID: 1, Started: time.Now()})
	if err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		if err := w.ResultQueued(ctx, journal.Result{Row: i + 2, Key: key(i), To: "Reader <" + key(i) + ">", Status: sendpool.StatusSent, Finished: time.Now()}); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	lock.Release()
	state, err := journal.Load(ctx, dir)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { state.Close() })
	return state
}
