package preview

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/gocarina/gocsv"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/statefile"
)

// Row is one line of the preview's report.csv.
type Row struct {
	report.Recipient
	Subject string `csv:"subject" json:"subject"`
	// Status is "ok" for a message written, "invalid" for a row that
	// could not be rendered, else the status of a row send will skip
	// (duplicate, suppressed, sent, failed, unknown; see Skipped).
	Status string `csv:"status" json:"status"`
	// Problem is an invalid row's problem, or why a skipped row is skipped.
	Problem string `csv:"problem" json:"problem"`
	// File is the .eml's name inside the folder; "" for invalid and
	// skipped rows.
	File string `csv:"-" json:"file,omitempty"`
	// Attachments and Size describe the message for the gallery, and
	// Recipients are its envelope recipients, for the gallery's search.
	Attachments []render.Attachment `csv:"-" json:"attachments,omitempty"`
	Size        int                 `csv:"-" json:"size,omitempty"`
	Recipients  []string            `csv:"-" json:"-"`
	// Warnings are the row's warnings, each in the words the caller warns
	// of it with (a column printed blank, an attachment's path left
	// blank, a body without the row's unsubscribe link …): the gallery
	// shows them with the row. Not in report.csv, whose columns stay
	// those an earlier preview's had (what NewWriter knows a preview's
	// report.csv by, and what a script reading it may count on).
	Warnings []string `csv:"-" json:"warnings,omitempty"`
}

// Writer writes one .eml file per message into a folder and, on
// Close, a report.csv listing every row and index.html, a static page that
// shows every message (see galleryWriter). It is safe for concurrent use.
//
// It holds no row in memory: each row recorded goes to a log file (whose
// name is removed at once where the system allows) as a JSON line, and
// Close reads them back in sheet order; what it keeps is where each line
// is, 24 bytes a row.
type Writer struct {
	dir    string
	mu     sync.Mutex
	log    *os.File
	buf    *bufio.Writer
	size   int64
	lines  []rowLine
	err    error // the first failure to log a row
	closed bool
	// marker is the folder's marker file, open for appending the names
	// of the message files written (markerMu held).
	marker   *os.File
	markerMu sync.Mutex
	// sheet and covered are SheetWarnings' (w.mu held).
	sheet   []string
	covered func(row int, warning string) bool
}

// rowLine is where a row's line is in the log.
type rowLine struct {
	row int
	at  int64
	n   int
}

// loggedRow is a row as the log keeps it: with its envelope recipients.
type loggedRow struct {
	Row
	Addrs []string `json:"addrs,omitempty"`
}

// NewWriter creates dir (and its parents) and returns a writer into
// it. Messages an earlier preview wrote there (the .eml files its marker
// file lists, MarkerFile, with their gallery scripts; in a folder claimed
// as the previews' own, every file named as report.EMLName names them)
// are removed first, and so are its index.html and report.csv, which
// Close writes anew: the folder shows this preview only, and one that did
// not get to Close (an interrupt) has no index listing messages that are
// gone. A folder that is not an earlier preview's (a folder of the
// user's own: see ownFolder) is an error, before anything is removed.
// Nothing else in dir is touched, and the marker file lists each message
// file as it is written. The caller closes the writer.
func NewWriter(dir string) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("preview: %w", linkedAway(dir, err))
	}
	old, own, err := ownFolder(dir)
	if err != nil {
		return nil, err
	}
	for _, f := range append(old, filepath.Join(dir, "index.html"), filepath.Join(dir, "report.csv")) {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("preview: removing an earlier preview's %s: %w", filepath.Base(f), err)
		}
	}
	marker, err := startMarker(dir, own)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, ".preview-rows-*")
	if err != nil {
		marker.Close()
		return nil, fmt.Errorf("preview: %w", err)
	}
	_ = os.Remove(f.Name()) // fails on Windows: Close removes it there
	return &Writer{dir: dir, log: f, buf: bufio.NewWriterSize(f, 64<<10), marker: marker}, nil
}

// Dir is the folder the writer writes into.
func (w *Writer) Dir() string { return w.dir }

