package render

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/tidings/tidings/campaign"
)

// job is one row on its way through Each.
type job struct {
	seq   int64 // its place among the rows read, from 0
	row   campaign.Row
	m     *Message
	err   error
	fatal bool // err ends the sheet
	done  chan struct{}
}

// readAhead bounds Each's reorder window: the rows read but not yet
// handed to fn. Rendering times vary (a garbage collection lands on one
// message), so a deep window keeps every worker busy: with 64 rows check
// ran 16% faster than with 4 (50,000 newsletters, 2 cores). It is one number for any count of cores because
// rendered messages are what it holds: 640 KB of 10 KB newsletters, or
// 64 copies of a large attachment.
const readAhead = 64

// windowBytes bounds the reorder window by the size of the messages too:
// Each reads a row ahead only while the messages rendered and not yet
// handed to fn, and the rows read and not yet rendered at the largest size
// so far, come to less than this (and always workers + 1 rows, one for fn
// and one for each worker). Newsletters never reach it; a campaign with a
// 6 MB attachment held 64 rendered messages and more (send's peak RSS
// 1.4 GB at 100 rows), and holds 4 with it. The rows read while messages
// were small are rendered only as the bound allows too (see
// waitToRender): large rows after many small ones would otherwise be
// rendered all at once, up to readAhead of them.
const windowBytes = 32 << 20

// window counts what Each holds, for its reader to wait on.
type window struct {
	workers int
	held    atomic.Int64  // rows read and not yet handed to fn
	done    atomic.Int64  // of them, rows finished (rendered or refused)
	bytes   atomic.Int64  // of them, the data of the rendered messages
	largest atomic.Int64  // the data bytes of the largest message so far
	freed   chan struct{} // capacity 1: the reader may look again

	mu   sync.Mutex
	turn *sync.Cond // workers waiting in waitToRender
	next int64      // the seq of the next job to hand to fn
}

func newWindow(workers int) *window {
	w := &window{workers: workers, freed: make(chan struct{}, 1)}
	w.turn = sync.NewCond(&w.mu)
	return w
}

// waitToRender blocks a worker about to render j while the messages
// rendered and not yet handed to fn come to windowBytes, unless j is the
// next to be handed (so fn always gets its next row), or until ctx ends.
// With every worker's job taken from jobs in order, the next job is
// always rendered, being rendered or allowed to be.
func (w *window) waitToRender(ctx context.Context, j *job) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for j.seq != w.next && w.bytes.Load() >= windowBytes && ctx.Err() == nil {
		w.turn.Wait()
	}
}

// wakeWorkers wakes the workers in waitToRender to look again.
func (w *window) wakeWorkers() {
	w.mu.Lock()
	w.turn.Broadcast()
	w.mu.Unlock()
}

// full reports whether the reader must wait before taking another row.
func (w *window) full() bool {
	held := w.held.Load()
	if held <= int64(w.workers) {
		return false
	}
	largest := w.largest.Load()
	if largest == 0 {
		return true // no size known yet: the workers' rows and one more
	}
	unrendered := held - w.done.Load()
	return w.bytes.Load()+unrendered*largest >= windowBytes
}

