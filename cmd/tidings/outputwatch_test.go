//go:build unix

package main

import (
	"context"
	"errors"
	"os"
	"testing"
)

// TestWatchOutputInProcess: watchOutput on a pipe cancels its context
// with errOutputGone once the pipe's reader closes, from its own
// goroutine (run with -race), and stop ends the watch whether or not it
// fired, leaving the context cancelled but not as gone.
func TestWatchOutputInProcess(t *testing.T) {
	t.Parallel()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx, stop := watchOutput(context.Background(), w)
	r.Close()
	<-ctx.Done()
	if !errors.Is(context.Cause(ctx), errOutputGone) {
		t.Errorf("cause %v, want errOutputGone", context.Cause(ctx))
	}
	stop()

	r2, w2, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r2.Close()
	defer w2.Close()
	ctx2, stop2 := watchOutput(context.Background(), w2)
	stop2()
	if ctx2.Err() == nil || errors.Is(context.Cause(ctx2), errOutputGone) {
		t.Errorf("after stop, reader there: %v (%v)", ctx2.Err(), context.Cause(ctx2))
	}
}
