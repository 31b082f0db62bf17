package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"
)

// interruptWords say what an interrupt does to the running command: as the
// signal comes (onSignal) and as tidings exits (atExit). A command that
// delivers messages says so (delivering): it finishes the messages in
// flight and leaves its report and journal to resume from, where other
// commands just stop; and when every message was out before the interrupt
// (dispatched), there is nothing to resume. Once a delivery (or a part of
// it) ended (delivered) and once its summary is out (summarized), no
// message is in flight, and an interrupt says so. Safe for concurrent
// use (the signal goroutine reads them); a nil *interruptWords, as tests
// that call a run function pass, ignores what it is told.
type interruptWords struct {
	sends    atomic.Bool
	delivers atomic.Bool
	allOut   atomic.Bool
	tests    atomic.Bool
	// ended: the delivery under way ended; summed: its summary is out.
	ended, summed atomic.Bool
	// said is closed once the first interrupt's words are out (set by
	// signalContexts; nil without it).
	said <-chan struct{}
	// aside, while a send delivers, queues what is said on stderr
	// (globalOptions.printAside): the words go after the lines queued
	// before them.
	aside atomic.Pointer[linePrinter]
}

// sayOnSignal says onSignal's words on out and closes said once they are
// out, without waiting for out: while a send delivers it queues them
// after the lines said before them (aside); otherwise, or once that
// queue is closing, a goroutine of its own writes them (after lineBreak),
// once the queue is written. A nil w says the words of no command.
func (w *interruptWords) sayOnSignal(out io.Writer, said chan<- struct{}) {
	text := w.onSignal()
	var lp *linePrinter
	if w != nil {
		lp = w.aside.Load()
	}
	if lp != nil {
		line := text + "\n"
		if lp.bar == nil { // a bar's line, "^C" on it, is cleared first
			line = lineBreak(out) + line
		}
		if lp.add(line, lineUrgent) {
			close(said)
			return
		}
	}
	go func() {
		if lp != nil {
			<-lp.done
		}
		fmt.Fprintln(out, lineBreak(out)+text)
		close(said)
	}()
}

// setAside has sayOnSignal queue the words on lp until clearAside(lp).
func (w *interruptWords) setAside(lp *linePrinter) {
	if w != nil {
		w.aside.Store(lp)
	}
}

// clearAside undoes setAside(lp), unless another was set since.
func (w *interruptWords) clearAside(lp *linePrinter) {
	if w != nil {
		w.aside.CompareAndSwap(lp, nil)
	}
}

// afterWords waits, when ctx was cancelled by an interrupt, until its
// words are out (signalContexts), so that what the command prints next
// follows them: they wait out absorbEchoes' window, in which a run with
// nothing in flight printed its summary first, the words "stopping"
// after it.
func (w *interruptWords) afterWords(ctx context.Context) {
	if w == nil || w.said == nil || !errors.Is(context.Cause(ctx), errInterrupted) {
		return
	}
	<-w.said
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

// partBegins marks a delivery (a part of the run) as under way: messages
// may be in flight until it ends (delivered).
func (w *interruptWords) partBegins() {
	if w != nil {
		w.ended.Store(false)
		w.summed.Store(false)
	}
}

// delivered marks the delivery under way as ended: no message is in
// flight; its report is being written.
func (w *interruptWords) delivered() {
	if w != nil {
		w.ended.Store(true)
	}
}

// summarized marks the ended delivery's summary as printed.
func (w *interruptWords) summarized() {
	if w != nil {
		w.summed.Store(true)
	}
}

// onSignal is what tidings prints at the first interrupt.
func (w *interruptWords) onSignal() string {
	switch {
	case w != nil && w.delivers.Load() && w.summed.Load():
		return "tidings: interrupted: no message is in flight; stopping"
	case w != nil && w.delivers.Load() && w.ended.Load():
		return "tidings: interrupted: no message is in flight; finishing the report (a second interrupt, Ctrl-C or SIGTERM, stops it at once)"
	}
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
	case w.tests.Load() && w.allOut.Load():
		return "tidings: interrupted once every test message was tried; the outcome is above"
	case w.tests.Load():
		return "tidings: interrupted: the test messages marked sent above went, the others did not; send --test again sends them all"
	case w.allOut.Load():
		return "tidings: interrupted once every message was out; the report and the journal are up to date"
	}
	return "tidings: interrupted; the report and the journal are up to date: run the same command again to resume"
}
