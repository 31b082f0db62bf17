package main

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tidings/tidings/render"
)

// renderProgress says on stderr, while a send's preflight checks and
// renders every row before the first message leaves, how far it has got:
// a line every progressEvery, on a terminal and off one alike ("rendering:
// 12000 messages rendered, 30s so far; the first message leaves once
// every row is checked"). Without it a CI log showed nothing from the
// command's start to the plan, the minutes 40,000 DKIM-signed rows take.
// A preflight shorter than progressEvery, one that reuses the spool
// included, says nothing; --quiet shows none. counting's function and
// Stop are safe for concurrent use with the lines.
type renderProgress struct {
	rendered atomic.Int64
	// leaves says when the first message goes: the run's, or, in a later
	// part of a send in parts, which renders its rows again, the part's.
	leaves  string
	stop    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

// startRenderProgress starts the lines of a preflight on g's stderr,
// driven by clock.render (nil: a ticker every progressEvery) and timed
// from clock.now (nil: time.Now), of the send's part part (1: the first,
// or a send not in parts; a later part's lines name it). The caller calls
// Stop once the preflight has ended.
func startRenderProgress(g *globalOptions, clock progressClock, part int) *renderProgress {
	r := &renderProgress{stop: make(chan struct{}), stopped: make(chan struct{}), leaves: "the first message"}
	if part > 1 {
		r.leaves = fmt.Sprintf("part %d's first message", part)
	}
	if g.quiet {
		close(r.stopped)
		return r
	}
	now := clock.now
	if now == nil {
		now = time.Now
	}
	tick, stopTicker := clock.render, func() {}
	if tick == nil {
		t := time.NewTicker(progressEvery)
		tick, stopTicker = t.C, t.Stop
	}
	go r.writeLines(g, now(), tick, stopTicker)
	return r
}

// counting returns onMessage, which counts each message it is given
// first.
func (r *renderProgress) counting(onMessage func(*render.Message)) func(*render.Message) {
	return func(m *render.Message) {
		r.rendered.Add(1)
		onMessage(m)
	}
}

// writeLines writes a line for every tick until Stop, and one more for
// a tick come by then.
func (r *renderProgress) writeLines(g *globalOptions, start time.Time, tick <-chan time.Time, stopTicker func()) {
	defer close(r.stopped)
	defer stopTicker()
	for {
		select {
		case at := <-tick:
			g.errLine(r.line(at.Sub(start)))
		case <-r.stop:
			select {
			case at := <-tick:
				g.errLine(r.line(at.Sub(start)))
			default:
			}
			return
		}
	}
}

// line words how far the rendering got after elapsed, the time as the
// delivery's line gives it (roughDuration).
func (r *renderProgress) line(elapsed time.Duration) string {
	return fmt.Sprintf("rendering: %d messages rendered, %s so far; %s leaves once every row is checked",
		r.rendered.Load(), roughDuration(max(elapsed, 0)), r.leaves)
}

// Stop ends the lines, once the last is written.
func (r *renderProgress) Stop() {
	r.once.Do(func() { close(r.stop) })
	<-r.stopped
}
