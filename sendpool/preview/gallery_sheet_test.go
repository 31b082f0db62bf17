package preview

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
)

// gallerySheetHostile is a warning about the whole sheet quoting a
// column's name from its header, which would run a script were it ever
// parsed as HTML.
const gallerySheetHostile = `people.csv: column "<img src=x onerror=window.__pwned=1>" is empty in 3 rows (2, 3, 4), which the subject prints as it is: fill it in, or print it within {{if .x}}…{{end}}`

// gallerySheetRowWords is a row's own warning of the column blank in
// every row, as cmd/tidings words it.
func gallerySheetRowWords(row int) string {
	return fmt.Sprintf(`column "title" is empty in row %d, which the subject prints as it is: fill it in, or print it within {{if .title}}…{{end}}`, row)
}

// TestGallerySheetWarnings: the warnings about the whole sheet (a column
// blank in every row, rows recipients.only_blank left out) are shown
// once above the list, as text, a column's hostile name too; a row's
// warning they cover (the column blank in every row, in the row's
// words) is left out of its list, so a row with no other is not counted
// nor badged as warned, and a row with one of its own keeps its badge
// and shows that one. A user who only opened the page never learnt of
// them, and each row repeated the column's.
func TestGallerySheetWarnings(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "preview")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	own := `column "ticket", an attachment's path, is empty in row 3: its message goes without the file`
	ctx := context.Background()
	for _, row := range []int{2, 3, 4} {
		warns := []string{gallerySheetRowWords(row)}
		if row == 3 {
			warns = append(warns, own)
		}
		m := galleryTestMail{row: row, key: fmt.Sprintf("r%d@example.com", row), fromAddr: "news@acme.example",
			toAddr: fmt.Sprintf("r%d@example.com", row), subject: "Hallo", text: "Hallo\r\n"}.message(t)
		if err := w.WriteMessage(ctx, m, warns); err != nil {
			t.Fatal(err)
		}
	}
	sheet := []string{gallerySheetHostile, "people.csv: 12 rows left out by recipients.only_blank: [unsubscribed]"}
	w.SheetWarnings(sheet, func(row int, warning string) bool { return warning == gallerySheetRowWords(row) })
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rows, _ := galleryChunkWarnings(t, dir)
	if len(rows) != 3 {
		t.Fatalf("the list has %d rows, want 3", len(rows))
	}
	for _, r := range rows {
		want := []string(nil)
		if r.Row == 3 {
			want = []string{own}
		}
		if !slices.Equal(r.Warnings, want) {
			t.Errorf("row %d's warnings in the list: %q, want %q", r.Row, r.Warnings, want)
		}
	}
	meta, err := os.ReadFile(filepath.Join(dir, "gallery", "rows.js"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(meta), `"warned":1,`) {
		t.Errorf("rows.js = %s, want 1 row with warnings", meta)
	}

	b := chromium.Start(t, 60*time.Second, 1400, 900)
	b.Do(t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	shown := chromium.Get(t, b, "the sheet's warnings", chromedp.Evaluate[[]string](`(function () {
		var box = document.getElementById('sheet-warnings');
		if (!box || box.hidden || !box.offsetHeight) { return ['not shown']; }
		return [box.querySelector('summary').textContent, String(box.querySelectorAll('img').length)].concat(
			Array.from(box.querySelectorAll('li')).map(function (li) { return li.textContent; }));
	})()`))
	if want := append([]string{"2 warnings about the whole sheet", "0"}, sheet...); !slices.Equal(shown, want) {
		t.Errorf("above the list: %q, want %q", shown, want)
	}
	badges := chromium.Get(t, b, "badges", chromedp.Evaluate[string](`Array.from(document.querySelectorAll('#rows .row')).map(function (li) {
		var b = li.querySelector('.badge.warn'); return li.querySelector('.row-num').textContent + ':' + (b ? b.textContent : '-'); }).join(' ')`))
	if badges != "2:- 3:warning 4:-" {
		t.Errorf("the list's warning badges: %s, want row 3's only", badges)
	}
	galleryOpenRow(b.Ctx, t, 3, true)
	if got := chromium.Get(t, b, "row 3's warnings", chromedp.Evaluate[string](`document.getElementById('m-warnings').textContent`)); got != own {
		t.Errorf("row 3's message lists %q, want its own warning only", got)
	}
	if pwned := chromium.Get(t, b, "pwned", chromedp.Evaluate[bool](`window.__pwned === 1`)); pwned {
		t.Error("a column's name in a warning about the sheet ran as HTML")
	}
	for _, p := range b.Problems() {
		t.Errorf("browser reported %s", p)
	}
}

// BenchmarkGalleryLoadBlankColumn loads the gallery of 100,000 rows with
// a column blank in every row in Chromium, that column's warning given
// with each row in the row's words (each-row: as preview gave it) or
// said once for the sheet (once: Writer.SheetWarnings), and reports the
// list's files' size and when the page showed its first page and had
// loaded the whole list (its firstPageMs and readyMs) and the tab's
// live JavaScript heap then (galleryLiveHeap), averaged.
func BenchmarkGalleryLoadBlankColumn(b *testing.B) {
	for _, once := range []bool{false, true} {
		name := map[bool]string{false: "each-row", true: "once"}[once]
		b.Run(name, func(b *testing.B) {
			dir := b.TempDir()
			rows := gallerySyntheticRows(100_000)
			for i := range rows {
				if rows[i].Status == "ok" {
					rows[i].Warnings = []string{gallerySheetRowWords(rows[i].Row)}
				}
			}
			g, err := newGalleryWriter(dir)
			if err != nil {
				b.Fatal(err)
			}
			if once {
				g.sheet([]string{`people.csv: column "title" is empty in 98000 rows (2, 3, 4, 5, 6 and 97995 more), which the subject prints as it is: fill it in, or print it within {{if .title}}…{{end}}`},
					func(row int, w string) bool { return w == gallerySheetRowWords(row) })
			}
			for _, r := range rows {
				if err := g.add(r); err != nil {
					b.Fatal(err)
				}
			}
			if err := g.finish(); err != nil {
				b.Fatal(err)
			}
			if err := writeGalleryMessage(dir, rows[0].File, []byte("Subject: first\r\n\r\nHello\r\n")); err != nil {
				b.Fatal(err)
			}
			list, _ := filepath.Glob(filepath.Join(dir, galleryDir, "rows*.js"))
			var size int64
			for _, p := range list {
				if fi, err := os.Stat(p); err == nil {
					size += fi.Size()
				}
			}
			br := chromium.Start(b, 10*time.Minute, 1400, 900)
			var first, ready, heap float64
			for b.Loop() {
				br.Do(b, "load", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
					chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
				ms := chromium.Get(b, br, "timings", chromedp.Evaluate[[]float64](`[Number(document.body.dataset.firstPageMs), Number(document.body.dataset.readyMs)]`))
				first += ms[0]
				ready += ms[1]
				heap += galleryLiveHeap(b, br)
			}
			b.ReportMetric(float64(size)/1e6, "MB/list")
			b.ReportMetric(heap/float64(b.N)/1e6, "MB-heap")
			b.ReportMetric(first/float64(b.N), "first-page-ms")
			b.ReportMetric(ready/float64(b.N), "ready-ms")
		})
	}
}

// galleryLiveHeap is the JavaScript heap b's tab uses after a garbage
// collection, in bytes: what the page keeps of what it loaded.
func galleryLiveHeap(tb testing.TB, b *chromium.Browser) float64 {
	tb.Helper()
	if _, err := chromedp.Call(b.Ctx, heapprofiler.CollectGarbage, cdp.Empty{}); err != nil {
		tb.Fatalf("collecting the tab's garbage: %v", err)
	}
	u, err := chromedp.Call(b.Ctx, runtime.GetHeapUsage, cdp.Empty{})
	if err != nil {
		tb.Fatalf("the tab's heap: %v", err)
	}
	return u.UsedSize
}
