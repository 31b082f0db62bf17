package report

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// pageRow is one recipient in a chunk. Keys are short: 100,000 rows repeat
// them 100,000 times.
type pageRow struct {
	Row int    `json:"r"`
	Key string `json:"k,omitempty"`
	// To is left out where Who gives it back as written (WhoText): the
	// page's script rebuilds it, the bytes of a name and an address a row
	// spared (about 60 of a report page's 300 a recipient).
	To string `json:"t,omitempty"`
	// Who is To's names and addresses (Who), for the page to show each
	// name, then its address; nil when To is a bare address or does not
	// parse.
	Who      [][2]string `json:"w,omitempty"`
	Status   string      `json:"s"`
	Code     int         `json:"c,omitempty"`
	EC       string      `json:"e,omitempty"`
	Detail   string      `json:"d,omitempty"`
	Attempts int         `json:"a,omitempty"`
	// Time is when the final reply came (else when the first try began),
	// in Unix seconds; MS the time between them.
	Time int64 `json:"f,omitempty"`
	MS   int64 `json:"m,omitempty"`
	// Domain is the receiving domain, as the domain table names it.
	Domain string `json:"o,omitempty"`
	Server string `json:"v,omitempty"`
	// Preview is the row's .eml in the preview folder, "" when none.
	Preview string `json:"p,omitempty"`
}

// chunkWriter writes the recipient chunks (rows-NNNN.js) as the rows
// arrive, in row order, holding one chunk's rows. It is not safe for
// concurrent use.
type chunkWriter struct {
	// dir is the folder of the chunks, which exists.
	dir string
	// preview holds the .eml files rows link to; nil when they link none.
	preview *previewSet
	rows    []pageRow
	// written counts the chunks written.
	written int
	// touched is set once a chunk of an earlier page was replaced or
	// removed: that page no longer matches its chunks.
	touched bool
	buf, js bytes.Buffer
}

// add takes the next row, whose receiving domain is domain, and writes a
// chunk when it is full.
func (w *chunkWriter) add(r *Row, domain string) error {
	p := pageRow{Row: r.Row, Key: r.Key, To: r.To, Who: Who(r.To), Status: r.Status.String(), Code: int(r.Code),
		EC: r.EnhancedCode.String(), Detail: truncate(r.Detail, pageDetailRunes), Attempts: r.Attempts,
		MS: r.DurationMS, Domain: domain, Server: r.Server}
	if p.Who != nil && WhoText(p.Who) == p.To {
		p.To = ""
	}
	if t, err := time.Parse(time.RFC3339, cmp.Or(r.FinishedAt, r.StartedAt)); err == nil {
		p.Time = t.Unix()
	}
	if w.preview != nil && r.Key != "" {
		if name := EMLName(r.Row, r.Key); w.preview.has(name) {
			p.Preview = name
		}
	}
	w.rows = append(w.rows, p)
	if len(w.rows) == pageChunkRows {
		return w.flush()
	}
	return nil
}

// flush writes the rows held as the next chunk.
func (w *chunkWriter) flush() error {
	// The rows go in as a string for JSON.parse, which browsers parse much
	// faster than the same data as a JavaScript literal.
	w.js.Reset()
	if err := scriptJSON(&w.js, w.rows); err != nil {
		return err
	}
	n := w.written + 1
	w.buf.Reset()
	fmt.Fprintf(&w.buf, "tidings.rows(%d,", n)
	if err := scriptJSON(&w.buf, w.js.String()); err != nil {
		return err
	}
	w.buf.WriteString(");\n")
	w.rows = w.rows[:0]
	if err := WriteAtomic(filepath.Join(w.dir, pageChunkName(n)), w.buf.Bytes()); err != nil {
		return err
	}
	w.written, w.touched = n, true
	return nil
}

// finish writes the last chunk and removes those of an earlier report
// beyond it. Those it cannot remove stay: the page loads only its own.
func (w *chunkWriter) finish() error {
	if len(w.rows) > 0 {
		if err := w.flush(); err != nil {
			return err
		}
	}
	if now, ok := writtenAt(filepath.Join(w.dir, pageChunkName(w.written))); ok {
		removeStale(w.dir, chunkTemps(), now)
	}
	old, _ := filepath.Glob(filepath.Join(w.dir, "rows-*.js")) // the pattern is well-formed
	for _, p := range old {
		name := filepath.Base(p)
		n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(name, "rows-"), ".js"))
		if err == nil && n >= 1 && n <= w.written && name == pageChunkName(n) {
			continue
		}
		if os.Remove(p) == nil {
			w.touched = true
		}
	}
	return nil
}

// pageChunkName is the file name of the n-th (1-based) chunk, as the
// page's script names it.
func pageChunkName(n int) string { return fmt.Sprintf("rows-%04d.js", n) }

// previewSet holds the names of the .eml files of a preview folder as
// 64-bit hashes, sorted: 8 bytes a file rather than the names (a preview
// of a whole campaign has a file per row). Two names of the same hash
// (odds of about n²/2⁶⁴) would give a row a link to a file that is not
// there, nothing worse.
type previewSet struct {
	seed maphash.Seed
	sums []uint64
}

// previewBatch is how many folder entries readPreview reads at a time.
const previewBatch = 512

// readPreview reads the .eml files of a preview folder, a batch of
// entries at a time; an empty set when dir is "" or missing.
func readPreview(dir string) (*previewSet, error) {
	s := &previewSet{seed: maphash.MakeSeed()}
	if dir == "" {
		return s, nil
	}
	f, err := os.Open(dir)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("report: page: preview folder: %w", err)
	}
	defer f.Close()
	for {
		entries, err := f.ReadDir(previewBatch)
		for _, e := range entries {
			if n := e.Name(); strings.HasSuffix(n, ".eml") && !e.IsDir() {
				s.sums = append(s.sums, maphash.String(s.seed, n))
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("report: page: preview folder: %w", err)
		}
	}
	slices.Sort(s.sums)
	return s, nil
}

// len is the number of .eml files; 0 for a nil set.
func (s *previewSet) len() int {
	if s == nil {
		return 0
	}
	return len(s.sums)
}

// has reports whether the folder has a file of that name.
func (s *previewSet) has(name string) bool {
	_, ok := slices.BinarySearch(s.sums, maphash.String(s.seed, name))
	return ok
}
