package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// errOutputGone is the cause of a context watchOutput cancelled: the
// reader of the command's output went away.
var errOutputGone = errors.New("the reader of the output is gone")

// watchOutput returns ctx, cancelled with errOutputGone as soon as out,
// when it is a pipe or a socket, loses its reader (tidings preview c.yaml
// | head -1, once head has exited), rather than at the command's next
// write, which may come only once the work is done; stop ends the watch
// (and cancels the context it returned). A command that writes files as
// it goes (preview) stops writing them then. Where the system cannot tell
// (not a Unix system, or out a terminal or a file) ctx is only wrapped.
func watchOutput(ctx context.Context, out io.Writer) (_ context.Context, stop func()) {
	f, ok := rawFile(out)
	if !ok {
		return ctx, func() {}
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&(fs.ModeNamedPipe|fs.ModeSocket) == 0 {
		return ctx, func() {}
	}
	ctx, cancel := context.WithCancelCause(ctx)
	end := awaitReaderGone(f, func() { cancel(errOutputGone) })
	return ctx, func() {
		end()
		cancel(nil)
	}
}

// outputGone ends a command whose output's reader went away
// (errOutputGone) as the other commands that only print end: a write to
// out kills the process with SIGPIPE, as Go does for a closed stdout,
// saying nothing (a shell says 141). Where that write does not kill it
// (out no such pipe: a test), the error says what happened.
func outputGone(out io.Writer, what string) error {
	fmt.Fprintln(out, what)
	return fmt.Errorf("%s: %w", what, errOutputGone)
}
