package sendpool

import (
	"context"
	"io"

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
