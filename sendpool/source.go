package sendpool

import (
	"context"
	"io"
	"sync"
	"time"

	"github.com/tidings/tidings/render"
)

// Source yields the messages to deliver. Next returns io.EOF after the
// last one; any other error stops the run. Next must return when ctx ends.
// The pool calls Next from one goroutine only.
type Source interface {
	Next(ctx context.Context) (*render.Message, error)
}

// RetryPacer is a Source whose limits hold the pool's retries too (a
// DomainScheduler): before a message goes again, Run waits for
// PaceRetry(ctx, recipients of the try), which takes the try's turn or
// returns ctx.Err(). It is called from many goroutines at once, and
// concurrently with Next.
type RetryPacer interface {
	Source
	PaceRetry(ctx context.Context, recipients []string) error
}

// SourceFunc adapts a function to Source.
type SourceFunc func(ctx context.Context) (*render.Message, error)

// Next implements Source.
func (f SourceFunc) Next(ctx context.Context) (*render.Message, error) { return f(ctx) }

// SliceSource yields msgs in order.
func SliceSource(msgs []*render.Message) Source {
	i := 0
	return SourceFunc(func(context.Context) (*render.Message, error) {
		if i >= len(msgs) {
			return nil, io.EOF
		}
		i++
		return msgs[i-1], nil
	})
}

// ChanSource yields what arrives on ch until it is closed.
func ChanSource(ch <-chan *render.Message) Source {
	return SourceFunc(func(ctx context.Context) (*render.Message, error) {
		select {
		case m, ok := <-ch:
			if !ok {
				return nil, io.EOF
			}
			return m, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	})
}

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
