package bench

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
	"github.com/tidings/tidings/sendpool/journal"
	rpage "github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/report/pagetest"
)

// BenchmarkReportPage: the report page of a campaign of BENCH_PAGE_N
// recipients (100,000) in two runs (pagetest.Campaign): how long WritePage
// takes (one pass over the journal, the recipient chunks) and how big its
// files are; then how long headless Chromium takes to show it from disk:
// the charts, the first page of the table, every row (search covers them
// all), and a search over all of them.
func BenchmarkReportPage(b *testing.B) {
	n := knob("BENCH_PAGE_N", 100_000)
	dir := b.TempDir()
	rows, err := pagetest.CampaignRows(dir, n, time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
	must(b, err)
	in := rpage.PageInput{Campaign: "bench", CampaignPath: "campaign.yaml", Rows: rows, JournalDir: dir,
		Settings: rpage.Settings{Rate: "10/s", Concurrency: 4, PerConnection: 100, Retries: 3}}
	var write time.Duration
	var peak, base uint64
	for range b.N {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base = ms.HeapInuse // what the process holds besides (the rows come from a generator)
		stop := sampleHeap(&peak)
		start := time.Now()
		must(b, rpage.WritePage(context.Background(), dir, in))
		write += time.Since(start)
		stop()
	}
	write /= time.Duration(b.N)
	page, err := os.Stat(filepath.Join(dir, rpage.PageFile))
	must(b, err)
	jl, err := os.Stat(filepath.Join(dir, journal.FileName))
	must(b, err)
	files, size := dirFiles(b, filepath.Join(dir, rpage.PageDataDir))
	report(b, row{name: fmt.Sprintf("report page: WritePage, %d recipients", n), rate: float64(n) / write.Seconds(), peakMB: mb(int64(peak)),
		target: "report.html < 1 MB",
		note: fmt.Sprintf("%v; report.html %d KB, report-data %.1f MB in %d files; journal %.0f MB read once; peak = Go heap in use, %.0f MB of it before",
			write.Round(time.Millisecond), page.Size()>>10, float64(size)/1e6, files, float64(jl.Size())/1e6, mb(int64(base)))})

	br := chromium.Start(b, 120*time.Second, 1360, 1000)
	var marks map[string]string
	var wall time.Duration
	for range b.N {
		start := time.Now()
		br.Do(b, "load", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, rpage.PageFile))),
			chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`, chromedp.WithPollingInterval(10*time.Millisecond)))
		wall += time.Since(start)
		marks = chromium.Get(b, br, "timings", chromedp.Evaluate[map[string]string](`({charts: document.body.dataset.chartsMs,
			first: document.body.dataset.firstTableMs, ready: document.body.dataset.readyMs, total: document.getElementById('page-info').dataset.total})`))
	}
	wall /= time.Duration(b.N)
	if marks["total"] != strconv.Itoa(n) {
		b.Fatalf("the table lists %s rows, want %d", marks["total"], n)
	}
	br.Do(b, "search", chromedp.SendKeys(chromedp.ID("search"), "gmail"))
	start := time.Now()
	br.Do(b, "search results", chromedp.Poll[chromedp.Void](`document.getElementById('page-info').dataset.total !== '`+strconv.Itoa(n)+`'`,
		chromedp.WithPollingInterval(5*time.Millisecond)))
	search := time.Since(start)
	for _, p := range br.Problems() {
		b.Errorf("browser reported %s", p)
	}
	readyMs, _ := strconv.Atoi(marks["ready"])
	report(b, row{name: fmt.Sprintf("report page in headless Chromium, %d recipients", n), rate: float64(n) / (float64(readyMs) / 1000),
		target: "first table within a few s",
		note: fmt.Sprintf("after navigation start: charts %s ms, first table %s ms, all rows %s ms (wall %v); first search %v incl. 120 ms debounce",
			marks["charts"], marks["first"], marks["ready"], wall.Round(time.Millisecond), search.Round(time.Millisecond))})
}

// BenchmarkReportPageMemory: WritePage's time and memory for campaigns of
// BENCH_PAGE_MEM_N recipients (10,000, 300,000 and 1,000,000; made as in
// BenchmarkReportPage), the rows coming from a generator
// (pagetest.CampaignRows), so that the heap holds no row but those
// WritePage holds. Each size is written twice: once for the time and the
// peak of the Go heap in use (HeapInuse sampled every 5 ms, garbage
// included, so it depends on when the collector runs), once for the live
// heap (HeapAlloc right after a collection every 5,000 rows the
// generator hands over). Both, above what was in use before and across
// the sizes, should be flat in the number of rows.
func BenchmarkReportPageMemory(b *testing.B) {
	sizes := knobList("BENCH_PAGE_MEM_N", []int{10_000, 300_000, 1_000_000})
	peaks, lives := make([]uint64, len(sizes)), make([]uint64, len(sizes))
	for i, n := range sizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			dir := b.TempDir()
			rows, err := pagetest.CampaignRows(dir, n, time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
			must(b, err)
			in := rpage.PageInput{Campaign: "bench", CampaignPath: "campaign.yaml", Rows: rows, JournalDir: dir,
				Settings: rpage.Settings{Rate: "10/s", Concurrency: 4, PerConnection: 100, Retries: 3}}
			start := time.Now()
			must(b, rows(func(rpage.Row) error { return nil }))
			gen := time.Since(start)
			m := pageMemory(b, in)
			peaks[i], lives[i] = m.peak-min(m.peakBase, m.peak), m.live-min(m.liveBase, m.live)
			report(b, row{name: fmt.Sprintf("report page memory: WritePage, %d recipients", n), rate: float64(n) / m.write.Seconds(),
				peakMB: mb(int64(m.peak)), target: "flat in the rows",
				note: fmt.Sprintf("%v (%d passes over the rows; the generator's share %v); heap in use at its peak %.1f MB, %.1f MB above before; "+
					"live heap at most %.2f MB, %.2f MB above before; allocated %.0f bytes a row",
					m.write.Round(time.Millisecond), m.passes, (time.Duration(m.passes) * gen).Round(time.Millisecond),
					mb(int64(m.peak)), mb(int64(peaks[i])), float64(m.live)/(1<<20), float64(lives[i])/(1<<20), float64(m.alloc)/float64(n))})
		})
	}
	if k := len(sizes) - 1; k > 0 && sizes[k] > sizes[0] {
		per := func(v []uint64) float64 { return (float64(v[k]) - float64(v[0])) / float64(sizes[k]-sizes[0]) }
		b.Run("flat", func(b *testing.B) { // a parent benchmark's log is not shown
			report(b, row{name: fmt.Sprintf("report page memory: %d to %d recipients", sizes[0], sizes[k]), target: "≤ 8 bytes a row",
				note: fmt.Sprintf("above the heap before, the live heap grows by %.2f bytes a row (%.2f to %.2f MB), the heap in use at its peak by %.2f (%.1f to %.1f MB)",
					per(lives), float64(lives[0])/(1<<20), float64(lives[k])/(1<<20), per(peaks), mb(int64(peaks[0])), mb(int64(peaks[k])))})
		})
	}
}

// pageMem is what pageMemory measured.
type pageMem struct {
	write                 time.Duration
	peak, peakBase, alloc uint64
	live, liveBase        uint64
	passes                int
}

// pageMemory writes in's page twice: for the time, the bytes allocated and
// the peak heap in use, then for the most live heap.
func pageMemory(b *testing.B, in rpage.PageInput) pageMem {
	var m pageMem
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	m.peakBase, m.alloc = ms.HeapInuse, ms.TotalAlloc
	stop := sampleHeap(&m.peak)
	start := time.Now()
	must(b, rpage.WritePage(context.Background(), b.TempDir(), in))
	m.write = time.Since(start)
	stop()
	runtime.ReadMemStats(&ms)
	m.alloc = ms.TotalAlloc - m.alloc

	const every = 5_000
	src := in.Rows
	in.Rows = func(fn func(rpage.Row) error) error {
		m.passes++
		k := 0
		return src(func(r rpage.Row) error {
			if k++; k%every == 0 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				m.live = max(m.live, ms.HeapAlloc)
			}
			return fn(r)
		})
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	m.liveBase = ms.HeapAlloc
	must(b, rpage.WritePage(context.Background(), b.TempDir(), in))
	return m
}

// sampleHeap records the Go heap in use into peak every 5 ms until the
// returned stop is called.
func sampleHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			*peak = max(*peak, ms.HeapInuse)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// dirFiles counts the files under dir and their bytes.
func dirFiles(b *testing.B, dir string) (files int, size int64) {
	b.Helper()
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		files++
		size += fi.Size()
		return nil
	})
	must(b, err)
	return files, size
}
