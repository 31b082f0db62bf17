package bounces

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/journal"
)

// BenchmarkProcessBounces: tidings bounces over a mailbox of DSNs (each a
// hard bounce of one message of a campaign of 60,000 sent rows, its To a
// name and an address), a dry run. It reports the Go heap the run's
// Summary holds once it returns (retained-B/bounce, after a collection):
// what a mailbox of more bounces costs beyond the journal's tables,
// which the index holds before the run.
func BenchmarkProcessBounces(b *testing.B) {
	const rows = 60_000
	dir := b.TempDir()
	addr := func(i int) string { return fmt.Sprintf("user%07d@example.com", i) }
	attempts := make([]journal.Attempt, rows)
	for i := range attempts {
		attempts[i] = journal.Attempt{Row: i + 2, Key: addr(i), To: fmt.Sprintf("Reader %d <%s>", i, addr(i)),
			MessageID: fmt.Sprintf("%d.tidings@news.example", i+2), Hash: "sha256:0123456789abcdef0123456789abcdef"}
	}
	sentMessages(b, dir, attempts)
	st, err := journal.Load(context.Background(), dir)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	ix, err := NewIndex(st)
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{2_000, 20_000} {
		b.Run(fmt.Sprintf("bounces=%d", n), func(b *testing.B) {
			msgs := make([]string, n)
			for i := range msgs {
				r := i * (rows / n)
				msgs[i] = dsn(fmt.Sprintf("<%d.tidings@news.example>", r+2), "", addr(r), "failed", "5.1.1",
					"550 5.1.1 <"+addr(r)+">: Recipient address rejected: User unknown in virtual mailbox table")
			}
			mb := newMemMailbox(msgs...)
			var retained float64
			for b.Loop() {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				sum, err := Process(context.Background(), mb, ix, nil, Options{DryRun: true, Campaign: "bench", Now: func() time.Time { return t0 }})
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				if len(sum.Findings) != n || sum.Findings[n-1].Verdict != Matched {
					b.Fatalf("%d findings, the last %v", len(sum.Findings), sum.Findings[n-1].Verdict)
				}
				retained = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
				runtime.KeepAlive(sum)
			}
			b.ReportMetric(retained, "retained-B/bounce")
		})
	}
}
