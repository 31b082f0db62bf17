package journal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/tidings/tidings/sendpool/statefile"
)

// ErrClosed is returned by a Writer's methods after Close.
var ErrClosed = errors.New("journal: writer is closed")

// maxBatch caps the records one write+fsync carries.
const maxBatch = 4096

// syncInterval and busyBatch space fsyncs out when the journal is busy:
// after a batch of at least busyBatch records, the next write+fsync starts
// no sooner than syncInterval after that one started. A flush is not free
// for the rest of the machine: on the virtualised disk measured here every
// fsync (about 250 µs) stalls other work too, and a writer that synced back
// to back, a handful of records each time, held a whole send to half of
// what fewer, fuller batches reach (bench/: in process, 8 connections,
// 17,000 against 28,000 messages/s). A smaller batch means few senders, each
// waiting for its own record: waiting would only slow them (one connection
// in lockstep: 1,630 messages/s never spaced, 540 always spaced, 1,570
// with this rule), so the next batch is written at once.
const (
	syncInterval = time.Millisecond
	busyBatch    = 8
)

// Writer appends records to a campaign's journal with group commit. It is
// safe for concurrent use; the caller closes it (before releasing the Lock).
type Writer struct {
	path string
	f    File
	reqs chan *request
	done chan struct{}

	mu     sync.RWMutex // guards closed against sends on reqs
	closed bool

	err error // first write or fsync error; set by loop, read after done

	// Test hooks, nil outside tests: testHookQueued runs after a record is
	// queued, testHookBatch before a batch of n records is written,
	// testHookSpaced after it, telling whether the next write is spaced
	// (see syncInterval).
	testHookQueued func()
	testHookBatch  func(n int)
	testHookSpaced func(spaced bool)
}

// File is what a Writer appends its records through: the journal's
// *os.File, or what Lock.SetFile made of it (tests: a full disk). Its
// errors name the file, as an *os.File's (*fs.PathError) do.
type File interface {
	Write(b []byte) (int, error)
	Sync() error
	Close() error
}

type request struct {
	line []byte
	done chan error // buffered 1; nil when nobody waits (ResultQueued)
}

type runLine struct {
	Type    string `json:"type"`
	Version int    `json:"v"`
	Run
}

type attemptLine struct {
	Type string `json:"type"`
	Attempt
}

type resultLine struct {
	Type string `json:"type"`
	// Status is Result.Status as the file spells it (see recordStatus).
	Status recordStatus `json:"status"`
	Result
}

// Open opens the journal in the locked campaign's state folder for
// appending (creating it), and writes and fsyncs run as the new run's first
// record. The lock must be held for as long as the Writer is used. When the
// file does not end with a newline (a torn last line), a newline is written
// first so that the new records start on a fresh line.
func Open(ctx context.Context, lock *Lock, run Run) (*Writer, error) {
	if lock == nil || lock.f == nil {
		return nil, errors.New("journal: open: the send lock is not held")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("journal: open: %w", err)
	}
	path := filepath.Join(lock.dir, FileName)
	_, err := os.Stat(path)
	created := errors.Is(err, fs.ErrNotExist)
	f, err := statefile.OpenFile(path, os.O_RDWR|os.O_APPEND|os.O_CREATE, statefile.FileMode) // it lists every recipient: private, as the report; never through a link
	if err != nil {
		return nil, fmt.Errorf("journal: %w", err) // an *fs.PathError: "open PATH: …"
	}
	var head []byte
	st, err := f.Stat()
	if err == nil && st.Size() > 0 {
		last := make([]byte, 1)
		if _, err = f.ReadAt(last, st.Size()-1); err == nil && last[0] != '\n' {
			head = append(head, '\n')
		}
	}
	if err == nil {
		if run.PID == 0 {
			run.PID = os.Getpid()
		}
		if run.Started.IsZero() {
			run.Started = time.Now()
		}
		run.Started = run.Started.UTC()
		var b []byte
		b, err = json.Marshal(runLine{Type: "run", Version: formatVersion, Run: run})
		if err == nil {
			head = append(append(head, b...), '\n')
			if _, err = f.Write(head); err == nil {
				err = f.Sync()
			}
		}
	}
	if err == nil && created {
		err = statefile.SyncDir(lock.dir)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("journal: open %s: %w", path, err)
	}
	w := &Writer{
		path: path,
		f:    lock.file(f),
		reqs: make(chan *request, 1024),
		done: make(chan struct{}),
	}
	go w.loop()
	return w, nil
}

