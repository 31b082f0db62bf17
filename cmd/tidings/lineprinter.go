package main

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// linePrinter writes to stderr, from a goroutine of its own, what is said
// there while a send delivers: the pool's notices (warnings, retries,
// reconnects), the progress lines, the Sent copies' warnings, --debug's
// SMTP transcript (transcriptLines), and the progress bar's redraws; and
// bounces --debug's IMAP or POP3 transcript while it reads the mailbox.
// Those who have news (the pool's workers and dispatcher, its
// connections, the goroutine of the results) only queue it, so a
// terminal that stops reading (Ctrl-S, a pager not scrolled, a stalled
// ssh link) never holds up delivery: a worker that waited on it (or a
// connection on its transcript) left its connection idle, messages in
// flight, until the server timed it out.
//
// The queue grows while the terminal does not read (a hundred bytes or
// so a retry note), and the printer catches up when it reads again, up to
// maxQueued bytes: past them a note is not queued but counted, and one
// line in its place says how many were not shown (a greylisting server
// retrying 100,000 rows behind a stopped terminal would otherwise hold
// 37 MB; report.csv has every row's outcome). A line of the transcript is
// a note here, and that line says how many of those not shown were
// transcript lines (a pipelined message's is some 300 bytes in 7 lines:
// the limit holds about 27,000 messages' transcript). An interrupt's
// words are queued whatever the size. A progress line not yet written
// gives way to the next one; the bar is drawn as it stands at most every
// barEvery.
// Close writes everything queued, in order, before it returns.
type linePrinter struct {
	w io.Writer
	// bar, when set, is the progress bar the lines are written around:
	// cleared before them, drawn again after, and drawn at each tick.
	bar barDrawer
	// tick drives the bar's redraws; nil without a bar.
	tick <-chan time.Time

	// maxQueued is how many bytes of notes the queue holds (maxQueuedLines).
	maxQueued int

	mu    sync.Mutex
	lines []string
	// queued is the bytes in lines.
	queued int
	// progressAt is the index in lines of a progress line not yet
	// written, -1 when there is none; droppedAt that of the line saying
	// how many notes (dropped) were not queued, -1 when none was dropped.
	progressAt, droppedAt, dropped int
	// droppedTranscript is how many of dropped are transcript lines.
	droppedTranscript int
	closing           bool
	wake              chan struct{} // buffered 1
	done              chan struct{}
}

// barDrawer is a progress bar the linePrinter draws: clear takes it off
// its line, draw shows it as it stands now.
type barDrawer interface {
	clear()
	draw()
}

// barEvery is how often the printer redraws the progress bar.
const barEvery = 100 * time.Millisecond

// maxQueuedLines is how many bytes of notes a linePrinter holds for a
// terminal that does not read: about 30,000 retry notes.
const maxQueuedLines = 8 << 20

// lineKind is what a queued line is: how the queue treats it.
type lineKind int

const (
	lineNote       lineKind = iota // a notice or warning: counted, not queued, past maxQueued
	lineTranscript                 // a line of --debug's transcript: a note, counted apart
	lineProgress                   // a progress line: replaces the one before it not yet written
	lineUrgent                     // an interrupt's words: queued whatever the size
)

// startLinePrinter starts writing to w what is queued with add, and the
// bar (nil: none) every barEvery. The caller calls Close.
func startLinePrinter(w io.Writer, bar barDrawer) *linePrinter {
	lp := &linePrinter{w: w, bar: bar, maxQueued: maxQueuedLines, progressAt: -1, droppedAt: -1, wake: make(chan struct{}, 1), done: make(chan struct{})}
	var stopTicker func()
	if bar != nil {
		t := time.NewTicker(barEvery)
		lp.tick, stopTicker = t.C, t.Stop
	}
	go func() {
		if stopTicker != nil {
			defer stopTicker()
		}
		lp.run()
	}()
	return lp
}

