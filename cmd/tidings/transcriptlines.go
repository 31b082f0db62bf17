package main

import (
	"bytes"
	"sync"
)

// transcriptLines is where --debug's transcript goes (smtpSettings; for
// bounces, bouncesMailboxConfig): g's stderr, a whole line at a time,
// queued on the linePrinter while a send delivers or bounces reads the
// mailbox (sayLine), so that a connection never waits for a terminal
// that does not read: it waited mid-session, a message in flight, until
// the server timed the connection out. Past the printer's
// limit its lines are counted, not queued, as notes are (linePrinter).
// Before and after the delivery (the probe, the summary) the lines are
// written at once, as errLine writes.
//
// A write may hold part of a line or several lines: a line is said once
// its newline has come, and what is left without one is said by flush.
// The connections' writes come one at a time with whole lines
// (smtpclient writes each under a lock of its own, and so do the
// mailbox's sessions), so a part held is the start of the next line of
// the same connection. Safe for concurrent
// use.
type transcriptLines struct {
	g *globalOptions

	mu sync.Mutex
	// partial is the start of a line whose newline has not come.
	partial []byte
}

// Write says each whole line of p, after what an earlier write left
// without its newline, and holds the rest. It never fails: a transcript
// that cannot be written must not fail the delivery.
func (t *transcriptLines) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	rest := p
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			break
		}
		line := rest[:i+1]
		if len(t.partial) > 0 {
			line = append(t.partial, line...)
			t.partial = t.partial[:0]
		}
		t.g.sayLine(string(line), lineTranscript)
		rest = rest[i+1:]
	}
	t.partial = append(t.partial, rest...)
	return len(p), nil
}

// flush says the line held without its newline, if any, ending it with
// one: before what follows the delivery (printAside's end).
func (t *transcriptLines) flush() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.partial) > 0 {
		t.g.sayLine(string(t.partial)+"\n", lineTranscript)
		t.partial = t.partial[:0]
	}
}
