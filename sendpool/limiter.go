package sendpool

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// Limiter tuning. A throttling reply halves the rate (at most once per
// cutGap, since every in-flight message may report the same throttle); after
// riseEvery without throttling the rate grows by riseFactor (about 2^¼, never
// past the ceiling), so recovery from one halving takes about 40s, and a rate
// cut far below the ceiling climbs back in proportion instead of jumping back
// to where the server refused it (a step of an eighth of the ceiling took a
// rate cut to 1.8/s back to 14/s at once, against a provider taking 2/s).
const (
	riseEvery  = 10 * time.Second
	riseFactor = 1.19
	minCutGap  = 2 * time.Second
	floorParts = 64
	minRate    = 1.0 / 3600 // never slower than one message an hour
)

// Limiter is the pool's one shared rate limit: a token bucket
// (golang.org/x/time/rate) read through an injectable Clock, which slows down
// when the server throttles and recovers gradually. It is safe for
// concurrent use.
type Limiter struct {
	clock Clock

	mu      sync.Mutex
	lim     *rate.Limiter // nil while unlimited
	burst   int
	target  float64 // configured rate per second; 0 = unlimited
	ceiling float64 // rate recovered to: target, or an estimate when unlimited
	current float64 // rate in force; 0 = unlimited
	cutAt   time.Time
	riseAt  time.Time
	// took says the server took a message since the last cut (Took).
	took atomic.Bool
	// granted and first estimate the throughput while unlimited.
	granted int
	first   time.Time
}

// NewLimiter returns a limiter allowing perSecond events a second with the
// given burst; perSecond 0 means unlimited (until a throttle). A nil clock
// means the system clock.
func NewLimiter(perSecond float64, burst int, clock Clock) *Limiter {
	if clock == nil {
		clock = SystemClock{}
	}
	if burst < 1 {
		burst = 1
	}
	l := &Limiter{clock: clock, burst: burst, target: perSecond, ceiling: perSecond, current: perSecond}
	if perSecond > 0 {
		l.lim = rate.NewLimiter(rate.Limit(perSecond), burst)
	}
	return l
}

// Target is the rate the limiter was made with, events per second (0:
// unlimited); Rate is lower while a throttle holds.
func (l *Limiter) Target() float64 { return l.target }

// Rate is the rate in force, events per second; 0 means unlimited.
func (l *Limiter) Rate() float64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.current
}

// Wait blocks until one event may happen, or ctx ends (then it returns
// ctx.Err() and gives the slot back).
func (l *Limiter) Wait(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	r, delay := l.reserve(l.clock.Now())
	l.mu.Unlock()
	if delay <= 0 {
		return nil
	}
	t := l.clock.NewTimer(delay)
	select {
	case <-t.C():
		return nil
	case <-ctx.Done():
		t.Stop()
		r.CancelAt(l.clock.Now())
		return ctx.Err()
	}
}

// tryTake takes a token when one is free at once, never waiting, and
// reports whether it did.
func (l *Limiter) tryTake() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	r, delay := l.reserve(now)
	if delay > 0 {
		r.CancelAt(now)
		return false
	}
	return true
}

// reserve takes a token at now, raising the rate first when it is due:
// it returns the reservation (nil while unlimited, when it counts the
// token for the throughput estimate) and how long until the token is due.
// l.mu is held.
func (l *Limiter) reserve(now time.Time) (*rate.Reservation, time.Duration) {
	l.rise(now)
	if l.lim == nil {
		if l.granted == 0 {
			l.first = now
		}
		l.granted++
		return nil, 0
	}
	r := l.lim.ReserveN(now, 1)
	return r, r.DelayFrom(now)
}

// Cut is what Limiter.Cut did: Rate is the rate in force after it, Was
// the rate before (0: unlimited), Changed whether it cut the rate. Own,
// on a cut made, says the server took nothing (Took) since the limiter's
// cut before, over every run that shares the limiter (the parts of a
// long send): Was is then a rate the limiter cut itself to while the
// server took nothing, not one the server took messages at before it
// asked to slow down.
type Cut struct {
	Rate, Was    float64
	Changed, Own bool
}

// Took notes that the server took a message (a recipient) at the rate in
// force, for Cut's Own. Safe for concurrent use.
func (l *Limiter) Took() {
	if !l.took.Load() { // no write, and no contended cache line, while set
		l.took.Store(true)
	}
}

// Cut tells the limiter the server asked to slow down. It halves the
// rate in force (down to a floor; from unlimited it starts at the
// throughput seen so far) and says what it did: the new rate, the one
// before, whether it changed, and whether the server took nothing since
// the cut before (Cut.Own).
func (l *Limiter) Cut() Cut {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	c := Cut{Rate: l.current, Was: l.current}
	if !l.cutAt.IsZero() && l.current > 0 && now.Sub(l.cutAt) < max(minCutGap, time.Duration(float64(time.Second)/l.current)) {
		return c
	}
	if l.current == 0 {
		l.ceiling = l.estimate(now)
		l.current = l.ceiling
	}
	floor := max(l.ceiling/floorParts, minRate)
	next := max(l.current/2, floor)
	cutBefore := !l.cutAt.IsZero()
	l.cutAt, l.riseAt = now, now
	if next == l.current && l.lim != nil {
		return Cut{Rate: l.current, Was: c.Was}
	}
	l.current = next
	if l.lim == nil {
		l.lim = rate.NewLimiter(rate.Limit(next), l.burst)
		// Start empty: the throttle says the bucket was overdrawn.
		l.lim.ReserveN(now, l.burst)
	} else {
		l.lim.SetLimitAt(now, rate.Limit(next))
	}
	took := l.took.Swap(false)
	return Cut{Rate: next, Was: c.Was, Changed: true, Own: cutBefore && !took}
}

// estimate is the throughput while unlimited, events per second.
func (l *Limiter) estimate(now time.Time) float64 {
	if l.granted == 0 {
		return 1
	}
	secs := math.Max(now.Sub(l.first).Seconds(), 1)
	return math.Max(float64(l.granted)/secs, 1)
}

// rise raises the rate one step when riseEvery has passed without a
// throttle; l.mu is held.
func (l *Limiter) rise(now time.Time) {
	if l.cutAt.IsZero() || l.current == 0 || l.current >= l.ceiling && l.target > 0 {
		return
	}
	if now.Sub(l.riseAt) < riseEvery {
		return
	}
	l.riseAt = now
	if l.current >= l.ceiling && l.target == 0 {
		// Recovered to the estimate: unlimited again.
		l.current, l.lim, l.cutAt = 0, nil, time.Time{}
		l.granted = 0
		return
	}
	l.current = min(l.ceiling, l.current*riseFactor)
	l.lim.SetLimitAt(now, rate.Limit(l.current))
}
