package report

import (
	"fmt"
	"os"
	"sort"
	"sync"
	"time"

	"github.com/tidings/tidings/sendpool"
)

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
	Clock sendpool.Clock
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
	rows  []Row
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
		opts.Clock = sendpool.SystemClock{}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("report: report folder: %w", err)
	}
	return &Reporter{dir: dir, opts: opts, byRow: map[int]int{}, last: opts.Clock.Now()}, nil
}

// Dir is the folder the reports are written to.
func (r *Reporter) Dir() string { return r.dir }

// Add records a result and rewrites the files when Every results arrived
// or Interval passed since the last write.
func (r *Reporter) Add(res sendpool.Result) error {
	return r.AddRow(FromResult(res))
}

// AddRow records a report line (for rows the pool never saw: invalid,
// duplicate, suppressed).
func (r *Reporter) AddRow(row Row) error {
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
	if err := writeFiles(r.dir, r.rows, final); err != nil {
		return err
	}
	r.cost = r.opts.Clock.Now().Sub(start)
	r.dirty = 0
	r.last = r.opts.Clock.Now()
	return nil
}

// Rows returns the report lines sorted by row.
func (r *Reporter) Rows() []Row {
	r.mu.Lock()
	out := append([]Row(nil), r.rows...)
	r.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool { return out[i].Row < out[j].Row })
	return out
}

// Summary counts the rows so far.
func (r *Reporter) Summary() Summary { return Summarize(r.Rows()) }