// WriteMessage writes m as an .eml file, and the gallery's parsed copy
// of it; warnings are the row's (Row.Warnings), nil for none.
func (w *Writer) WriteMessage(ctx context.Context, m *render.Message, warnings []string) error {
	name, err := w.writeFiles(ctx, m)
	if err != nil {
		return err
	}
	w.record(Row{
		Recipient: recipientOf(m), Subject: m.Subject, Status: "ok",
		File: name, Attachments: m.Attachments, Size: len(m.Data), Recipients: m.Recipients, Warnings: warnings,
	})
	return nil
}

// writeFiles writes m's .eml and its gallery script and returns the
// .eml's name.
func (w *Writer) writeFiles(ctx context.Context, m *render.Message) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	name := report.EMLName(m.Row, m.Key)
	if err := w.listFile(name); err != nil {
		return "", err
	}
	if err := statefile.WriteFile(filepath.Join(w.dir, name), m.Data); err != nil {
		return "", fmt.Errorf("preview: %w", err)
	}
	return name, writeGalleryMessage(w.dir, name, m.Data)
}

// WriteSent writes m, the message an earlier run handed to the server (as
// the spool keeps it), as the row's .eml and the gallery's copy of it, with
// status (sent, unknown) and detail, and the row's warnings (Row.Warnings;
// nil for none).
func (w *Writer) WriteSent(ctx context.Context, m *render.Message, status sendpool.Status, detail string, warnings []string) error {
	name, err := w.writeFiles(ctx, m)
	if err != nil {
		return err
	}
	w.record(Row{
		Recipient: recipientOf(m), Subject: m.Subject, Status: status.String(), Problem: detail,
		File: name, Attachments: m.Attachments, Size: len(m.Data), Recipients: m.Recipients, Warnings: warnings,
	})
	return nil
}

// Skipped records a row that rendered but that send will not send, and
// writes no .eml for it: status says why (StatusDuplicate,
// StatusSuppressed, or an earlier run's StatusSent, StatusFailed or
// StatusUnknown) and detail explains it (for a duplicate or suppressed
// row, the detail send's report gives); warnings are the row's
// (Row.Warnings; nil for none).
func (w *Writer) Skipped(m *render.Message, status sendpool.Status, detail string, warnings []string) {
	w.record(Row{
		Recipient: recipientOf(m), Subject: m.Subject, Status: status.String(), Problem: detail, Recipients: m.Recipients,
		Warnings: warnings,
	})
}

// SheetWarnings gives the warnings about the whole sheet, not one row
// (a column blank in every row, merged cells, rows recipients.only_blank
// left out …), each in the words the caller warns of it with: the
// gallery shows them once, above the list, as text. A row's warning for
// which covered (nil: none) reports true says again what one of them
// says (a column blank in every row, in each row's words) and is left
// out of the row's list, and a row left with none is not counted as
// warned. Close calls covered once for each warning of each row, one
// call at a time, after every row was given. Called before Close; a
// second call replaces the first.
func (w *Writer) SheetWarnings(words []string, covered func(row int, warning string) bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.sheet, w.covered = slices.Clone(words), covered
}

// Invalid records a row that could not be rendered.
func (w *Writer) Invalid(row int, key string, problem error) {
	w.record(Row{Recipient: report.Recipient{Row: row, Key: key}, Status: "invalid", Problem: problem.Error()})
}

// record logs r; a failure is kept for Close to return.
func (w *Writer) record(r Row) {
	b, err := json.Marshal(loggedRow{Row: r, Addrs: r.Recipients})
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err != nil {
		return
	}
	if err == nil {
		_, err = w.buf.Write(append(b, '\n'))
	}
	if err != nil {
		w.err = fmt.Errorf("preview: keeping row %d: %w", r.Row, err)
		return
	}
	w.lines = append(w.lines, rowLine{row: r.Row, at: w.size, n: len(b)})
	w.size += int64(len(b)) + 1
}

// Close writes report.csv and the gallery (index.html and the list of
// rows), the rows in sheet order (WriteMessage may be called from several
// goroutines), and removes the log. The .eml files and their gallery
// scripts are already complete.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return nil
	}
	defer w.dropLog()
	if w.err != nil {
		return w.err
	}
	if err := w.buf.Flush(); err != nil {
		return fmt.Errorf("preview: %w", err)
	}
	slices.SortStableFunc(w.lines, func(a, b rowLine) int { return cmp.Compare(a.row, b.row) })
	csv, err := newCSVWriter(w.dir)
	if err != nil {
		return err
	}
	defer csv.abort()
	g, err := newGalleryWriter(w.dir)
	if err != nil {
		return err
	}
	g.sheet(w.sheet, w.covered)
	for r, err := range w.rows() {
		if err == nil {
			err = csv.add(r)
		}
		if err == nil {
			err = g.add(r)
		}
		if err != nil {
			return err
		}
	}
	if err := csv.finish(); err != nil {
		return err
	}
	return g.finish()
}

