package main

import (
	"runtime"
	"runtime/debug"
	"testing"
)

// TestGCPercent: the percentage puts the next collection at the floor,
// never below Go's default, and never so high that the runtime's own
// floor (4 MB at GOGC=100, scaled) passes ours.
func TestGCPercent(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		live, floor uint64
		want        int
	}{
		{0, 16 * mb, 400},       // nothing live: the runtime's floor, scaled to ours
		{1 * mb, 16 * mb, 400},  // 1 MB × 16 would overshoot through the runtime's floor
		{4 * mb, 16 * mb, 300},  // 4 + 4·3 = 16
		{8 * mb, 16 * mb, 100},  // twice the live heap is the floor
		{50 * mb, 16 * mb, 100}, // over it: Go's default
	} {
		if got := gcPercent(c.live, c.floor); got != c.want {
			t.Errorf("gcPercent(%d MB, %d MB) = %d, want %d", c.live/mb, c.floor/mb, got, c.want)
		}
	}
}

// TestGCFloorSetsGOGC: after a collection the floor has set GOGC to its
// percentage for the live heap; stopped, it leaves GOGC at 100 and sets
// nothing more.
func TestGCFloorSetsGOGC(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	stop, f := newGCFloor(64 << 20)
	for i := 0; f.set.Load() == 0; i++ {
		if i == 1000 {
			t.Fatal("the floor never ran after 1000 collections")
		}
		runtime.GC()
		runtime.Gosched()
	}
	if pct := debug.SetGCPercent(100); pct <= 100 {
		t.Errorf("GOGC %d after a collection with a small live heap, want over 100", pct)
	}
	stop()
	n := f.set.Load()
	for range 5 {
		runtime.GC()
		runtime.Gosched()
	}
	if pct := debug.SetGCPercent(100); pct != 100 || f.set.Load() > n+1 {
		t.Errorf("after stop: GOGC %d, set %d more times", pct, f.set.Load()-n)
	}
}
