package journal

import (
	"github.com/tidings/tidings/sendpool"

	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func benchResult(i int) Result {
	return Result{Row: i + 2, Key: fmt.Sprintf("recipient%d@example.org", i), Status: sendpool.StatusSent, Attempts: 1,
		Code: 250, EnhancedCode: "2.0.0", Detail: "2.0.0 Ok: queued as 4Xz9Q1abcd", MessageID: fmt.Sprintf("%d.tidings@acme.example", i),
		Server: "127.0.0.1:2525", Started: t0, Finished: t0.Add(time.Second), DurationMS: 1000, Hash: "9f86d081884c7d65"}
}

// BenchmarkJournalGroupCommit measures durable records per second with W
// concurrent writers sharing fsyncs. writers=1 is the baseline of one fsync
// per record.
func BenchmarkJournalGroupCommit(b *testing.B) {
	for _, writers := range []int{1, 8, 64, 256} {
		b.Run(fmt.Sprintf("writers=%d", writers), func(b *testing.B) {
			dir := b.TempDir()
			l, err := AcquireLock(dir)
			if err != nil {
				b.Fatal(err)
			}
			defer l.Release()
			ctx := context.Background()
			w, err := Open(ctx, l, Run{Started: t0})
			if err != nil {
				b.Fatal(err)
			}
			var (
				next    atomic.Int64
				wg      sync.WaitGroup
				batches atomic.Int64
				failed  atomic.Value
			)
			w.testHookBatch = func(int) { batches.Add(1) }
			b.ResetTimer()
			start := time.Now()
			for range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := int(next.Add(1)) - 1
						if i >= b.N {
							return
						}
						if err := w.Result(ctx, benchResult(i)); err != nil {
							failed.Store(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			if err, _ := failed.Load().(error); err != nil {
				b.Fatal(err)
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "records/s")
			b.ReportMetric(float64(b.N)/float64(batches.Load()), "records/fsync")
		})
	}
}

// BenchmarkJournalRawFsync is the floor under everything: one write(2) and
// one fsync(2) per record on a plain file, no Writer.
func BenchmarkJournalRawFsync(b *testing.B) {
	f, err := os.OpenFile(filepath.Join(b.TempDir(), "raw"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	line := []byte(`{"type":"result","row":2,"key":"recipient0@example.org","status":"sent"}` + "\n")
	start := time.Now()
	for b.Loop() {
		if _, err := f.Write(line); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "records/s")
}

// BenchmarkJournalRead: Scan (the report page's pass) and Load (every
// command's start) over a journal of 10,000 messages, an attempt and a
// result each, as a send writes them.
func BenchmarkJournalRead(b *testing.B) {
	const n = 10_000
	dir := b.TempDir()
	writeSent(b, dir, n)
	ctx := context.Background()
	b.Run("Scan", func(b *testing.B) {
		for b.Loop() {
			records := 0
			if _, err := Scan(ctx, dir, func(Record) error { records++; return nil }); err != nil || records != 2*n+1 {
				b.Fatalf("%d records, %v", records, err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/(2*n), "µs/record")
	})
	b.Run("Load", func(b *testing.B) {
		for b.Loop() {
			s, err := Load(ctx, dir)
			if err != nil || s.Records != 2*n {
				b.Fatalf("%v records, %v", s, err)
			}
			s.Close()
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/(2*n), "µs/record")
	})
	// Decide reads each key's lines back (a resumed send's preflight).
	b.Run("Decide", func(b *testing.B) {
		s, err := Load(ctx, dir)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		for b.Loop() {
			for i := range n {
				if d, err := s.Decide(benchResult(i).Key, Policy{}); err != nil || d.Send {
					b.Fatalf("%+v, %v", d, err)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/n, "µs/key")
	})
}

// writeSent writes a journal of n messages into dir, an attempt and a
// sent result each (benchResult), as a send's concurrent workers do.
func writeSent(tb testing.TB, dir string, n int) {
	tb.Helper()
	l, err := AcquireLock(dir)
	if err != nil {
		tb.Fatal(err)
	}
	ctx := context.Background()
	w, err := Open(ctx, l, Run{Started: t0})
	if err != nil {
		tb.Fatal(err)
	}
	var wg sync.WaitGroup
	var next atomic.Int64
	for range 64 { // the group commit shares the fsyncs
		wg.Go(func() {
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				r := benchResult(i)
				a := Attempt{Row: r.Row, Key: r.Key, To: r.Key, MessageID: r.MessageID, Hash: r.Hash, Try: 1, Time: t0}
				if err := w.Attempt(ctx, a); err != nil {
					tb.Error(err)
					return
				}
				if err := w.Result(ctx, r); err != nil {
					tb.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	l.Release()
}
