package main

import "sync/atomic"

// interruptWords say what an interrupt does to the running command: as the
// signal comes (onSignal) and as tidings exits (atExit). A command that
// delivers messages says so (delivering): it finishes the messages in
// flight and leaves its report and journal to resume from, where other
// commands just stop; and when every message was out before the interrupt
// (dispatched), there is nothing to resume. Safe for concurrent use (the
// signal goroutine reads them); a nil *interruptWords, as tests that call
// a run function pass, ignores what it is told.
type interruptWords struct {
	sends    atomic.Bool
	delivers atomic.Bool
	allOut   atomic.Bool
	tests    atomic.Bool
}

// sending marks the command as a send, which nothing left yet: an
// interrupt before it delivers says nothing was sent.
func (w *interruptWords) sending() {
	if w != nil {
		w.sends.Store(true)
	}
}

// testSending marks the command as a test send (send --test), which
// nothing left yet, and which has nothing to resume.
func (w *interruptWords) testSending() {
	if w != nil {
		w.tests.Store(true)
		w.sends.Store(true)
	}
}

// delivering marks the command as one that delivers messages.
func (w *interruptWords) delivering() {
	if w != nil {
		w.delivers.Store(true)
	}
}

// dispatched marks the delivery as having left nothing to send.
func (w *interruptWords) dispatched() {
	if w != nil {
		w.allOut.Store(true)
	}
}

// onSignal is what tidings prints at the first interrupt.
func (w *interruptWords) onSignal() string {
	if w != nil && w.delivers.Load() && w.tests.Load() {
		return "tidings: interrupted: finishing the test messages in flight (a second interrupt, Ctrl-C or SIGTERM, aborts them at once)"
	}
	if w != nil && w.delivers.Load() {
		return "tidings: interrupted: finishing the messages in flight and the report (a second interrupt, Ctrl-C or SIGTERM, aborts them at once)"
	}
	return "tidings: interrupted: stopping"
}

// atExit is what tidings prints as an interrupted command exits.
func (w *interruptWords) atExit() string {
	switch {
	case w != nil && w.sends.Load() && !w.delivers.Load():
		return "tidings: interrupted before the first message left: nothing was sent"
	case w == nil || !w.delivers.Load():
		return "tidings: interrupted"
	case w.tests.Load():
		return "tidings: interrupted: the test messages in flight went, the others did not; send --test again sends them all"
	case w.allOut.Load():
		return "tidings: interrupted once every message was out; the report and the journal are up to date"
	}
	return "tidings: interrupted; the report and the journal are up to date: run the same command again to resume"
}
