package report

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/offheap"
	"github.com/tidings/tidings/sendpool/statefile"
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
	// OwnLog gives the log a name of its own (os.CreateTemp) instead of
	// logFile: for a reporter that may run beside a send's in the same
	// folder (tidings report). The name is removed at once where the
	// system lets an open file go without one (Unix), so a killed
	// process leaves nothing behind.
	OwnLog bool
	// File, when set, is what report.csv and report.json are written
	// through: File(f), f the file being written, which is synced
	// through it too when it has a Sync method. Tests make it fail as a
	// full disk does.
	File func(f *os.File) io.Writer
}

// logFile is where a Reporter keeps the lines it was given until Close:
// one record per line given (see logrecord.go), the latest for a row
// standing.
const logFile = ".report.log"

// errReporterClosed is returned by a Reporter's reads after Close.
var errReporterClosed = errors.New("report: the reporter is closed")

// Reporter keeps the report of a run and rewrites report.csv and
// report.json in its folder as results arrive, so an interrupted run still
// leaves a true report. A later result for the same row replaces the
// earlier one (seed rows as not-attempted, then add their outcomes).
//
// It holds no report line in memory: each goes to a log file beside the
// report, and a rewrite reads every row's latest line back, in row order
// (through a window of the file: a send's results come nearly in row
// order), into new files. What it keeps is the place of each row's latest
// line, 8 bytes a sheet row. It is safe for concurrent use, and its
// readers (Flush, Each) run beside one another; the caller closes it,
// which removes the log.
type Reporter struct {
	dir  string
	opts ReporterOptions

	// mu is held for writing by what adds lines or changes the
	// reporter, and for reading by what reads the lines back (Flush,
	// Each), once the log is ready to be read (see reading).
	mu      sync.RWMutex
	log     *os.File
	logBuf  *bufio.Writer
	logSize int64
	rec     []byte   // the record being appended
	at      rowIndex // row → offset+1 of its latest line in the log; 0: none
	beside  []besideLine
	// unsorted is true when beside is not in row order.
	unsorted bool
	zero     []Row // lines without a row number, in order
	// added counts the lines added.
	added int64
	files lastFiles
	// notTried is the detail of not-attempted lines that have none (see
	// NoteNotAttempted).
	notTried string
	// ending makes report.json's "ending" (see NoteEnding); nil: a
	// send running (EndRunning).
	ending func(Summary) Ending
}

// lastFiles is what the files written last hold. It has a lock of its
// own: a Flush, one of a Reporter's readers, notes its files beside the
// others.
type lastFiles struct {
	mu sync.Mutex
	// at is Reporter.added when their lines were read back: the lines
	// added after are new since.
	at   int64
	sum  Summary
	end  *Ending       // report.json's ending; nil: none
	when time.Time     // when they were written
	cost time.Duration // how long writing them took
}

// wrote notes files of sum, of the lines added up to the at-th, written
// from start to end. The files of a rewrite and of a Flush are never
// written at once (a rewrite holds the Reporter's lock for writing), and
// Flushes run beside one another only over the same lines; the sum of
// older lines than those noted is not kept all the same.
func (f *lastFiles) wrote(sum Summary, ending *Ending, at int64, start, end time.Time) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.when, f.cost = end, end.Sub(start)
	if at >= f.at {
		f.sum, f.end, f.at = sum, ending, at
	}
}

// WrittenEnding returns the ending report.json was last given (see
// NoteEnding), and false when no report.json was written yet: the
// report page says the same of the last send (PageInput.Ending).
func (r *Reporter) WrittenEnding() (Ending, bool) {
	r.files.mu.Lock()
	defer r.files.mu.Unlock()
	if r.files.end == nil {
		return Ending{}, false
	}
	return *r.files.end, true
}

// get returns what wrote noted last.
func (f *lastFiles) get() (sum Summary, at int64, when time.Time, cost time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sum, f.at, f.when, f.cost
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
	var f *os.File
	var err error
	if opts.OwnLog {
		if f, err = os.CreateTemp(dir, logFile+"-*"); err == nil {
			_ = os.Remove(f.Name()) // fails on Windows: Close removes it there
		}
	} else {
		f, err = statefile.OpenFile(filepath.Join(dir, logFile), os.O_CREATE|os.O_TRUNC|os.O_RDWR, statefile.FileMode)
	}
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	r := &Reporter{dir: dir, opts: opts, log: f, logBuf: bufio.NewWriterSize(f, 64<<10)}
	r.files.when = opts.Clock.Now()
	return r, nil
}

