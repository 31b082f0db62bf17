package main

import (
	"container/heap"
	"fmt"
	"time"

	"github.com/tidings/tidings/sendpool"
)

// retryWaits follows the messages of a run that wait for their next try
// (the pool's NoticeRetry and NoticeWait) until their final result: when
// the last of those tries is due, for the progress line, and the results
// of those the run ended without trying again (dropped), for the note
// that takes their "retry … in 32s" back. Each notice and result costs a
// logarithm of the waits' number (100,000 greylisted rows each have a
// notice and a result). The zero value is empty; it is not safe for
// concurrent use (progress holds its lock).
type retryWaits struct {
	waiting map[int]retryWait // by row
	// dues holds a wait for each of waiting, latest first, and ones
	// since ended or replaced, which latest drops when they come first.
	dues    dueHeap
	dropped []sendpool.Result
}

// retryWait is when a message's next try is due and how many tries it
// had when it began to wait.
type retryWait struct {
	due      time.Time
	attempts int
}

// notice takes n into account (a notice of a message that waits).
func (w *retryWaits) notice(n sendpool.Notice) {
	if n.Kind != sendpool.NoticeRetry && n.Kind != sendpool.NoticeWait || n.Due.IsZero() {
		return
	}
	if w.waiting == nil {
		w.waiting = map[int]retryWait{}
	}
	w.waiting[n.Row] = retryWait{due: n.Due, attempts: n.Attempts}
	if len(w.dues) > 2*len(w.waiting)+64 {
		w.compact() // mostly ended waits: a run's worth of notices
	} else {
		heap.Push(&w.dues, rowDue{row: n.Row, due: n.Due})
	}
}

// compact rebuilds dues from waiting, dropping the ended waits.
func (w *retryWaits) compact() {
	w.dues = w.dues[:0]
	for row, rw := range w.waiting {
		w.dues = append(w.dues, rowDue{row: row, due: rw.due})
	}
	heap.Init(&w.dues)
}

// done takes the final result r into account (the end of a wait, when
// r's message waited). A result with no try more than when its wait
// began is of a message the run ended without trying again.
func (w *retryWaits) done(r sendpool.Result) {
	rw, ok := w.waiting[r.Row]
	if !ok {
		return
	}
	delete(w.waiting, r.Row)
	if r.Attempts <= rw.attempts {
		w.dropped = append(w.dropped, r)
	}
}

// latest is when the last of the waiting tries is due, and how many
// wait; zero and 0 when none does.
func (w *retryWaits) latest() (due time.Time, n int) {
	for len(w.dues) > 0 {
		top := w.dues[0]
		if rw, ok := w.waiting[top.row]; ok && rw.due.Equal(top.due) {
			return top.due, len(w.waiting)
		}
		heap.Pop(&w.dues) // ended, or waiting again since
	}
	return time.Time{}, 0
}

// rowDue is a row's wait in dueHeap.
type rowDue struct {
	row int
	due time.Time
}

// dueHeap is a heap (container/heap) of waits, the latest due first.
type dueHeap []rowDue

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].due.After(h[j].due) }
func (h dueHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)        { *h = append(*h, x.(rowDue)) }
func (h *dueHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// retryWords words n waiting retries, the last due in wait (its time
// come when wait ≤ 0), with when the words of that time ("then", "in
// 28s", "at 09:00:28"): "a retry due then", "3 retries waiting, the
// last due then", "a retry due now".
func retryWords(n int, wait time.Duration, when string) string {
	if wait <= 0 {
		when = "now"
	}
	if n == 1 {
		return "a retry due " + when
	}
	return fmt.Sprintf("%d retries waiting, the last due %s", n, when)
}
