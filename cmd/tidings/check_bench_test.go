package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkCheck runs `check` over generated CSV sheets of growing size and
// reports messages per second and the peak Go heap while it ran, to show
// that memory stays flat: the 1,000,000-row run needs no more heap than the
// 10,000-row one.
//
//	go test ./cmd/tidings -run '^$' -bench Check -benchtime 1x
func BenchmarkCheck(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			camp := benchCampaign(b, n)
			g := &globalOptions{stdout: io.Discard, stderr: io.Discard, abort: context.Background()}
			b.ResetTimer()
			var peak uint64
			for i := 0; i < b.N; i++ {
				stop := sampleHeap(&peak)
				if err := runCheck(context.Background(), checkOptions{maxProblems: 10}, g, camp); err != nil {
					b.Fatal(err)
				}
				stop()
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}

// sampleHeap records the largest heap in use into peak until stop is
// called. Sampling every few milliseconds is enough to see growth.
func sampleHeap(peak *uint64) (stop func()) {
	var done atomic.Bool
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var ms runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for !done.Load() {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > *peak {
				*peak = ms.HeapInuse
			}
			<-t.C
		}
	}()
	return func() { done.Store(true); <-finished }
}

// benchCampaign writes a newsletter-shaped campaign with n CSV rows.
func benchCampaign(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	f, err := os.Create(filepath.Join(dir, "r.csv"))
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "email,name,city,plan,joined,points,id,lang")
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "user%d@example.com,Reader %d,City %d,Pro,2024-03-%02d,%d,u-%07d,en\n", i, i, i%100, i%28+1, i*7%10000, i)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	f.Close()
	html := "<!DOCTYPE html><html><body><h1>Hello {{.name}}</h1><p>Your plan: {{.plan}} since {{.joined}}; {{.points}} points.</p><p>Events in {{.city}}.</p></body></html>\n"
	writeFiles(b, dir, map[string]string{
		"c.yaml": `name: bench
from: "Acme News <news@acme.example>"
to: '{{address .name .email}}'
subject: "{{.name}}, your digest"
text: body.txt
html: body.html
unsubscribe: {url: "https://acme.example/u?id={{.id | urlquery}}", one_click: true}
recipients: {path: r.csv}
`,
		"body.txt":  "Hello {{.name}},\nplan {{.plan}}, {{.points}} points, {{.city}} ({{.lang}}).\n",
		"body.html": html,
	})
	return filepath.Join(dir, "c.yaml")
}