// printAside starts a linePrinter on g.stderr, drawing bar (nil: none),
// and has errLine, the transcript (sayLine) and an interrupt's words
// queue their lines there until end, which writes what is queued, with
// the transcript's line held without its newline (transcriptLines.flush),
// and returns once it is written (they write at once again). What is
// said while end writes waits for it (add refuses it), and comes after.
func (g *globalOptions) printAside(bar barDrawer) (lp *linePrinter, end func()) {
	lp = startLinePrinter(lockedStderr{g}, bar)
	g.aside.Store(lp)
	g.interrupt.setAside(lp) // an interrupt's words too
	return lp, func() {
		if g.transcript != nil {
			g.transcript.flush()
		}
		lp.Close()
		g.aside.CompareAndSwap(lp, nil)
		g.interrupt.clearAside(lp)
	}
}

// add queues line (ending in a newline) to be written after those queued
// before it, and reports true. It never waits for the writing. A progress
// line replaces one queued before it that is still the last line queued;
// a note past maxQueued bytes, and every note after it until the queue
// is written, is counted instead (see linePrinter). Once
// Close is called it queues nothing and reports false: the caller writes
// the line itself, after <-lp.done (what Close writes comes first).
func (lp *linePrinter) add(line string, kind lineKind) bool {
	lp.mu.Lock()
	switch {
	case lp.closing:
		lp.mu.Unlock()
		return false
	case kind == lineProgress && lp.progressAt >= 0 && lp.progressAt == len(lp.lines)-1:
		lp.queued += len(line) - len(lp.lines[lp.progressAt])
		lp.lines[lp.progressAt] = line
	case (kind == lineNote || kind == lineTranscript) && (lp.droppedAt >= 0 || lp.queued+len(line) > lp.maxQueued):
		// once one is dropped, so are those after it until the queue is
		// taken: the line in their place says how many came there
		if kind == lineTranscript {
			lp.droppedTranscript++
		}
		if lp.dropped++; lp.droppedAt < 0 {
			lp.droppedAt = len(lp.lines)
			lp.lines = append(lp.lines, "") // droppedLine's, when taken
		}
	default:
		if kind == lineProgress {
			lp.progressAt = len(lp.lines)
		}
		lp.lines = append(lp.lines, line)
		lp.queued += len(line)
	}
	lp.mu.Unlock()
	select {
	case lp.wake <- struct{}{}:
	default:
	}
	return true
}

// run writes what is queued as it comes, and draws the bar at each
// tick, until Close; then it writes what is left and ends.
func (lp *linePrinter) run() {
	defer close(lp.done)
	for {
		select {
		case <-lp.wake:
		case <-lp.tick:
		}
		lp.mu.Lock()
		lines, closing := lp.lines, lp.closing
		if lp.droppedAt >= 0 {
			lines[lp.droppedAt] = droppedLine(lp.dropped, lp.droppedTranscript, lp.maxQueued)
		}
		lp.lines, lp.queued, lp.progressAt, lp.droppedAt, lp.dropped, lp.droppedTranscript = nil, 0, -1, -1, 0, 0
		lp.mu.Unlock()
		lp.write(lines)
		if closing {
			return
		}
	}
}

// write writes lines, around the bar when there is one.
func (lp *linePrinter) write(lines []string) {
	if lp.bar != nil && len(lines) > 0 {
		lp.bar.clear()
	}
	for _, l := range lines {
		io.WriteString(lp.w, l)
	}
	if lp.bar != nil {
		lp.bar.draw()
	}
}

// Close writes what is queued and returns once it is written: what was
// said during the delivery comes before what follows it (the summary).
// Call it once; nothing is added after.
func (lp *linePrinter) Close() {
	lp.mu.Lock()
	lp.closing = true
	lp.mu.Unlock()
	select {
	case lp.wake <- struct{}{}:
	default:
	}
	<-lp.done
}

// droppedLine is the line in place of n notes not queued past max bytes,
// transcript of them lines of --debug's transcript.
func droppedLine(n, transcript, max int) string {
	of := ""
	switch {
	case transcript == 0:
	case transcript == n:
		of = verbFor(n, " (of the --debug transcript)", " (all of the --debug transcript)")
	default:
		of = fmt.Sprintf(" (%d of the --debug transcript)", transcript)
	}
	return fmt.Sprintf("note: %d more %s not shown%s: %s said while stderr was not read, past the %s held for it; report.csv has every row's outcome\n",
		n, verbFor(n, "line", "lines"), of, verbFor(n, "it was", "they were"), byteSize(int64(max)))
}