// Abort closes w without writing report.csv and the gallery (a preview
// that failed); after Close it does nothing.
func (w *Writer) Abort() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.closed {
		w.dropLog()
	}
}

// dropLog closes and removes the log, and closes the marker file; w.mu
// is held.
func (w *Writer) dropLog() {
	w.closed = true
	w.log.Close()
	os.Remove(w.log.Name()) // gone already but on Windows
	w.markerMu.Lock()
	w.marker.Close()
	w.markerMu.Unlock()
}

// rows yields the rows logged, in w.lines' order; w.mu is held.
func (w *Writer) rows() iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		var b []byte
		for _, l := range w.lines {
			b = slices.Grow(b[:0], l.n)[:l.n]
			var lr loggedRow
			if _, err := w.log.ReadAt(b, l.at); err != nil {
				yield(Row{}, fmt.Errorf("preview: reading row %d back: %w", l.row, err))
				return
			}
			if err := json.Unmarshal(b, &lr); err != nil {
				yield(Row{}, fmt.Errorf("preview: reading row %d back: %w", l.row, err))
				return
			}
			lr.Row.Recipients = lr.Addrs
			if !yield(lr.Row, nil) {
				return
			}
		}
	}
}

// csvBatchRows is how many rows csvWriter hands gocsv at once.
const csvBatchRows = 1000

// csvWriter writes report.csv a few rows at a time into a temporary file
// that replaces the old one when finished.
type csvWriter struct {
	f     *os.File
	path  string
	batch []Row
	head  bool // the header is written
	done  bool
}

// newCSVWriter starts dir's report.csv.
func newCSVWriter(dir string) (*csvWriter, error) {
	path := filepath.Join(dir, "report.csv")
	f, err := os.CreateTemp(dir, ".report.csv.*.tmp")
	if err != nil {
		return nil, fmt.Errorf("preview: report.csv: %w", err)
	}
	return &csvWriter{f: f, path: path}, nil
}

// add writes r (its free text defused by report.CSVSafe), the next row.
func (c *csvWriter) add(r Row) error {
	r.Key, r.To, r.Subject, r.Problem = report.CSVSafe(r.Key), report.CSVSafe(r.To), report.CSVSafe(r.Subject), report.CSVSafe(r.Problem)
	if c.batch = append(c.batch, r); len(c.batch) == csvBatchRows {
		return c.flush()
	}
	return nil
}

// flush writes the rows held (the header before the first).
func (c *csvWriter) flush() error {
	var err error
	if c.head {
		err = gocsv.MarshalWithoutHeaders(&c.batch, c.f)
	} else {
		err = gocsv.Marshal(&c.batch, c.f)
		c.head = true
	}
	c.batch = c.batch[:0]
	if err != nil {
		return fmt.Errorf("preview: report.csv: %w", err)
	}
	return nil
}

// finish writes what is left and puts the file in place.
func (c *csvWriter) finish() error {
	if len(c.batch) > 0 || !c.head {
		if err := c.flush(); err != nil {
			return err
		}
	}
	if err := c.f.Sync(); err != nil {
		return fmt.Errorf("preview: report.csv: %w", err)
	}
	if err := c.f.Close(); err != nil {
		return fmt.Errorf("preview: report.csv: %w", err)
	}
	if err := os.Rename(c.f.Name(), c.path); err != nil {
		return fmt.Errorf("preview: report.csv: %w", err)
	}
	c.done = true
	return nil
}

// abort removes the temporary file unless finish put it in place.
func (c *csvWriter) abort() {
	if !c.done {
		c.f.Close()
		os.Remove(c.f.Name())
	}
}

// recipientOf names m's recipient for the report.
func recipientOf(m *render.Message) report.Recipient {
	return report.Recipient{Row: m.Row, Key: m.Key, To: m.To}
}