// Path is the journal file's path.
func (w *Writer) Path() string { return w.path }

// Attempt appends a and returns once it is written and fsync'ed. Call it
// before handing the message's body to the server, and hand it over only
// when Attempt returned nil. When ctx ends first Attempt returns ctx.Err()
// and the record may or may not reach the file. NormKey is filled from Key
// and a zero Time with the current time.
func (w *Writer) Attempt(ctx context.Context, a Attempt) error {
	if a.NormKey == "" {
		a.NormKey = NormalizeKey(a.Key)
	}
	if a.Time.IsZero() {
		a.Time = time.Now()
	}
	a.Time = a.Time.UTC()
	if a.Row < 0 || a.NormKey == "" {
		return fmt.Errorf("journal: attempt: row %d key %q: a row number and a key are required", a.Row, a.Key)
	}
	a.NormKey = writtenNormKey(a.NormKey, a.Key)
	b, err := appendAttemptLine(make([]byte, 0, lineCap(a.Key, a.To, a.Cc, a.Bcc, a.MessageID)), &a)
	if err != nil {
		return fmt.Errorf("journal: attempt: %w", err)
	}
	return w.submit(ctx, append(b, '\n'))
}

// Result appends r and returns once it is written and fsync'ed; only then
// may the recipient be reported as sent. ctx behaves as for Attempt.
// NormKey is filled from Key; Status must be one of sendpool's statuses.
func (w *Writer) Result(ctx context.Context, r Result) error {
	line, err := encodeResult(r)
	if err != nil {
		return err
	}
	return w.submit(ctx, line)
}

// ResultQueued is Result without waiting for the line to be written: it
// returns once the line is queued, in order with every other record. Sync
// waits for it and for everything queued before it; a write error reaches
// Sync, the calls that wait and Close (not a later ResultQueued). It is for
// many records at once whose durability one Sync can vouch for (the
// preflight's decisions), which one fsync each would take minutes to
// write.
func (w *Writer) ResultQueued(ctx context.Context, r Result) error {
	line, err := encodeResult(r)
	if err != nil {
		return err
	}
	return w.queue(ctx, line, false)
}

// Sync waits until every record queued before it is written and fsynced.
func (w *Writer) Sync(ctx context.Context) error {
	return w.submit(ctx, nil)
}

// encodeResult checks r and encodes it as a journal line.
func encodeResult(r Result) ([]byte, error) {
	if _, err := r.Status.MarshalText(); err != nil {
		return nil, fmt.Errorf("journal: result: row %d: %w", r.Row, err)
	}
	if r.Row < 0 {
		return nil, fmt.Errorf("journal: result: row %d: negative row", r.Row)
	}
	if r.NormKey == "" {
		r.NormKey = NormalizeKey(r.Key)
	}
	r.NormKey = writtenNormKey(r.NormKey, r.Key)
	if !r.Started.IsZero() {
		r.Started = r.Started.UTC()
	}
	if !r.Finished.IsZero() {
		r.Finished = r.Finished.UTC()
	}
	b, err := appendResultLine(make([]byte, 0, lineCap(r.Key, r.To, r.Cc, r.Bcc, r.MessageID, r.Detail, r.Server)), &r)
	if err != nil {
		return nil, fmt.Errorf("journal: result: %w", err)
	}
	return append(b, '\n'), nil
}

