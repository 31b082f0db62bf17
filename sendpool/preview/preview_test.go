package preview

import (
	"runtime"
	"strconv"
	"sync"

	"github.com/tidings/tidings/sendpool"

	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreviewSkippedRows: a row send will skip is listed in report.csv with
// its status and why, keeps its To and Subject, and gets neither an .eml
// nor a message script; the gallery counts it as skipped, not as ok.
func TestPreviewSkippedRows(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "preview")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	mail := func(row int, key string) galleryTestMail {
		return galleryTestMail{row: row, key: key, fromAddr: "news@acme.example", toName: "Reader", toAddr: key,
			subject: "Digest", text: "Hello\r\n"}
	}
	if err := w.WriteMessage(context.Background(), mail(2, "ann@example.com").message(t), nil); err != nil {
		t.Fatal(err)
	}
	w.Skipped(mail(3, "ANN@example.com").message(t), sendpool.StatusDuplicate, "duplicate of row 2", nil)
	w.Skipped(mail(4, "bob@blocked.example").message(t), sendpool.StatusSuppressed, "bob@blocked.example is suppressed (@blocked.example)", nil)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	f, err := os.Open(filepath.Join(dir, "report.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"row", "key", "to", "subject", "status", "problem"},
		{"2", "ann@example.com", "Reader <ann@example.com>", "Digest", "ok", ""},
		{"3", "ANN@example.com", "Reader <ANN@example.com>", "Digest", "duplicate", "duplicate of row 2"},
		{"4", "bob@blocked.example", "Reader <bob@blocked.example>", "Digest", "suppressed", "bob@blocked.example is suppressed (@blocked.example)"},
	}
	if len(recs) != len(want) {
		t.Fatalf("report.csv has %d lines, want %d: %q", len(recs), len(want), recs)
	}
	for i := range want {
		if strings.Join(recs[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("report.csv line %d\n got %q\nwant %q", i+1, recs[i], want[i])
		}
	}
	for _, name := range []string{"000003-ANN@example.com.eml", "000004-bob@blocked.example.eml",
		"gallery/msg/000003-ANN@example.com.js", "gallery/msg/000004-bob@blocked.example.js"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("preview wrote %s for a row send skips", name)
		}
	}
	meta, err := os.ReadFile(filepath.Join(dir, "gallery", "rows.js"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(meta), `"ok":1,"invalid":0,"skipped":2`) {
		t.Errorf("gallery/rows.js = %s, want 1 ok and 2 skipped", meta)
	}
	list, err := os.ReadFile(filepath.Join(dir, "gallery", "rows-0001.js"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"r":3,`, `"n":"duplicate","p":"duplicate of row 2"`, `"n":"suppressed"`} {
		if !strings.Contains(string(list), want) {
			t.Errorf("gallery/rows-0001.js lacks %s: %s", want, list)
		}
	}
}

// TestPreviewClearsEarlierMessages: a second preview into the same folder
// does not leave the first one's messages behind (a row since skipped or
// removed from the sheet); files it did not write stay.
func TestPreviewClearsEarlierMessages(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "preview")
	mail := func(row int, key string) galleryTestMail {
		return galleryTestMail{row: row, key: key, fromAddr: "news@acme.example", toName: "Reader", toAddr: key,
			subject: "Digest", text: "Hello\r\n"}
	}
	preview := func(rows ...int) {
		t.Helper()
		w, err := NewWriter(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			if err := w.WriteMessage(context.Background(), mail(row, fmt.Sprintf("r%d@example.com", row)).message(t), nil); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	preview(2, 3)
	// The user's files, one named as a preview names messages.
	for _, name := range []string{"notes.txt", "000050-me@example.com.eml"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("mine"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	// An interrupted preview leaves messages and no index: the marker
	// file says whose they are.
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.WriteMessage(context.Background(), mail(3, "r3@example.com").message(t), nil); err != nil {
		t.Fatal(err)
	}
	w.Abort()
	preview(2)
	for name, want := range map[string]bool{
		"000002-r2@example.com.eml": true, "gallery/msg/000002-r2@example.com.js": true, "notes.txt": true,
		"000050-me@example.com.eml": true,
		"000003-r3@example.com.eml": false, "gallery/msg/000003-r3@example.com.js": false,
	} {
		if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", name, err == nil, want)
		}
	}
}

// TestPreviewRefusesForeignFiles: a folder whose index.html or report.csv
// a preview did not write (the user's own), or with message-like files
// and no sign of an earlier preview, is refused before anything in it is
// removed; the files stay as they were.
func TestPreviewRefusesForeignFiles(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"index.html", "report.csv", "000009-zz@example.com.eml", "gallery/gallery.js"} {
		dir := t.TempDir()
		mine := filepath.Join(dir, name)
		eml := filepath.Join(dir, "000002-r2@example.com.eml")
		if strings.HasPrefix(name, "gallery/") {
			eml = mine // a gallery folder alone
		}
		for _, f := range []string{mine, eml} {
			if err := os.MkdirAll(filepath.Dir(f), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(f, []byte("mine\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		w, err := NewWriter(dir)
		if err == nil {
			w.Close()
			t.Fatalf("%s: NewWriter accepted a folder with a foreign %s", name, name)
		}
		if !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "--out") {
			t.Errorf("%s: error %q does not name the file and --out", name, err)
		}
		for _, f := range []string{mine, eml} {
			if b, err := os.ReadFile(f); err != nil || string(b) != "mine\n" {
				t.Errorf("%s: %s changed: %q, %v", name, filepath.Base(f), b, err)
			}
		}
	}
}

// TestPreviewRowsInAnyOrder: rows recorded out of order, from several
// goroutines, are listed in sheet order in report.csv and the gallery;
// the writer keeps about 24 bytes a row while they come (the rows wait in
// a log whose name is gone), and leaves no file of its own behind.
func TestPreviewRowsInAnyOrder(t *testing.T) {
	const n = 20_000
	dir := filepath.Join(t.TempDir(), "preview")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := n - 1 - g; i >= 0; i -= 4 {
				w.Invalid(i+2, fmt.Sprintf("r%05d@example.org", i), fmt.Errorf("row %d: a problem of its own, %s", i+2, strings.Repeat("x", 100)))
			}
		})
	}
	wg.Wait()
	runtime.GC()
	runtime.ReadMemStats(&after)
	if perRow := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / n; perRow > 64 {
		t.Errorf("%d bytes a row held while they come, want at most 64", perRow)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "report.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) != n+1 {
		t.Fatalf("report.csv: %d records, %v", len(recs), err)
	}
	for i, rec := range recs[1:] {
		if rec[0] != strconv.Itoa(i+2) || !strings.HasPrefix(rec[5], fmt.Sprintf("row %d:", i+2)) {
			t.Fatalf("line %d: %v", i+2, rec)
		}
	}
	first, err := os.ReadFile(filepath.Join(dir, galleryDir, galleryChunkName(1)))
	if err != nil || !strings.HasPrefix(string(first), `tidings.rows(1,[{"r":2,`) {
		t.Errorf("the gallery's first chunk: %.60s, %v", first, err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) != 1 || filepath.Base(left[0]) != MarkerFile {
		t.Errorf("left behind: %v, want the marker file alone", left)
	}
	if err := w.Close(); err != nil {
		t.Errorf("a second Close: %v", err)
	}
	w.Abort() // after Close: nothing
}

// TestPreviewFolderOfAnOlderTidings: a folder an older tidings left (its
// marker listed no files) has its messages replaced as that tidings would
// have, once; the marker lists files from then on.
func TestPreviewFolderOfAnOlderTidings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writes := map[string]string{MarkerFile: "tidings preview\n", "000002-old@example.com.eml": "old", "notes.txt": "mine"}
	for name, data := range writes {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"000002-old@example.com.eml": false, "notes.txt": true} {
		if _, err := os.Stat(filepath.Join(dir, name)); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", name, err == nil, want)
		}
	}
	if m, err := readMarker(dir); err != nil || m.legacy || m.own {
		t.Errorf("marker after: %+v, %v", m, err)
	}
}
