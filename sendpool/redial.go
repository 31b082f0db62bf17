package sendpool

import "time"

// redialState is how the pool's workers dial again after failed dials,
// under poolRun.mu. The dials of one round (those begun before any of
// them failed) count as one attempt: the first of them to fail counts
// and announces when the pool dials again, the others wait for that
// time, and no worker dials before it. Four workers whose dials failed at
// once used to count four attempts and announce four waits, of which the
// run, stopping at the fifth failure, waited out the shortest.
type redialState struct {
	fails int       // failed rounds in a row (none since a dial succeeded)
	round int       // the round now dialing
	at    time.Time // when the next round may dial; zero: at once
}

// dialTurn waits until the pool may dial again after failed dials and
// returns the round a dial begun now belongs to; false when the run
// halted first.
func (r *poolRun) dialTurn() (int, bool) {
	for {
		r.mu.Lock()
		round, wait := r.redial.round, r.redial.at.Sub(r.p.clock.Now())
		r.mu.Unlock()
		if wait <= 0 {
			return round, true
		}
		if !r.sleep(wait) {
			return 0, false
		}
	}
}

// sleep waits d on the run's clock; false when the run halted first.
func (r *poolRun) sleep(d time.Duration) bool {
	t := r.p.clock.NewTimer(d)
	select {
	case <-t.C():
		return true
	case <-r.haltCtx.Done():
		t.Stop()
		return false
	}
}

// dialFailed counts the failure of a dial of round: it returns the
// failed rounds in a row and, unless that reaches limit, when the next
// round dials. counted is false when another dial of round failed first
// (that one counted the round and announced its wait).
func (r *poolRun) dialFailed(round, limit int) (n int, at time.Time, counted bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if round != r.redial.round {
		return 0, time.Time{}, false
	}
	r.redial.round++
	r.redial.fails++
	n = r.redial.fails
	if n < limit {
		r.redial.at = r.p.clock.Now().Add(r.backoff(n))
	}
	return n, r.redial.at, true
}

// dialSucceeded ends a series of failed dials: the next failure is the
// first, and waiting workers dial when their wait ends.
func (r *poolRun) dialSucceeded() {
	r.mu.Lock()
	r.redial.fails, r.redial.at = 0, time.Time{}
	r.mu.Unlock()
}
