package main

import (
	"context"

	"github.com/tidings/tidings/sendpool/journal"
)

// lazyRecorder records bounces' findings in the journal, opening it (and
// with it the run's line) at the first record: a cron job that reads an
// empty mailbox every ten minutes adds nothing to the journal, as a send
// with nothing to send adds nothing.
type lazyRecorder struct {
	lock *journal.Lock
	run  journal.Run
	w    *journal.Writer
}

// Feedback opens the journal on its first call, then records f; ctx is
// the record's (one past bounces' deadline, when a stopped run records
// what it read).
func (l *lazyRecorder) Feedback(ctx context.Context, f journal.Feedback) error {
	if l.w == nil {
		w, err := journal.Open(ctx, l.lock, l.run)
		if err != nil {
			return err
		}
		l.w = w
	}
	return l.w.Feedback(ctx, f)
}

// Close closes the journal when a record opened it.
func (l *lazyRecorder) Close() error {
	if l.w == nil {
		return nil
	}
	return l.w.Close()
}
