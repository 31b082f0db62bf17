package main

import (
	"math"
	"os"
	"runtime/debug"
	"testing"
)

// TestSendMemory: send's GC settings apply for the run and are undone
// after it, and GOGC or GOMEMLIMIT set by the user win.
func TestSendMemory(t *testing.T) {
	gcPercent := func() int { p := debug.SetGCPercent(100); debug.SetGCPercent(p); return p }
	limit := func() int64 { return debug.SetMemoryLimit(-1) }
	if limit() != math.MaxInt64 {
		t.Skip("GOMEMLIMIT is set for the test process")
	}
	t.Run("defaults", func(t *testing.T) {
		t.Setenv("GOGC", "") // restored after the test; unset meanwhile
		os.Unsetenv("GOGC")
		before := gcPercent()
		restore := sendMemory()
		if got := gcPercent(); got != sendGCPercent {
			t.Errorf("GC percent during send %d, want %d", got, sendGCPercent)
		}
		if got := limit(); got == math.MaxInt64 || got < sendHeadroom {
			t.Errorf("memory limit during send %d, want the heap plus %d", got, sendHeadroom)
		}
		restore()
		if got := gcPercent(); got != before {
			t.Errorf("GC percent after send %d, want %d as before", got, before)
		}
		if got := limit(); got != math.MaxInt64 {
			t.Errorf("memory limit after send %d, want none", got)
		}
	})
	t.Run("GOGC set", func(t *testing.T) {
		t.Setenv("GOGC", "150")
		before := gcPercent()
		restore := sendMemory()
		defer restore()
		if got := gcPercent(); got != before {
			t.Errorf("GC percent with GOGC set: %d, want it untouched (%d)", got, before)
		}
	})
}
