package main

import "sync/atomic"

// interruptWords say what an interrupt does to the running command: as the
// signal comes (onSignal) and as tidings exits (atExit). A command that
// delivers messages says so (delivering): it finishes the messages in
// flight and leaves its report and journal to resume from, where other
// commands just stop. Safe for concurrent use (the signal goroutine reads
// them); a nil *interruptWords, as tests that call a run function pass,
// ignores delivering.
type interruptWords struct {
	delivers atomic.Bool
}

// delivering marks the command as one that delivers messages.
func (w *interruptWords) delivering() {
	if w != nil {
		w.delivers.Store(true)
	}
}

// onSignal is what tidings prints at the first interrupt.
func (w *interruptWords) onSignal() string {
	if w != nil && w.delivers.Load() {
		return "tidings: interrupted: finishing the messages in flight and the report (Ctrl-C again to abort at once)"
	}
	return "tidings: interrupted: stopping"
}

// atExit is what tidings prints as an interrupted command exits.
func (w *interruptWords) atExit() string {
	if w != nil && w.delivers.Load() {
		return "tidings: interrupted; the report and the journal are up to date: run the same command again to resume"
	}
	return "tidings: interrupted"
}
