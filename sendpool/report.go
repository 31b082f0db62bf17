package sendpool

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/gocarina/gocsv"
)

// Report file names inside the state folder.
const (
	ReportCSV  = "report.csv"
	ReportJSON = "report.json"
)

// ReplyCode is an SMTP reply code; 0 (none) is written as an empty CSV cell.
type ReplyCode int

// MarshalCSV implements gocsv.TypeMarshaller.
func (c ReplyCode) MarshalCSV() (string, error) {
	if c == 0 {
		return "", nil
	}
	return strconv.Itoa(int(c)), nil
}

// UnmarshalCSV implements gocsv.TypeUnmarshaller.
func (c *ReplyCode) UnmarshalCSV(s string) error {
	if s == "" {
		*c = 0
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 100 || n > 599 {
		return fmt.Errorf("sendpool: reply code %q is not a number from 100 to 599", s)
	}
	*c = ReplyCode(n)
	return nil
}

// ReportRow is one line of report.csv and one element of report.json's
// "rows". The CSV columns are, in this order: row, key, to, status,
// attempts, code, enhanced_code, detail, message_id, server, started_at,
// finished_at, duration_ms; times are RFC 3339 in UTC ("" when nothing was
// attempted).
type ReportRow struct {
	Row          int          `csv:"row" json:"row"`
	Key          string       `csv:"key" json:"key"`
	To           string       `csv:"to" json:"to"`
	Status       Status       `csv:"status" json:"status"`
	Attempts     int          `csv:"attempts" json:"attempts"`
	Code         ReplyCode    `csv:"code" json:"code"`
	EnhancedCode EnhancedCode `csv:"enhanced_code" json:"enhanced_code"`
	Detail       string       `csv:"detail" json:"detail"`
	MessageID    string       `csv:"message_id" json:"message_id"`
	Server       string       `csv:"server" json:"server"`
	StartedAt    string       `csv:"started_at" json:"started_at"`
	FinishedAt   string       `csv:"finished_at" json:"finished_at"`
	DurationMS   int64        `csv:"duration_ms" json:"duration_ms"`
	// WaitMS is Result.Wait in milliseconds: report.json only, the CSV
	// columns are fixed.
	WaitMS int64 `csv:"-" json:"wait_ms,omitempty"`
}

// ReportColumns are report.csv's columns, in order.
var ReportColumns = []string{"row", "key", "to", "status", "attempts", "code", "enhanced_code", "detail", "message_id", "server", "started_at", "finished_at", "duration_ms"}

// RowFromResult converts a Result to its report line.
func RowFromResult(r Result) ReportRow {
	return ReportRow{
		Row:          r.Row,
		Key:          r.Key,
		To:           r.To,
		Status:       r.Status,
		Attempts:     r.Attempts,
		Code:         ReplyCode(r.Code),
		EnhancedCode: r.EnhancedCode,
		Detail:       oneLine(r.Detail),
		MessageID:    r.MessageID,
		Server:       r.Server,
		StartedAt:    rfc3339(r.StartedAt),
		FinishedAt:   rfc3339(r.FinishedAt),
		DurationMS:   r.Duration.Milliseconds(),
		WaitMS:       r.Wait.Milliseconds(),
	}
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// Summary counts a report's rows by status.
type Summary struct {
	Total        int `json:"total"`
	Sent         int `json:"sent"`
	Failed       int `json:"failed"`
	Unknown      int `json:"unknown"`
	Invalid      int `json:"invalid"`
	NotAttempted int `json:"not_attempted"`
	Duplicate    int `json:"duplicate"`
	Suppressed   int `json:"suppressed"`
	// StartedAt and FinishedAt span the rows' attempts ("" when none).
	StartedAt  string `json:"started_at,omitempty"`
	FinishedAt string `json:"finished_at,omitempty"`
	// Problems are the first rows (by row number) that were not sent nor
	// skipped on purpose, for the text rendering.
	Problems []ReportRow `json:"-"`
	// MoreProblems counts the problem rows not in Problems.
	MoreProblems int `json:"-"`
}

// maxProblems is how many problem rows the text summary lists.
const maxProblems = 10

// Summarize counts rows (in the order given) by status.
func Summarize(rows []ReportRow) Summary {
	var s Summary
	for _, r := range rows {
		s.Total++
		switch r.Status {
		case StatusSent:
			s.Sent++
		case StatusFailed:
			s.Failed++
		case StatusUnknown:
			s.Unknown++
		case StatusInvalid:
			s.Invalid++
		case StatusNotAttempted:
			s.NotAttempted++
		case StatusDuplicate:
			s.Duplicate++
		case StatusSuppressed:
			s.Suppressed++
		}
		if !r.Status.Done() {
			if len(s.Problems) < maxProblems {
				s.Problems = append(s.Problems, r)
			} else {
				s.MoreProblems++
			}
		}
		if r.StartedAt != "" && (s.StartedAt == "" || r.StartedAt < s.StartedAt) {
			s.StartedAt = r.StartedAt
		}
		if r.FinishedAt > s.FinishedAt {
			s.FinishedAt = r.FinishedAt
		}
	}
	return s
}

// Count returns the number of rows with status st.
func (s *Summary) Count(st Status) int {
	switch st {
	case StatusSent:
		return s.Sent
	case StatusFailed:
		return s.Failed
	case StatusUnknown:
		return s.Unknown
	case StatusInvalid:
		return s.Invalid
	case StatusNotAttempted:
		return s.NotAttempted
	case StatusDuplicate:
		return s.Duplicate
	case StatusSuppressed:
		return s.Suppressed
	}
	return 0
}

// OK reports whether every row that should be sent was sent (duplicates
// and suppressed rows are skipped on purpose and do not count against it).
func (s *Summary) OK() bool {
	return s.Failed+s.Unknown+s.Invalid+s.NotAttempted == 0
}

// WriteText renders the summary for a terminal: counts per status and the
// first problem rows.
func (s *Summary) WriteText(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%d recipients: %d sent", s.Total, s.Sent)
	for _, st := range []Status{StatusFailed, StatusUnknown, StatusInvalid, StatusNotAttempted, StatusDuplicate, StatusSuppressed} {
		if n := s.Count(st); n > 0 {
			fmt.Fprintf(&b, ", %d %s", n, st)
		}
	}
	b.WriteString("\n")
	if s.Unknown > 0 {
		fmt.Fprintf(&b, "%d unknown: the connection was lost after the message was sent and before the server confirmed it; they may or may not have arrived and are not re-sent automatically.\n", s.Unknown)
	}
	if len(s.Problems) > 0 {
		tw := tabwriter.NewWriter(&b, 2, 4, 2, ' ', 0)
		for _, r := range s.Problems {
			reply := strconv.Itoa(int(r.Code))
			if r.Code == 0 {
				reply = "-"
			}
			if ec := r.EnhancedCode.String(); ec != "" {
				reply += " " + ec
			}
			fmt.Fprintf(tw, "  row %d\t%s\t%s\t%s\t%s\n", r.Row, r.Key, r.Status, reply, truncate(r.Detail, 100))
		}
		tw.Flush()
		if s.MoreProblems > 0 {
			fmt.Fprintf(&b, "  … and %d more (see the report)\n", s.MoreProblems)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// reportFile is report.json's shape.
type reportFile struct {
	Summary Summary     `json:"summary"`
	Rows    []ReportRow `json:"rows"`
}

// WriteReport writes report.csv and report.json for rows (which it sorts by
// row number) into dir, each atomically: a reader sees the old file or the
// new one, never a part. It creates dir when it does not exist yet (a
// report before any send).
func WriteReport(dir string, rows []ReportRow) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("sendpool: report folder: %w", err)
	}
	return writeReport(dir, rows, true)
}

// writeReport writes the report files; indent formats report.json for
// reading (the final write), else it is compact (rewrites during a run).
func writeReport(dir string, rows []ReportRow, indent bool) error {
	sorted := append([]ReportRow(nil), rows...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Row < sorted[j].Row })
	// The two files are built side by side: each takes tens of
	// milliseconds for 20,000 rows, and the last rewrite is part of every
	// run's wall time.
	var (
		csvBuf bytes.Buffer
		csvErr error
		built  = make(chan struct{})
	)
	go func() {
		defer close(built)
		if len(sorted) == 0 {
			// gocsv writes no header for an empty slice.
			csvBuf.WriteString(joinCSVHeader() + "\n")
		} else if err := gocsv.Marshal(csvSafeRows(sorted), &csvBuf); err != nil {
			csvErr = fmt.Errorf("sendpool: report.csv: %w", err)
		}
	}()
	jsonRows := sorted
	if jsonRows == nil {
		jsonRows = []ReportRow{}
	}
	var (
		js  []byte
		err error
	)
	if indent {
		js, err = json.MarshalIndent(reportFile{Summary: Summarize(jsonRows), Rows: jsonRows}, "", "  ")
	} else {
		js, err = json.Marshal(reportFile{Summary: Summarize(jsonRows), Rows: jsonRows})
	}
	<-built
	if err != nil {
		return fmt.Errorf("sendpool: report.json: %w", err)
	}
	if csvErr != nil {
		return csvErr
	}
	js = append(js, '\n')
	if err := atomicWrite(filepath.Join(dir, ReportCSV), csvBuf.Bytes()); err != nil {
		return err
	}
	return atomicWrite(filepath.Join(dir, ReportJSON), js)
}

func joinCSVHeader() string {
	var b bytes.Buffer
	for i, c := range ReportColumns {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(c)
	}
	return b.String()
}

// atomicWrite writes data to a temporary file beside path, syncs it and
// renames it over path.
func atomicWrite(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("sendpool: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("sendpool: writing %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("sendpool: writing %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("sendpool: writing %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("sendpool: %w", err)
	}
	return nil
}

// ReporterOptions tune how often a Reporter rewrites the files.
type ReporterOptions struct {
	// Every rewrites after this many new results; 0 means 2000. (On a
	// slow run Interval decides; the journal, not the report, is what a
	// crash is recovered from.)
	Every int
	// Interval rewrites when this much time passed since the last write
	// and a result is new; 0 means 2s.
	Interval time.Duration
	// Clock is the time source; nil means the system clock.
	Clock Clock
}

// Reporter keeps the report of a run and rewrites report.csv and
// report.json in its folder as results arrive, so an interrupted run still
// leaves a true report. A later result for the same row replaces the
// earlier one (seed rows as not-attempted, then add their outcomes). It is
// safe for concurrent use.
type Reporter struct {
	dir   string
	opts  ReporterOptions
	mu    sync.Mutex
	rows  []ReportRow
	byRow map[int]int
	dirty int
	last  time.Time
	// cost is how long the last rewrite took.
	cost time.Duration
}

// NewReporter creates dir (and parents) and returns a Reporter writing
// there. Nothing is written until the first Add or Flush.
func NewReporter(dir string, opts ReporterOptions) (*Reporter, error) {
	if opts.Every <= 0 {
		opts.Every = 2000
	}
	if opts.Interval <= 0 {
		opts.Interval = 2 * time.Second
	}
	if opts.Clock == nil {
		opts.Clock = SystemClock{}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sendpool: report folder: %w", err)
	}
	return &Reporter{dir: dir, opts: opts, byRow: map[int]int{}, last: opts.Clock.Now()}, nil
}

// Dir is the folder the reports are written to.
func (r *Reporter) Dir() string { return r.dir }

// Add records a result and rewrites the files when Every results arrived
// or Interval passed since the last write.
func (r *Reporter) Add(res Result) error {
	return r.AddRow(RowFromResult(res))
}

// AddRow records a report line (for rows the pool never saw: invalid,
// duplicate, suppressed).
func (r *Reporter) AddRow(row ReportRow) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i, ok := r.byRow[row.Row]; ok && row.Row != 0 {
		r.rows[i] = row
	} else {
		r.byRow[row.Row] = len(r.rows)
		r.rows = append(r.rows, row)
	}
	r.dirty++
	// Rewriting is proportional to the whole report, so never spend more
	// than a twentieth of the time on it: after a write that took d, wait
	// at least 19·d before the next, whatever Every and Interval say.
	// (A tenth, with a rewrite every 200 results, was an eighth of the CPU
	// of a fast loopback send, bench/.)
	since := r.opts.Clock.Now().Sub(r.last)
	if since >= 19*r.cost && (r.dirty >= r.opts.Every || since >= r.opts.Interval) {
		return r.flushLocked(false)
	}
	return nil
}

// Flush writes the files now.
func (r *Reporter) Flush() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.flushLocked(true)
}

func (r *Reporter) flushLocked(final bool) error {
	start := r.opts.Clock.Now()
	if err := writeReport(r.dir, r.rows, final); err != nil {
		return err
	}
	r.cost = r.opts.Clock.Now().Sub(start)
	r.dirty = 0
	r.last = r.opts.Clock.Now()
	return nil
}

// Rows returns the report lines sorted by row.
func (r *Reporter) Rows() []ReportRow {
	r.mu.Lock()
	out := append([]ReportRow(nil), r.rows...)
	r.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool { return out[i].Row < out[j].Row })
	return out
}