// wait blocks until the window has room or ctx ends (false).
func (w *window) wait(ctx context.Context) bool {
	for w.full() {
		select {
		case <-w.freed:
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// finished notes that j is finished (rendered by a worker, or a row the
// sheet refused), and the size of its message when it has one (a row
// problem's partial message has none), and wakes the reader, which may be
// waiting for a first size.
func (w *window) finished(j *job) {
	if size := sizeOf(j); size > 0 {
		w.bytes.Add(size)
		for l := w.largest.Load(); size > l && !w.largest.CompareAndSwap(l, size); l = w.largest.Load() {
		}
	}
	w.done.Add(1)
	w.wake()
}

// handed notes that j, finished, was handed to fn and wakes the reader
// and the workers.
func (w *window) handed(j *job) {
	w.done.Add(-1)
	w.bytes.Add(-sizeOf(j))
	w.held.Add(-1)
	w.mu.Lock()
	w.next = j.seq + 1
	w.turn.Broadcast()
	w.mu.Unlock()
	w.wake()
}

// sizeOf is the data size of j's message; 0 for a row problem.
func sizeOf(j *job) int64 {
	if j.err != nil || j.m == nil {
		return 0
	}
	return int64(len(j.m.Data))
}

func (w *window) wake() {
	select {
	case w.freed <- struct{}{}:
	default:
	}
}

// Each reads every row of sheet, renders the rows on workers goroutines and
// calls fn with each row's result in sheet order, from the calling
// goroutine. For a row problem (a *campaign.RowError from the sheet or from
// Render) fn gets a partial Message (Row and Key at least) and the error;
// otherwise a complete Message and nil. Other Render errors end Each.
//
// At most max(readAhead, workers) + 2 rows are read and not yet handed to
// fn, fewer when messages are large (see windowBytes), so memory stays
// flat over any number of rows. If fn
// returns an error, Each stops and returns it. A sheet error that is not a
// RowError ends Each, after fn has seen every row before it, and is
// returned. When ctx is cancelled Each returns ctx.Err().
// Each returns only after its goroutines are done with sheet; the caller
// still owns sheet and closes it.
func (r *Renderer) Each(ctx context.Context, sheet campaign.Sheet, workers int, fn func(*Message, error) error) error {
	if workers < 1 {
		workers = 1
	}
	inner, cancel := context.WithCancel(ctx)
	defer cancel()

	// A row goes to jobs, then to order, whose capacity bounds the rows
	// held: besides them only the one the reader has in hand and the one
	// being handed to fn.
	jobs := make(chan *job, max(readAhead, workers))
	order := make(chan *job, max(readAhead, workers))
	win := newWindow(workers)
	stopWaits := context.AfterFunc(inner, win.wakeWorkers)
	defer stopWaits()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				win.waitToRender(inner, j)
				r.work(inner, j)
				win.finished(j)
				close(j.done)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(order)
		defer close(jobs)
		r.read(inner, sheet, win, jobs, order)
	}()

	err := r.handInOrder(inner, order, win, fn)
	cancel()
	for range order { // let the reader finish; the jobs it queued complete
	}
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// read feeds rows to the workers (jobs) and, in the same order, to the
// consumer (order). A job goes to jobs before order so that every job the
// consumer waits for is sure to be worked on.
func (r *Renderer) read(ctx context.Context, sheet campaign.Sheet, win *window, jobs, order chan<- *job) {
	send := func(ch chan<- *job, j *job) bool {
		select {
		case ch <- j:
			return true
		case <-ctx.Done():
			return false
		}
	}
	for seq := int64(0); ; seq++ {
		if !win.wait(ctx) {
			return
		}
		row, err := sheet.Next(ctx)
		if errors.Is(err, io.EOF) {
			return
		}
		win.held.Add(1)
		j := &job{seq: seq, row: row, done: make(chan struct{})}
		if err != nil {
			var re *campaign.RowError
			if errors.As(err, &re) {
				j.m = &Message{Row: re.Row, Key: strings.TrimSpace(row.Values[r.keyCol])}
				j.err = err
			} else {
				j.err, j.fatal = err, true
			}
			win.finished(j)
			close(j.done)
			if !send(order, j) || j.fatal {
				return
			}
			continue
		}
		if !send(jobs, j) || !send(order, j) {
			return
		}
	}
}

// work renders one job; a panic becomes that row's error rather than
// crossing the API.
func (r *Renderer) work(ctx context.Context, j *job) {
	if err := ctx.Err(); err != nil {
		j.err, j.fatal = err, true
		return
	}
	defer func() {
		if p := recover(); p != nil {
			j.m = r.newMessage(j.row)
			j.err = &campaign.RowError{File: r.sheet, Row: j.row.Number, Err: fmt.Errorf("render: internal error: %v", p)}
		}
	}()
	j.m, j.err = r.Render(j.row)
	var re *campaign.RowError
	if j.err != nil && !errors.As(j.err, &re) {
		j.fatal = true // a setup problem (Options.Boundary), not the row's
	}
}

// handInOrder hands finished jobs to fn in sheet order.
func (r *Renderer) handInOrder(ctx context.Context, order <-chan *job, win *window, fn func(*Message, error) error) error {
	for j := range order {
		select {
		case <-j.done:
		case <-ctx.Done():
			return ctx.Err()
		}
		if j.fatal {
			return j.err
		}
		err := fn(j.m, j.err)
		win.handed(j)
		if err != nil {
			return err
		}
	}
	return nil
}