// Dir is the folder the reports are written to.
func (r *Reporter) Dir() string { return r.dir }

// Add records a result and rewrites the files when Every results arrived
// or Interval passed since the last write.
func (r *Reporter) Add(res sendpool.Result) error {
	return r.AddRow(FromResult(res))
}

// AddRow records a report line: a row's as the preflight decided it, or a
// delivery's (Add).
func (r *Reporter) AddRow(row Row) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.append(row); err != nil {
		return err
	}
	r.added++
	// Rewriting is proportional to the whole report, so never spend more
	// than a twentieth of the time on it: after a write that took d, wait
	// at least 19·d before the next, whatever Every and Interval say.
	// (A tenth, with a rewrite every 200 results, was an eighth of the CPU
	// of a fast loopback send, bench/.)
	_, at, when, cost := r.files.get()
	since := r.opts.Clock.Now().Sub(when)
	if since >= 19*cost && (r.added-at >= int64(r.opts.Every) || since >= r.opts.Interval) {
		if err := r.ready(); err != nil {
			return err
		}
		return r.rewrite(false)
	}
	return nil
}

// append writes row to the log and notes where; r.mu is held.
func (r *Reporter) append(row Row) error {
	if r.log == nil {
		return errReporterClosed
	}
	if row.Row <= 0 {
		r.zero = append(r.zero, row)
		return nil
	}
	at, err := r.write(&row)
	if err != nil {
		return err // the row keeps its earlier line
	}
	r.at.set(row.Row, at+1)
	return nil
}

// write appends row to the log and returns where it starts; r.mu is held.
func (r *Reporter) write(row *Row) (int64, error) {
	r.rec = appendLogRecord(r.rec[:0], row)
	at := r.logSize
	n, err := r.logBuf.Write(r.rec)
	r.logSize += int64(n)
	if err != nil {
		return 0, fmt.Errorf("report: %w", err)
	}
	return at, nil
}

// besideLine is a line added with AddBeside: its row and where it is in
// the log.
type besideLine struct {
	row int
	at  int64
}

// AddBeside records a report line that stands beside its row's own line
// instead of replacing it: a recipient the journal has at a row number the
// sheet now gives someone else (tidings report after the sheet was
// edited). The files list it after the row's own line, in the order
// added. It keeps 16 bytes of each such line in memory.
func (r *Reporter) AddBeside(row Row) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.log == nil {
		return errReporterClosed
	}
	if row.Row <= 0 {
		r.zero = append(r.zero, row)
		return nil
	}
	at, err := r.write(&row)
	if err != nil {
		return err
	}
	if n := len(r.beside); n > 0 && r.beside[n-1].row > row.Row {
		r.unsorted = true
	}
	r.beside = append(r.beside, besideLine{row: row.Row, at: at})
	r.added++
	return nil
}

// Flush writes the files now, formatting report.json for reading. It
// holds r's lock for reading while it writes them: an Each (the page) may
// run beside it. When they cannot be written, the files an earlier write
// left stay as they were.
func (r *Reporter) Flush() error {
	return r.reading(func() error { return r.rewrite(true) })
}

// FlushOrRemove is Flush for a send's last write of the files: when they
// cannot be written (a full disk), it removes the report.csv and
// report.json an earlier write left, which tell the rows as they were
// then (the send still running, or an earlier run), and its error says
// so (*UnwrittenError), naming too those it left as symbolic links: a
// script then finds no report rather than one that reads as this one.
// The caller holds the report lock exclusively (journal.HoldReport): the
// files it removes may be those a report beside it is writing otherwise,
// true ones, not this send's to remove; without the lock, call Flush.
func (r *Reporter) FlushOrRemove() error {
	err := r.Flush()
	if err == nil {
		return nil
	}
	if le, ok := errors.AsType[*leftError](err); ok { // removed now
		err = le.err
	}
	removed, links := RemoveEarlier(r.dir, CSVFile, JSONFile)
	return &UnwrittenError{Err: err, Removed: removed, Links: links}
}