// Summary counts the rows so far.
func (r *Reporter) Summary() Summary { return Summarize(r.Rows()) }

// ReadReportCSV reads a report.csv back (for tests and `tidings report`).
func ReadReportCSV(rd io.Reader) ([]ReportRow, error) {
	var rows []ReportRow
	if err := gocsv.Unmarshal(rd, &rows); err != nil {
		if errors.Is(err, gocsv.ErrEmptyCSVFile) {
			return nil, nil
		}
		return nil, fmt.Errorf("sendpool: reading report: %w", err)
	}
	return rows, nil
}

// csvSafe defuses a cell that a spreadsheet would run as a formula (CSV
// injection): recipient data and server replies are untrusted, and people
// open report.csv in Excel. A value starting with =, +, -, @, tab or CR gets
// a leading apostrophe, which spreadsheets show as text. report.json keeps
// the values as they are.
func csvSafe(s string) string {
	if s != "" && strings.IndexByte("=+-@\t\r", s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// csvSafeRows returns rows with their free-text cells defused by csvSafe.
func csvSafeRows(rows []ReportRow) []ReportRow {
	out := make([]ReportRow, len(rows))
	for i, r := range rows {
		r.Key, r.To, r.Detail = csvSafe(r.Key), csvSafe(r.To), csvSafe(r.Detail)
		out[i] = r
	}
	return out
}
