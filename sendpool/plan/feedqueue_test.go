package plan

import (
	"context"
	"errors"
	"io"
	"testing"
	"testing/synctest"

	"github.com/tidings/tidings/render"
)

// TestFeedQueueBytes: the queue takes messages until feedBytes of them
// wait (one larger than that alone), taking one makes room, and a putter
// waiting for room ends with its context.
func TestFeedQueueBytes(t *testing.T) {
	msg := func(row, size int) *render.Message { return &render.Message{Row: row, Data: make([]byte, size)} }
	synctest.Test(t, func(t *testing.T) {
		q := newFeedQueue()
		ctx, cancel := context.WithCancel(t.Context())
		put := 0
		done := make(chan error)
		sizes := []int{6 << 20, 6 << 20, 6 << 20, feedBytes + 1, 10}
		go func() {
			for i, size := range sizes {
				if err := q.put(ctx, msg(i+2, size)); err != nil {
					done <- err
					return
				}
				put++
			}
			done <- nil
		}()
		synctest.Wait()
		if put != 2 { // 12 MB wait; a third 6 MB would pass 16 MB
			t.Fatalf("%d messages queued, want 2", put)
		}
		for want := 2; want <= 4; want++ { // the 17 MB one needs all the room
			m, err := q.Next(ctx)
			if err != nil || m.Row != want {
				t.Fatalf("Next: row %v, %v; want %d", m, err, want)
			}
			synctest.Wait()
		}
		if put != 4 {
			t.Fatalf("%d messages queued after taking three, want 4", put)
		}
		cancel() // the 10-byte one waits behind the 17 MB one
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("put after cancel: %v, want context.Canceled", err)
		}
		q.close()
		if _, err := q.Next(t.Context()); err != nil {
			t.Fatalf("Next after close with messages left: %v", err)
		}
		if _, err := q.Next(t.Context()); !errors.Is(err, io.EOF) {
			t.Fatalf("Next on the empty closed queue: %v, want io.EOF", err)
		}
	})
}
