package main

import "time"

// paceKeep is how many of the latest messages done the recent pace is
// taken over, at most.
const paceKeep = 100

// paceLeast is how many messages done since the window's start the recent
// pace needs; with fewer the line keeps the run's average.
const paceLeast = 10

// pace is the recent pace of a delivery: the messages done over the
// latest paceKeep, or since the delivery came back from an outage (no
// connection could be made) when that was later, against the time from
// the first of them until now. The run's average counts the time offline
// (40 s without a network at 10 msg/s read "4.2 msg/s, about 4m59s left"
// where the pace once connected again gave about 2 minutes); a pace over
// the latest messages only does not. The zero value is ready to use; it
// is not safe for concurrent use (progress holds its lock).
type pace struct {
	// done are the times the latest messages were done (at most
	// paceKeep), oldest first, as a ring from next.
	done [paceKeep]time.Time
	n    int
	next int
}

// add notes a message done at t.
func (p *pace) add(t time.Time) {
	p.done[p.next] = t
	p.next = (p.next + 1) % paceKeep
	p.n = min(p.n+1, paceKeep)
}

// resume notes that the next message done is the first since an outage:
// the pace is taken after it, the messages before forgotten.
func (p *pace) resume() { p.n, p.next = 0, 0 }

// perSecond is the recent pace as of now, in messages per second, and
// whether there is one: paceLeast messages done after the window's start,
// the oldest message kept (the first since an outage, after one).
func (p *pace) perSecond(now time.Time) (float64, bool) {
	if p.n == 0 {
		return 0, false
	}
	from := p.done[(p.next-p.n+paceKeep)%paceKeep]
	count := 0
	for i := range p.n {
		if p.done[i].After(from) {
			count++
		}
	}
	span := now.Sub(from)
	if count < paceLeast || span <= 0 {
		return 0, false
	}
	return float64(count) / span.Seconds(), true
}
