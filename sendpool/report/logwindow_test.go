package report

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool"
)

// A record larger than the window read with a cold window (nothing of it
// in the window yet).
func TestLogWindowColdHugeRecord(t *testing.T) {
	t.Parallel()
	for _, size := range []int{logWindowSize - logWindowBack - 200, logWindowSize - logWindowBack + 200, 3 * logWindowSize} {
		path := filepath.Join(t.TempDir(), "log")
		r := fullRow(2, strings.Repeat("d", size))
		data := appendLogRecord(nil, &r)
		os.WriteFile(path, data, 0o600)
		f, _ := os.Open(path)
		w := logWindow{f: f, size: int64(len(data))}
		got, err := w.record(0)
		if err != nil || !reflect.DeepEqual(got, r) {
			t.Errorf("detail of %d bytes: %v", size, err)
		}
		f.Close()
	}
}

// A big record whose length prefix straddles the window's end.
func TestLogWindowStraddledPrefix(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "log")
	var data []byte
	small := fullRow(2, "ok")
	data = appendLogRecord(data, &small)
	// pad with one record so that the next record's length starts 1 byte before the window's end
	w0 := logWindowSize - len(data)
	pad := fullRow(3, "")
	base := len(appendLogRecord(nil, &pad))
	pad.Detail = strings.Repeat("p", w0-base-1-3) // adjust below
	for len(data)+len(appendLogRecord(nil, &pad)) < logWindowSize-1 {
		pad.Detail += "p"
	}
	for len(data)+len(appendLogRecord(nil, &pad)) > logWindowSize-1 {
		pad.Detail = pad.Detail[1:]
	}
	data = appendLogRecord(data, &pad)
	big := fullRow(4, strings.Repeat("b", logWindowSize))
	off := int64(len(data))
	data = appendLogRecord(data, &big)
	os.WriteFile(path, data, 0o600)
	f, _ := os.Open(path)
	defer f.Close()
	w := logWindow{f: f, size: int64(len(data))}
	if _, err := w.record(0); err != nil {
		t.Fatal(err)
	}
	t.Logf("big record at %d, window [%d,%d)", off, w.off, w.off+int64(len(w.buf)))
	got, err := w.record(off)
	if err != nil || !reflect.DeepEqual(got, big) {
		t.Errorf("straddled prefix: %v", err)
	}
}

// Through the Reporter: a row's reply detail over ~240 KB.
func TestReporterLongDetail(t *testing.T) {
	t.Parallel()
	rep, err := NewReporter(t.TempDir(), ReporterOptions{Every: 1 << 30, Interval: 1 << 62})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	for i := 2; i < 10; i++ {
		rep.AddRow(Row{Recipient: Recipient{Row: i, Key: fmt.Sprint(i)}, Status: sendpool.StatusNotAttempted})
	}
	rep.AddRow(Row{Recipient: Recipient{Row: 2, Key: "2"}, Status: sendpool.StatusFailed, Detail: strings.Repeat("x", 300<<10)})
	if err := rep.Flush(); err != nil {
		t.Fatalf("Flush: %v", err)
	}
}

// Many rows across chunk boundaries, sparse, out of order, rewritten.
func TestRowIndexChunks(t *testing.T) {
	t.Parallel()
	rep, err := NewReporter(t.TempDir(), ReporterOptions{Every: 1 << 30, Interval: 1 << 62})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	want := map[int]string{}
	rows := []int{1, rowIndexChunk - 1, rowIndexChunk, rowIndexChunk + 1, 5*rowIndexChunk + 3, 2*rowIndexChunk - 1, 0, -4}
	for i := 2; i < 40000; i += 3 {
		rows = append(rows, i)
	}
	for pass := range 2 {
		for _, n := range rows {
			d := fmt.Sprint(n, "/", pass)
			rep.AddRow(Row{Recipient: Recipient{Row: n, Key: fmt.Sprint(n)}, Detail: d})
			if n > 0 {
				want[n] = d
			}
		}
	}
	got := rep.Rows()
	prev, zeros := 0, 0
	for _, r := range got {
		if r.Row <= 0 {
			zeros++
			continue
		}
		if r.Row <= prev || want[r.Row] != r.Detail {
			t.Fatalf("row %d %q after %d", r.Row, r.Detail, prev)
		}
		prev = r.Row
		delete(want, r.Row)
	}
	if len(want) != 0 || zeros != 4 {
		t.Fatalf("%d rows missing, %d zero", len(want), zeros)
	}
}

// A huge record cut short (a log shorter than it says) is an error, not a hang.
func TestLogWindowHugeCutShort(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "log")
	small := fullRow(2, "ok")
	data := appendLogRecord(nil, &small)
	data = append(data, make([]byte, 100<<10)...)
	off := int64(len(data))
	r := fullRow(3, strings.Repeat("d", 300<<10))
	data = appendLogRecord(data, &r)
	os.WriteFile(path, data, 0o600)
	f, _ := os.Open(path)
	defer f.Close()
	for _, size := range []int64{int64(len(data)) - 1, off + 200<<10, off + 1} {
		w := logWindow{f: f, size: size}
		if _, err := w.record(off); err == nil {
			t.Errorf("log of %d bytes: a cut record read", size)
		}
	}
}
