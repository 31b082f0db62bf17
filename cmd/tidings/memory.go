package main

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
)

// checkHeadroom is how much memory check may use beyond what the opened
// campaign holds (an XLSX's shared strings, inline images). What check adds
// is small (8 bytes a row for the duplicate count, a few rows in flight),
// but Go's default GC lets garbage grow to the size of the live heap; a soft
// limit makes it collect sooner, so a million-row CSV check stays under
// 64 MB.
const checkHeadroom = 40 << 20

// softMemoryLimit sets the process's soft memory limit to what the heap
// holds now plus headroom, unless a limit is set already (GOMEMLIMIT), and
// returns the function that restores it. The limit is soft: a campaign
// that needs more (large attachments) gets it, at the cost of more GC work.
func softMemoryLimit(headroom int64) (restore func()) {
	prev := debug.SetMemoryLimit(-1)
	if prev != math.MaxInt64 {
		return func() {}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	debug.SetMemoryLimit(int64(ms.HeapAlloc) + headroom)
	return func() { debug.SetMemoryLimit(prev) }
}

// Send's garbage collector: send allocates about as fast as check (it
// renders every row) but keeps little (the plan's compact per-row state,
// a few frames of the spool), so Go's default, a collection whenever the
// heap doubles, collects a small heap over and over. Letting garbage grow
// to five times the live heap, under a soft limit of sendHeadroom above
// what the heap holds when send starts, took send about a tenth faster
// (20,000 messages, loopback, interleaved runs) with peak RSS about 80 MB
// at any size instead of 40–70 MB.
const (
	sendGCPercent = 400
	sendHeadroom  = 64 << 20
)

// sendMemory sets send's garbage collector (unless GOGC or GOMEMLIMIT in
// the environment set it) and returns the function that restores the
// settings before.
func sendMemory() (restore func()) {
	restoreLimit := softMemoryLimit(sendHeadroom)
	if _, set := os.LookupEnv("GOGC"); set {
		return restoreLimit
	}
	prev := debug.SetGCPercent(sendGCPercent)
	return func() {
		debug.SetGCPercent(prev)
		restoreLimit()
	}
}