// UnwrittenError is a FlushOrRemove's failure to write report.csv and
// report.json (Err); Removed names those of an earlier write it removed
// in their stead (none when there were none, or they could not be), and
// Links those it left because they are symbolic links.
type UnwrittenError struct {
	Err     error
	Removed []string
	Links   []string
}

func (e *UnwrittenError) Error() string { return e.Err.Error() }

func (e *UnwrittenError) Unwrap() error { return e.Err }

// RemoveEarlier removes the report files names (report.csv and
// report.json, or report.html) from dir, those that are regular files
// (never a folder or a symbolic link), and returns the names of those it
// removed and of those it left as symbolic links (what they point to may
// hold an earlier report, which the caller says), in names' order.
// Removing needs no room on the disk: a run whose files could not be
// written leaves none that reads as its own.
func RemoveEarlier(dir string, names ...string) (removed, links []string) {
	for _, name := range names {
		path := filepath.Join(dir, name)
		st, err := os.Lstat(path)
		if err == nil && st.Mode()&fs.ModeSymlink != 0 {
			links = append(links, name)
		}
		if err != nil || !st.Mode().IsRegular() {
			continue
		}
		if os.Remove(path) == nil {
			removed = append(removed, name)
		}
	}
	return removed, links
}

// rewrite writes the report files from every row's latest line; final
// formats report.json for reading. r.mu is held (for reading will do) and
// the log ready (see reading).
func (r *Reporter) rewrite(final bool) error {
	start := r.opts.Clock.Now()
	ending := r.ending
	if ending == nil {
		ending = func(s Summary) Ending { return s.Ending(EndFacts{Running: true, Now: r.opts.Clock.Now()}) }
	}
	fw, err := newFilesWriter(r.dir, final, ending, r.opts.File)
	if err != nil {
		return err
	}
	sum, err := r.each(fw.add)
	if err == nil {
		sum, err = fw.finish()
	} else if fw.abort(); isTemp(err) {
		// A file's buffer filled and met the full disk before finish.
		err = writingErr(r.dir, err)
	}
	if err != nil {
		return err
	}
	r.files.wrote(sum, fw.end, r.added, start, r.opts.Clock.Now())
	return nil
}

// reading calls fn with r.mu held for reading and the log ready to be
// read back: its buffer written out and the lines beside rows sorted,
// which it makes so first (with r.mu held for writing) when they are not.
func (r *Reporter) reading(fn func() error) error {
	for {
		r.mu.RLock()
		if r.log == nil || (r.logBuf.Buffered() == 0 && !r.unsorted) {
			defer r.mu.RUnlock()
			return fn()
		}
		r.mu.RUnlock()
		r.mu.Lock()
		err := r.ready()
		r.mu.Unlock()
		if err != nil {
			return err
		}
	}
}

