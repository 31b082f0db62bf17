package main

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// heapFloor is the least heap the collector lets the program grow to
// before it collects again (see startGCFloor).
const heapFloor = 16 << 20

// startGCFloor keeps the collector from running more often than every
// floor bytes of heap: after each collection it sets GOGC so that the
// next one comes when the heap reaches floor, or at twice the live heap
// (GOGC=100, Go's default) once that is more.
//
// tidings' large tables (the journal's keys, the duplicate check, the
// report's row index) live outside the Go heap (sendpool/offheap), so
// that a million recipients do not cost twice their tables' size. What
// stays on the heap is a few megabytes, and at GOGC=100 the collector
// would run every few megabytes allocated: five times as often, and a
// third more CPU for a send or report of 300,000 recipients. A floor of
// a few tens of megabytes is the cost of a constant, whatever the list's
// size. The Go runtime has no setting for a floor (golang/go#23044 was
// closed in favour of GOMEMLIMIT, which caps the heap instead and makes
// the collector run without pause when the live heap passes it: a send
// with large attachments would), so this is the known tuner pattern:
// a finalizer that runs after each collection and sets the percentage.
//
// A GOGC the user set is left alone. stop ends it and restores GOGC=100.
func startGCFloor(floor uint64) (stop func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	stop, _ = newGCFloor(floor)
	return stop
}

// newGCFloor is startGCFloor, returning its state too (for tests).
func newGCFloor(floor uint64) (stop func(), f *gcFloor) {
	f = &gcFloor{floor: floor, live: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	f.arm()
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.stopped = true
		debug.SetGCPercent(100)
	}, f
}

// gcFloor is startGCFloor's state; its finalizer goroutine alone calls
// after. mu orders after's setting against stop's.
type gcFloor struct {
	floor   uint64
	live    []metrics.Sample
	mu      sync.Mutex
	stopped bool
	// set counts the collections after which GOGC was set.
	set atomic.Int64
}

// gcSentinel is garbage whose finalizer runs after the collection that
// found it: it holds a pointer so that it is not a tiny allocation (those
// share a block, and a finalizer on one may never run).
type gcSentinel struct{ f *gcFloor }

// arm makes after run once the next collection has ended.
func (f *gcFloor) arm() {
	runtime.SetFinalizer(&gcSentinel{f: f}, func(s *gcSentinel) { s.f.after() })
}

// after sets GOGC for the next collection and arms itself again.
func (f *gcFloor) after() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.stopped {
		return
	}
	metrics.Read(f.live)
	debug.SetGCPercent(gcPercent(f.live[0].Value.Uint64(), f.floor))
	f.set.Add(1)
	f.arm()
}

// gcPercent is the GOGC that puts the next collection at floor bytes of
// heap for a live heap of live bytes, or 100 when that would be less. The
// runtime's own floor is 4 MB scaled by GOGC/100, so the percentage stays
// at most what makes that floor: with a live heap of almost nothing, the
// runtime's floor sets the goal.
func gcPercent(live, floor uint64) int {
	if 2*live >= floor {
		return 100
	}
	most := 100 * floor / runtimeHeapMinimum
	if live == 0 {
		return int(most)
	}
	return int(min(most, 100*(floor-live)/live))
}

// runtimeHeapMinimum is the Go runtime's least heap goal at GOGC=100.
const runtimeHeapMinimum = 4 << 20