// writtenNormKey is the norm_key a line is written with: none when it is
// the key itself (a key in lower case without space around it, as most
// addresses are), which readers normalize then (normKey): 30 to 40 bytes
// less in each of a message's two lines. A key NFKC changes (full width,
// a decomposed accent) is written as a tidings from before NFKC keys
// looks its sheet's key up (trimmed, lower case: olderNormKey), which
// readers normalize to norm again: in NFKC, such a tidings (a user who
// went back to it) took a recipient sent for one never sent.
func writtenNormKey(norm, key string) string {
	if norm == key {
		return ""
	}
	if older := olderNormKey(key); older != norm && NormalizeKey(older) == norm && NormalizeKey(key) == norm {
		norm = older
	}
	if norm == key {
		return ""
	}
	return norm
}

// olderNormKey is NormalizeKey as tidings had it before keys compared in
// NFKC (commit fc03469): trimmed and lower-cased only.
func olderNormKey(key string) string {
	return strings.ToLower(strings.TrimSpace(key))
}

// lineCap is room for a record line holding strings: their bytes twice
// over (the key is written twice, and escapes grow) plus the field names.
func lineCap(strs ...string) int {
	n := 256
	for _, s := range strs {
		n += 2 * len(s)
	}
	return n
}

// submit queues line (ending in a newline; nil for Sync) and waits until
// it is written and fsync'ed.
func (w *Writer) submit(ctx context.Context, line []byte) error {
	return w.queue(ctx, line, true)
}

// queue queues line and, with wait, waits until it is written and fsynced.
func (w *Writer) queue(ctx context.Context, line []byte, wait bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := &request{line: line}
	if wait {
		r.done = make(chan error, 1)
	}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return ErrClosed
	}
	select {
	case w.reqs <- r:
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	w.mu.RUnlock()
	if w.testHookQueued != nil {
		w.testHookQueued()
	}
	if !wait {
		return nil
	}
	select {
	case err := <-r.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// loop is the single writer: it takes whatever is queued, writes it with one
// write, fsyncs once and then releases every waiter of the batch. After a
// failed write or fsync nothing more is written (the page cache can no
// longer be trusted) and every waiter gets the error.
func (w *Writer) loop() {
	defer close(w.done)
	var (
		buf   []byte
		batch = make([]*request, 0, 256)
		next  time.Time // the earliest start of the next write+fsync
	)
	for first := range w.reqs {
		if wait := time.Until(next); wait > 0 {
			time.Sleep(wait)
		}
		// Let callers just released by the previous batch queue their
		// next records before this batch is cut: on few cores they are
		// runnable but not yet running. This makes batches fuller under
		// load and costs nothing measurable when idle.
		runtime.Gosched()
		batch = append(batch[:0], first)
	drain:
		for len(batch) < maxBatch {
			select {
			case r, ok := <-w.reqs:
				if !ok {
					break drain
				}
				batch = append(batch, r)
			default:
				break drain
			}
		}
		if w.testHookBatch != nil {
			w.testHookBatch(len(batch))
		}
		if w.err == nil {
			buf = buf[:0]
			for _, r := range batch {
				buf = append(buf, r.line...)
			}
			start := time.Now()
			// The errors are *fs.PathErrors: "write PATH: …".
			if _, err := w.f.Write(buf); err != nil {
				w.err = fmt.Errorf("journal: %w", err)
			} else if err := w.f.Sync(); err != nil {
				w.err = fmt.Errorf("journal: %w", err)
			}
			spaced := len(batch) >= busyBatch
			next = time.Time{}
			if spaced {
				next = start.Add(syncInterval)
			}
			if w.testHookSpaced != nil {
				w.testHookSpaced(spaced)
			}
		}
		for _, r := range batch {
			if r.done != nil { // nil: queued without a waiter
				r.done <- w.err
			}
		}
	}
}

// Close writes what is queued, stops the writer and closes the file. It
// returns the first write or fsync error the Writer met, if any. Calls made
// after Close return ErrClosed; calling Close again does nothing.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	close(w.reqs)
	w.mu.Unlock()
	<-w.done
	err := w.err
	if cerr := w.f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("journal: close: %w", cerr)
	}
	return err
}
