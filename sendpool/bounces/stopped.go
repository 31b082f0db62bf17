package bounces

import (
	"context"
	"errors"
	"fmt"

	"github.com/tidings/tidings/sendpool/mailbox"
)

// StoppedError is a run the mailbox session stopped before it read every
// message: a bound of the session (mailbox.ErrLimit, the run's time limit
// among them) or a lost connection. What the Read messages read before
// it held is recorded and suppressed all the same (but in a dry run);
// nothing is moved or deleted; the next run reads the messages not read
// yet (and those read, which it records nothing twice for).
type StoppedError struct {
	Err error
	// Read is how many of the Listed messages were read before it; Listed
	// is 0 when listing them failed.
	Read, Listed int
	DryRun       bool
}

func (e *StoppedError) Error() string {
	switch {
	case e.Listed == 0:
		return fmt.Sprintf("%v; no message was read yet: the next run reads the mailbox", e.Err)
	case e.DryRun:
		return fmt.Sprintf("%v; %d of %d messages were read (a dry run records nothing); the next run reads the other %d", e.Err, e.Read, e.Listed, e.Listed-e.Read)
	}
	next := fmt.Sprintf("the %d not read yet are read by the next run", e.Listed-e.Read)
	if limit, ok := errors.AsType[*mailbox.RunLimit](e.Err); ok {
		// The next run reads from the first message again: in as much
		// time it stops about here.
		next = fmt.Sprintf("the next run reads the mailbox again from its first message (recording nothing twice), and gets to the %d not read yet only with more time than %s (%s), or once a run that ends moved the others away (--move-to, --delete)",
			e.Listed-e.Read, limit.Limit, limit.Setting)
	}
	return fmt.Sprintf("%v; nothing read so far is lost: what the %d of %d messages read before it held is recorded, and %s", e.Err, e.Read, e.Listed, next)
}

func (e *StoppedError) Unwrap() error { return e.Err }

// mailboxStopped reports an error of the mailbox that ends the run but
// is no interruption (Ctrl-C): a bound of the session, the run's deadline,
// a lost connection. A refusal of the server (a NO to SEARCH, a folder it
// does not have) is none: the next run meets it again, and it is told as
// it is.
func mailboxStopped(err error) bool {
	if _, refused := errors.AsType[*mailbox.ReplyError](err); refused {
		return false
	}
	return !errors.Is(err, context.Canceled) && !errors.Is(err, mailbox.ErrNoFolder)
}

// fetchError is an error of the mailbox session while fetching a message
// (not a refusal of that one message, which is a finding), as opposed to
// one of the index.
type fetchError struct{ err error }

func (e *fetchError) Error() string { return e.err.Error() }
func (e *fetchError) Unwrap() error { return e.err }
