package main

import "context"

// awaitInput runs read, a read of the terminal that no context reaches,
// and returns what it gave, or errInterrupted once ctx ends first: the
// read is then left behind, as the process ends. The prompts of send's
// confirmation and of a password share it.
func awaitInput[T any](ctx context.Context, read func() (T, error)) (T, error) {
	type answer struct {
		v   T
		err error
	}
	answered := make(chan answer, 1)
	go func() {
		v, err := read()
		answered <- answer{v, err}
	}()
	select {
	case <-ctx.Done():
		var zero T
		return zero, errInterrupted
	case a := <-answered:
		return a.v, a.err
	}
}
