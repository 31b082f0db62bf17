package report_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/report/pagetest"
)

// genRows is a source of n made-up rows, in row order, that holds none:
// each is made as it is handed over, the same each pass. Fifty domains;
// sent, refused (some throttled) and undecided rows.
func genRows(n int) func(fn func(report.Row) error) error {
	t0 := time.Date(2026, 11, 25, 21, 0, 0, 0, time.UTC)
	return func(fn func(report.Row) error) error {
		for i := range n {
			key := fmt.Sprintf("user%07d@d%02d.example", i, i%50)
			r := report.Row{Recipient: report.Recipient{Row: i + 2, Key: key, To: "User <" + key + ">"},
				Status: sendpool.StatusSent, Attempts: 1, Code: 250, EnhancedCode: sendpool.EnhancedCode{2, 0, 0},
				Detail: fmt.Sprintf("OK queued as %08X", i), Server: "smtp.example:587", DurationMS: int64(i%700 + 20)}
			switch i % 97 {
			case 1:
				r.Status, r.Code, r.EnhancedCode, r.Detail = sendpool.StatusFailed, 550, sendpool.EnhancedCode{5, 1, 1}, "user unknown"
			case 2:
				r.Status, r.Code, r.EnhancedCode, r.Detail = sendpool.StatusDeferred, 421, sendpool.EnhancedCode{4, 7, 0}, "rate limited, slow down"
			case 3:
				r = report.Row{Recipient: r.Recipient, Status: sendpool.StatusDuplicate, Detail: "duplicate of row 2"}
			}
			if r.Attempts > 0 {
				at := t0.Add(time.Duration(i) * 100 * time.Millisecond)
				r.StartedAt, r.FinishedAt = at.Format(time.RFC3339), at.Add(time.Duration(r.DurationMS)*time.Millisecond).Format(time.RFC3339)
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}
}

// pageFiles reads a page's files: report.html and its chunks by name.
func pageFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	html, chunks := pageRead(t, dir)
	chunks[report.PageFile] = html
	return chunks
}

// TestPageFromReporter: the page written from a Reporter's Each (the rows
// read back from its log, in row order) is the page of the same rows from
// a slice in any order; Each fails once the Reporter is closed.
func TestPageFromReporter(t *testing.T) {
	t.Parallel()
	rows := make([]report.Row, 0, 2600)
	genRows(2500)(func(r report.Row) error { rows = append(rows, r); return nil })
	rows = append(rows, report.Row{Status: sendpool.StatusInvalid, Detail: "a line without a row"})
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	repDir := t.TempDir()
	rep, err := report.NewReporter(repDir, report.ReporterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := rep.AddRow(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := rep.Flush(); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	fromRep, fromSlice := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	for dir, src := range map[string]func(func(report.Row) error) error{fromRep: rep.Each, fromSlice: report.RowsOf(rows)} {
		if err := report.WritePage(context.Background(), dir, report.PageInput{Campaign: "c", Rows: src, Now: now}); err != nil {
			t.Fatal(err)
		}
	}
	a, b := pageFiles(t, fromRep), pageFiles(t, fromSlice)
	if len(a) != 4 || len(a) != len(b) {
		t.Fatalf("%d and %d files", len(a), len(b))
	}
	for name := range b {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between the Reporter's rows and the slice's", name)
		}
	}
	if err := rep.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rep.Each(func(report.Row) error { return nil }); err == nil {
		t.Error("Each after Close: no error")
	}
}

// TestPageRowSources: what WritePage makes of a source that breaks its
// contract or fails, and of a cancelled context.
func TestPageRowSources(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	calls := 0
	for _, tc := range []struct {
		name string
		src  func(fn func(report.Row) error) error
		ctx  func() context.Context
		want func(error) bool
	}{
		{"out of order", func(fn func(report.Row) error) error {
			for _, n := range []int{2, 4, 3} {
				if err := fn(report.Row{Recipient: report.Recipient{Row: n}}); err != nil {
					return err
				}
			}
			return nil
		}, nil, func(err error) bool { return err != nil && strings.Contains(err.Error(), "row order") }},
		{"fewer rows the second time", func(fn func(report.Row) error) error {
			calls++
			return genRows(3000 - calls)(fn)
		}, nil, func(err error) bool { return err != nil && strings.Contains(err.Error(), "changed") }},
		{"failing", func(fn func(report.Row) error) error {
			if err := genRows(10)(fn); err != nil {
				return err
			}
			return boom
		}, nil, func(err error) bool { return errors.Is(err, boom) }},
		{"cancelled", genRows(10), func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}, func(err error) bool { return errors.Is(err, context.Canceled) }},
	} {
		ctx := context.Background()
		if tc.ctx != nil {
			ctx = tc.ctx()
		}
		err := report.WritePage(ctx, t.TempDir(), report.PageInput{Rows: tc.src})
		if !tc.want(err) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	// No rows at all: a page with an empty table.
	dir := t.TempDir()
	if err := report.WritePage(context.Background(), dir, report.PageInput{}); err != nil {
		t.Fatal(err)
	}
	if files := pageFiles(t, dir); len(files) != 1 {
		t.Errorf("no rows: %d files", len(files))
	}
}

// TestPagePreviewLinks: with more .eml files in the preview folder than
// one read of it takes, every row whose message is there links it, and
// no other.
func TestPagePreviewLinks(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	prev := filepath.Join(dir, "preview")
	if err := os.MkdirAll(prev, 0o700); err != nil {
		t.Fatal(err)
	}
	want := map[int]string{}
	genRows(2000)(func(r report.Row) error {
		if r.Row%3 == 0 {
			want[r.Row] = report.EMLName(r.Row, r.Key)
			return os.WriteFile(filepath.Join(prev, want[r.Row]), nil, 0o600)
		}
		return nil
	})
	if err := os.WriteFile(filepath.Join(prev, "notes.txt"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := report.WritePage(context.Background(), dir, report.PageInput{Rows: genRows(2000), PreviewDir: prev}); err != nil {
		t.Fatal(err)
	}
	_, chunks := pageRead(t, dir)
	linked := 0
	for name, chunk := range chunks {
		_, rows := pageChunkRows(t, chunk)
		for _, r := range rows {
			row := int(r["r"].(float64))
			if p, _ := r["p"].(string); p != want[row] {
				t.Fatalf("%s: row %d links %q, want %q", name, row, p, want[row])
			}
			if want[row] != "" {
				linked++
			}
		}
	}
	if linked != len(want) || linked < 600 {
		t.Errorf("%d rows link their preview, want %d", linked, len(want))
	}
}

// TestWritePageMemoryFlat: WritePage holds no row beyond the one in hand:
// the live heap (taken after a collection every 1,000 rows the source
// hands over) is the same for 5,000 rows as for 100,000, give or take the
// chunk buffers. Holding the rows would add some 30 MB. Skipped with
// -short.
func TestWritePageMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000-row page: skipped with -short")
	}
	live := func(n int) uint64 {
		src := genRows(n)
		var most uint64
		rows := func(fn func(report.Row) error) error {
			k := 0
			return src(func(r report.Row) error {
				if k++; k%1000 == 0 {
					runtime.GC()
					var ms runtime.MemStats
					runtime.ReadMemStats(&ms)
					most = max(most, ms.HeapAlloc)
				}
				return fn(r)
			})
		}
		if err := report.WritePage(context.Background(), t.TempDir(), report.PageInput{Rows: rows}); err != nil {
			t.Fatal(err)
		}
		return most
	}
	small, big := live(5_000), live(100_000)
	t.Logf("live heap at most: %.2f MB for 5,000 rows, %.2f MB for 100,000", float64(small)/(1<<20), float64(big)/(1<<20))
	if big > small+3<<20 {
		t.Errorf("the live heap grows by %.0f bytes a row", float64(big-small)/95_000)
	}
}

// TestCampaignRows: pagetest.CampaignRows makes the rows Campaign returns,
// in the same order, each pass, and the same journal.
func TestCampaignRows(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	d1, d2 := t.TempDir(), t.TempDir()
	rows, err := pagetest.Campaign(d1, 3000, start)
	if err != nil {
		t.Fatal(err)
	}
	src, err := pagetest.CampaignRows(d2, 3000, start)
	if err != nil {
		t.Fatal(err)
	}
	for pass := range 2 {
		var got []report.Row
		if err := src(func(r report.Row) error { got = append(got, r); return nil }); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, rows) {
			t.Errorf("pass %d: the source's rows differ from Campaign's", pass+1)
		}
	}
	j1, err1 := os.ReadFile(filepath.Join(d1, journal.FileName))
	j2, err2 := os.ReadFile(filepath.Join(d2, journal.FileName))
	if err1 != nil || err2 != nil || !bytes.Equal(j1, j2) {
		t.Errorf("journals differ (%v, %v)", err1, err2)
	}
}

// TestWritePageNothingBeforeSecondPass: WritePage writes nothing but its
// folder before it reads the rows a second time (PageInput.Rows): a send
// writes report.csv and report.json beside the page's first pass, and its
// page takes no room on the disk before they are written.
func TestWritePageNothingBeforeSecondPass(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 10, 2500} {
		dir := t.TempDir()
		passes := 0
		rows := func(fn func(report.Row) error) error {
			if passes++; passes == 2 {
				var files []string
				filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
					if err == nil && !d.IsDir() {
						files = append(files, p)
					}
					return err
				})
				if len(files) > 0 {
					t.Errorf("%d rows: written before the second pass: %q", n, files)
				}
			}
			return genRows(n)(fn)
		}
		if err := report.WritePage(context.Background(), dir, report.PageInput{Rows: rows, JournalDir: dir}); err != nil {
			t.Fatal(err)
		}
		if passes < 2 {
			t.Errorf("%d rows: %d passes", n, passes)
		}
	}
}