// ready writes the log's buffer out and sorts the lines beside rows, so
// that each may read them; r.mu is held for writing.
func (r *Reporter) ready() error {
	if r.log == nil {
		return errReporterClosed
	}
	if err := r.logBuf.Flush(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if r.unsorted {
		slices.SortStableFunc(r.beside, func(a, b besideLine) int { return cmp.Compare(a.row, b.row) })
		r.unsorted = false
	}
	return nil
}

// each calls fn with every row's latest line, in row order (the lines
// without a row first), and returns their summary; r.mu is held (for
// reading will do) and the log ready (see reading).
func (r *Reporter) each(fn func(Row) error) (Summary, error) {
	var sum Summary
	if r.log == nil {
		return sum, errReporterClosed
	}
	for _, row := range r.zero {
		sum.add(row)
		if err := fn(row); err != nil {
			return sum, err
		}
	}
	win := logWindow{f: r.log, size: r.logSize}
	give := func(row int, at int64) error {
		line, err := win.record(at)
		if err != nil {
			return err
		}
		if line.Status == sendpool.StatusNotAttempted && line.Detail == "" {
			line.Detail = r.notTried
		}
		sum.add(line)
		if err := fn(line); err != nil {
			return fmt.Errorf("report: row %d: %w", row, err)
		}
		return nil
	}
	beside := r.beside
	giveBeside := func(upTo int) error { // those at rows up to upTo
		for ; len(beside) > 0 && beside[0].row <= upTo; beside = beside[1:] {
			if err := give(beside[0].row, beside[0].at); err != nil {
				return err
			}
		}
		return nil
	}
	for row, at := range r.at.all() {
		if at == 0 {
			continue
		}
		// Those at earlier rows (all() passes over rows in gaps without
		// yielding them), the row's own line, then those beside it.
		if err := giveBeside(row - 1); err != nil {
			return sum, err
		}
		if err := give(row, at-1); err != nil {
			return sum, err
		}
		if err := giveBeside(row); err != nil {
			return sum, err
		}
	}
	for _, b := range beside {
		if err := give(b.row, b.at); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// NoteNotAttempted says why the rows still not attempted were not: the
// files written from now on give it as the detail of every not-attempted
// line that has none (the rows a run never reached: past --limit or the
// daily cap, or after it stopped). The log keeps the lines as added.
func (r *Reporter) NoteNotAttempted(detail string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.notTried = detail
}

// NoteEnding says how the last send ended: the files written from now
// on give fn's Ending of their rows' summary as report.json's "ending".
// Until it is called, they say a send is running (EndRunning): the
// rewrites while a send runs.
func (r *Reporter) NoteEnding(fn func(Summary) Ending) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ending = fn
}

// Each calls fn with every row's latest line, in row order (the lines
// without a row number first), and stops at fn's first error, returning it
// wrapped. It holds r's lock for reading throughout, so lines added
// meanwhile wait (a Flush may run beside it), and fn must not call r. It
// reads the lines back from the log one at a time: a source for
// PageInput.Rows (Close after the page is written).
func (r *Reporter) Each(fn func(Row) error) error {
	return r.reading(func() error {
		_, err := r.each(fn)
		return err
	})
}

// Rows returns the report lines in row order. It reads them all into
// memory: for tests and small reports.
func (r *Reporter) Rows() []Row {
	var out []Row
	_ = r.Each(func(row Row) error { out = append(out, row); return nil })
	return out
}

// Summary counts the rows so far: none when they cannot be read back
// (Count).
func (r *Reporter) Summary() Summary {
	sum, err := r.Count()
	if err != nil {
		return Summary{}
	}
	return sum
}

// Count counts the rows so far, from the files written last when no line
// came since, else from the log: also when the files could not be
// written (a full disk), as long as the log could. Its error is the
// log's (not written out, or not read back): the count is then not the
// rows'.
func (r *Reporter) Count() (Summary, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if sum, at, _, _ := r.files.get(); r.added == at && sum.Total > 0 {
		return sum, nil
	}
	if err := r.ready(); err != nil {
		return Summary{}, err
	}
	return r.each(func(Row) error { return nil })
}

// Close removes the log and gives back the row index's memory. The report
// files stay as the last rewrite left them: Flush first. Adding after
// Close is an error.
func (r *Reporter) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.log == nil {
		return nil
	}
	r.log.Close()
	err := os.Remove(r.log.Name())
	r.log = nil
	r.at.free()
	if errors.Is(err, fs.ErrNotExist) {
		err = nil // an OwnLog, gone with its name
	}
	return err
}

// rowIndex maps a row number to an int64, in chunks of rowIndexChunk rows
// made as rows come: growing never copies (nor holds old and new arrays
// side by side, as appending to one slice would at a million rows). The
// chunks live outside the Go heap (package offheap), so the collector's
// headroom does not double them; free gives them back.
type rowIndex []offheap.Array[int64]

const rowIndexChunk = 16 << 10

// set sets row's value to v, making its chunk when it has none.
func (x *rowIndex) set(row int, v int64) {
	c := row / rowIndexChunk
	for len(*x) <= c {
		*x = append(*x, offheap.Array[int64]{})
	}
	if (*x)[c].Items == nil {
		(*x)[c] = offheap.Make[int64](rowIndexChunk)
	}
	(*x)[c].Items[row%rowIndexChunk] = v
}

// free gives the chunks back and leaves x empty.
func (x *rowIndex) free() {
	for i := range *x {
		(*x)[i].Free()
	}
	*x = nil
}

// all yields every row up to the last chunk's end with its value (0 where
// none was set), in row order.
func (x rowIndex) all() iter.Seq2[int, int64] {
	return func(yield func(int, int64) bool) {
		for c, chunk := range x {
			for i, v := range chunk.Items {
				if !yield(c*rowIndexChunk+i, v) {
					return
				}
			}
		}
	}
}
