package plan

import (
	"context"
	"io"

	"golang.org/x/sync/semaphore"

	"github.com/tidings/tidings/render"
)

// feedBytes bounds the data of the messages read from the spool and not
// yet taken by the pool. Newsletters never reach it (the queue holds 64
// messages); messages with a large attachment would otherwise wait there
// by the dozen.
const feedBytes = 16 << 20

// feedQueue carries messages from the spool reader to the pool, at most
// 64 of them and feedBytes of their data (a message larger than that
// alone). One goroutine puts and closes; the pool takes (it is a
// sendpool.Source).
type feedQueue struct {
	ch    chan *render.Message
	bytes *semaphore.Weighted
}

func newFeedQueue() *feedQueue {
	return &feedQueue{ch: make(chan *render.Message, 64), bytes: semaphore.NewWeighted(feedBytes)}
}

func feedWeight(m *render.Message) int64 { return min(int64(len(m.Data)), feedBytes) }

// put waits for room and queues m; it returns ctx's error when ctx ends
// first.
func (q *feedQueue) put(ctx context.Context, m *render.Message) error {
	w := feedWeight(m)
	if err := q.bytes.Acquire(ctx, w); err != nil {
		return err
	}
	select {
	case q.ch <- m:
		return nil
	case <-ctx.Done():
		q.bytes.Release(w)
		return ctx.Err()
	}
}

// close ends the queue: Next returns io.EOF once it is empty.
func (q *feedQueue) close() { close(q.ch) }

// Next implements sendpool.Source.
func (q *feedQueue) Next(ctx context.Context) (*render.Message, error) {
	select {
	case m, ok := <-q.ch:
		if !ok {
			return nil, io.EOF
		}
		q.bytes.Release(feedWeight(m))
		return m, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// drain empties the queue after the pool stopped taking, until the putter
// closed it.
func (q *feedQueue) drain() {
	for m := range q.ch {
		q.bytes.Release(feedWeight(m))
	}
}
