package bounces

import (
	"context"
	"fmt"
)

// Session is a Mailbox that ends: Close logs out (IMAP) or quits (POP3,
// which removes the messages Delete marked). A mailbox.Mailbox is one.
type Session interface {
	Mailbox
	Close(ctx context.Context) error
}

// DisposeStopped moves or deletes the reports a stopped run read and
// recorded (stopped.Recorded; stopped.MoveTo, stopped.Delete say which),
// on a new session that open gives (the stopped run's is over) and that
// it ends. ctx bounds it all: the caller gives it a time limit of its
// own, since the run's may be up, and each command keeps its own bounds.
// It sets stopped.Disposed, or stopped.DisposeErr when it failed (the
// reports stay then, and the next run reads them again, recording
// nothing twice), which stopped's Error then tells, and returns
// stopped.Disposed. A stopped run with nothing recorded to move or
// delete opens nothing.
func DisposeStopped(ctx context.Context, open func(context.Context) (Session, error), stopped *StoppedError) int {
	if len(stopped.Recorded) == 0 || stopped.DryRun {
		return 0
	}
	if err := disposeOn(ctx, open, stopped); err != nil {
		stopped.DisposeErr = err
		return 0
	}
	stopped.Disposed = len(stopped.Recorded)
	return stopped.Disposed
}

// disposeOn opens a session, moves or deletes stopped.Recorded there and
// ends it.
func disposeOn(ctx context.Context, open func(context.Context) (Session, error), stopped *StoppedError) error {
	s, err := open(ctx)
	if err != nil {
		return err
	}
	err = dispose(ctx, s, stopped.Recorded, Options{MoveTo: stopped.MoveTo, Delete: stopped.Delete})
	cerr := s.Close(context.WithoutCancel(ctx))
	if err == nil && cerr != nil && stopped.MoveTo == "" {
		// POP3 removes them at QUIT: they may still be there.
		return fmt.Errorf("bounces: ending the session, which removes them: %w", cerr)
	}
	return err
}
