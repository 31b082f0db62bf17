package preview

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"

	"github.com/gocarina/gocsv"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
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
}

// Writer writes one .eml file per message into a folder and, on
// Close, a report.csv listing every row and index.html, a static page that
// shows every message (see writeGallery). It is safe for concurrent use.
type Writer struct {
	dir  string
	mu   sync.Mutex
	rows []Row
}

// NewWriter creates dir (and its parents) and returns a writer into
// it. Messages an earlier preview wrote there (files named as report.EMLName
// names them, and the gallery's message files) are removed first, so the
// folder shows this preview only; nothing else in dir is touched.
func NewWriter(dir string) (*Writer, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("preview: %w", err)
	}
	for _, pattern := range []string{
		filepath.Join(dir, "[0-9][0-9][0-9][0-9][0-9][0-9]-*.eml"),
		filepath.Join(dir, galleryDir, "msg", "[0-9][0-9][0-9][0-9][0-9][0-9]-*.js"),
	} {
		old, _ := filepath.Glob(pattern) // the patterns are well-formed
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				return nil, fmt.Errorf("preview: removing an earlier preview's %s: %w", filepath.Base(f), err)
			}
		}
	}
	return &Writer{dir: dir}, nil
}

// Dir is the folder the writer writes into.
func (w *Writer) Dir() string { return w.dir }

// WriteMessage writes m as an .eml file, and the gallery's parsed copy
// of it.
func (w *Writer) WriteMessage(ctx context.Context, m *render.Message) error {
	name, err := w.writeFiles(ctx, m)
	if err != nil {
		return err
	}
	w.mu.Lock()
	w.rows = append(w.rows, Row{
		Recipient: recipientOf(m), Subject: m.Subject, Status: "ok",
		File: name, Attachments: m.Attachments, Size: len(m.Data), Recipients: m.Recipients,
	})
	w.mu.Unlock()
	return nil
}

// writeFiles writes m's .eml and its gallery script and returns the
// .eml's name.
func (w *Writer) writeFiles(ctx context.Context, m *render.Message) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	name := report.EMLName(m.Row, m.Key)
	if err := os.WriteFile(filepath.Join(w.dir, name), m.Data, 0o600); err != nil {
		return "", fmt.Errorf("preview: %w", err)
	}
	return name, writeGalleryMessage(w.dir, name, m.Data)
}

// WriteSent writes m, the message an earlier run handed to the server (as
// the spool keeps it), as the row's .eml and the gallery's copy of it, with
// status (sent, unknown) and detail.
func (w *Writer) WriteSent(ctx context.Context, m *render.Message, status sendpool.Status, detail string) error {
	name, err := w.writeFiles(ctx, m)
	if err != nil {
		return err
	}
	w.mu.Lock()
	w.rows = append(w.rows, Row{
		Recipient: recipientOf(m), Subject: m.Subject, Status: status.String(), Problem: detail,
		File: name, Attachments: m.Attachments, Size: len(m.Data), Recipients: m.Recipients,
	})
	w.mu.Unlock()
	return nil
}

// Skipped records a row that rendered but that send will not send, and
// writes no .eml for it: status says why (StatusDuplicate,
// StatusSuppressed, or an earlier run's StatusSent, StatusFailed or
// StatusUnknown) and detail explains it (for a duplicate or suppressed
// row, the detail send's report gives).
func (w *Writer) Skipped(m *render.Message, status sendpool.Status, detail string) {
	w.mu.Lock()
	w.rows = append(w.rows, Row{
		Recipient: recipientOf(m), Subject: m.Subject, Status: status.String(), Problem: detail, Recipients: m.Recipients,
	})
	w.mu.Unlock()
}

// Invalid records a row that could not be rendered.
func (w *Writer) Invalid(row int, key string, problem error) {
	w.mu.Lock()
	w.rows = append(w.rows, Row{Recipient: report.Recipient{Row: row, Key: key}, Status: "invalid", Problem: problem.Error()})
	w.mu.Unlock()
}

// Rows returns the rows recorded so far, in the order they were recorded.
func (w *Writer) Rows() []Row {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Row(nil), w.rows...)
}

// Close writes report.csv and the gallery (index.html and the list of
// rows). The .eml files and their gallery scripts are already complete.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	// WriteMessage may be called from several goroutines: list rows in sheet order.
	sort.SliceStable(w.rows, func(i, j int) bool { return w.rows[i].Row < w.rows[j].Row })
	var b bytes.Buffer
	safe := make([]Row, len(w.rows))
	for i, r := range w.rows {
		r.Key, r.To, r.Subject, r.Problem = report.CSVSafe(r.Key), report.CSVSafe(r.To), report.CSVSafe(r.Subject), report.CSVSafe(r.Problem)
		safe[i] = r
	}
	if err := gocsv.Marshal(&safe, &b); err != nil {
		return fmt.Errorf("preview: report.csv: %w", err)
	}
	if err := report.WriteAtomic(filepath.Join(w.dir, "report.csv"), b.Bytes()); err != nil {
		return err
	}
	return writeGallery(w.dir, w.rows)
}

// recipientOf names m's recipient for the report.
func recipientOf(m *render.Message) report.Recipient {
	return report.Recipient{Row: m.Row, Key: m.Key, To: m.To}
}
