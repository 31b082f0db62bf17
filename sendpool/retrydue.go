package sendpool

import (
	"sync"
	"time"
)

// RetryDue is when the messages a run left waiting for a retry (it
// stopped first) were due for it, by message key: the next run of the
// same send (Config.RetryDue) gives each its try then, not at once, so a
// server that said to wait (a greylisting one, a throttle) is not asked
// again before it said. Safe for concurrent use; the zero value is empty.
type RetryDue struct {
	mu  sync.Mutex
	due map[string]time.Time
}

// set records that the message of key was due for a retry at t.
func (d *RetryDue) set(key string, t time.Time) {
	if d == nil || t.IsZero() {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.due == nil {
		d.due = map[string]time.Time{}
	}
	d.due[key] = t
}

// take returns when the message of key was due for a retry, and forgets
// it; zero when none was left waiting.
func (d *RetryDue) take(key string) time.Time {
	if d == nil {
		return time.Time{}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	t := d.due[key]
	delete(d.due, key)
	return t
}
