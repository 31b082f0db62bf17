package bounces

import (
	"context"
	"errors"
	"fmt"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/mailbox"
)

// StoppedError is a run the mailbox session stopped before it read every
// message: a bound of the session (mailbox.ErrLimit, the run's time limit
// among them) or a lost connection. What the Read messages read before
// it held is recorded and suppressed all the same (but in a dry run).
// Without MoveTo and Delete, the messages read are remembered
// (Remembered, Options.Memory) and the next run skips them; with one of
// them, the reports among them are moved or deleted on a new session
// (DisposeStopped), and the next run reads the rest. A message neither
// remembered nor moved away is read again by the next run, which records
// nothing twice for it.
type StoppedError struct {
	Err error
	// Read is how many of the Listed messages were read before it; Listed
	// is 0 when listing them failed. Skipped counts the messages not read
	// because an earlier run read them.
	Read, Listed, Skipped int
	DryRun                bool
	// Remembered says the messages read are in Options.Memory's file.
	Remembered bool
	// Recorded lists the reports read before the stop, once they are
	// recorded, when MoveTo or Delete asks to move or delete them.
	Recorded []string
	MoveTo   string
	Delete   bool
	// Disposed counts those of Recorded DisposeStopped moved or deleted;
	// DisposeErr says why it moved or deleted none.
	Disposed   int
	DisposeErr error
}

func (e *StoppedError) Error() string {
	_, cutTwice := errors.AsType[*ListCutError](e.Err)
	switch {
	case e.Listed == 0 && cutTwice:
		return fmt.Sprintf("%v; no message was read", e.Err)
	case e.Listed == 0:
		return fmt.Sprintf("%v; no message was read yet: the next run reads the mailbox", e.Err)
	case e.DryRun:
		return fmt.Sprintf("%v; %d of %d messages were read (a dry run records and remembers nothing, and moves nothing); the next run reads them again", e.Err, e.Read, e.Listed)
	}
	return fmt.Sprintf("%v; nothing read so far is lost: what the %d of %d messages read before it held is recorded, and %s", e.Err, e.Read, e.Listed, e.next())
}

// next says what the next run does.
func (e *StoppedError) next() string {
	rest := e.Listed - e.Read
	moving := e.MoveTo != "" || e.Delete
	switch {
	case e.Remembered && !moving:
		return fmt.Sprintf("the next run skips them (they are remembered in the state folder's %s) and reads the %d not read yet", ReadFile, rest)
	case e.DisposeErr != nil:
		return fmt.Sprintf("%s them on a new session failed too (%v): they stay in the mailbox, and the next run reads them again (recording nothing twice)%s%s%s", e.verb("moving", "deleting"), e.DisposeErr, andNotYet(rest), e.othersSkipped("; "), e.readAgain(e.readAgainCount(len(e.Recorded))))
	case len(e.Recorded) > 0 && e.Disposed == len(e.Recorded) && rest == 0:
		// Stopped while it moved or deleted them, every message read.
		return fmt.Sprintf("%s %s on a new session: every message listed was read%s", e.disposedWere(), e.verb("moved to "+e.MoveTo, "deleted"), e.readAgain(e.readAgainCount(0)))
	case len(e.Recorded) > 0 && e.Disposed == len(e.Recorded):
		others := " (and the other messages read, left in the mailbox, again, recording nothing twice)"
		if e.Remembered {
			others = ""
			if skipped := e.othersSkipped(""); skipped != "" {
				others = " (" + skipped + ")"
			}
		}
		return fmt.Sprintf("%s %s on a new session; the next run reads the %d not read yet%s%s", e.disposedWere(), e.verb("moved to "+e.MoveTo, "deleted"), rest, others, e.readAgain(e.readAgainCount(0)))
	case moving && len(e.Recorded) == 0 && e.Remembered:
		return fmt.Sprintf("none of them was a report to %s: the next run skips them (they are remembered in the state folder's %s) and reads the %d not read yet", e.verb("move", "delete"), ReadFile, rest)
	case moving && len(e.Recorded) == 0:
		return fmt.Sprintf("none of them was a report to %s; the next run reads them again (recording nothing twice) and the %d not read yet%s", e.verb("move", "delete"), rest, e.readAgain(e.Read))
	}
	if limit, ok := errors.AsType[*mailbox.RunLimit](e.Err); ok {
		// The next run reads from the first message again: in as much
		// time it stops about here.
		return fmt.Sprintf("the next run reads the mailbox again from its first message (recording nothing twice), and gets to the %d not read yet only with more time than %s (%s), or once a run that ends moved the others away (--move-to, --delete)",
			rest, sendpool.LimitText(limit.Limit), limit.Setting)
	}
	return fmt.Sprintf("the next run reads the mailbox again from its first message (recording nothing twice), and the %d not read yet", rest)
}

// disposedWere is "the N reports among them were" (moved or deleted).
func (e *StoppedError) disposedWere() string {
	if e.Disposed == 1 {
		return "the report among them was"
	}
	return fmt.Sprintf("the %d reports among them were", e.Disposed)
}

// andNotYet is " and the N not read yet" of rest messages not read, ""
// when none is left.
func andNotYet(rest int) string {
	if rest == 0 {
		return ""
	}
	return fmt.Sprintf(" and the %d not read yet", rest)
}

// others counts the messages a run that moves or deletes read and that
// were no report to move: left in the mailbox.
func (e *StoppedError) others() int { return e.Read - len(e.Recorded) }

// othersSkipped says, after lead, that the next run skips the other
// messages read (remembered: Options.Memory); "" when there are none or
// they are not remembered.
func (e *StoppedError) othersSkipped(lead string) string {
	if !e.Remembered || e.others() <= 0 {
		return ""
	}
	return fmt.Sprintf("%sit skips the %d other messages read, left in the mailbox: they are remembered in the state folder's %s", lead, e.others(), ReadFile)
}

// readAgainCount is how many of the messages read the next run reads
// again: reports, those it could not move, and the others unless they
// are remembered.
func (e *StoppedError) readAgainCount(reports int) int {
	if e.Remembered {
		return reports
	}
	return reports + e.others()
}

// readAgain tells, of a run its time limit stopped, that the left
// messages it read and left in the mailbox count against the next run's
// time again (a run that moves or deletes reads every message): "" when
// none is left, or another bound stopped it.
func (e *StoppedError) readAgain(left int) string {
	limit, ok := errors.AsType[*mailbox.RunLimit](e.Err)
	if !ok || left <= 0 {
		return ""
	}
	return fmt.Sprintf("; the %d it reads again count against its %s (%s) too: when they fill it, give one run more time", left, sendpool.LimitText(limit.Limit), limit.Setting)
}

// verb is move when the reports are moved, del when deleted.
func (e *StoppedError) verb(move, del string) string {
	if e.MoveTo != "" {
		return move
	}
	return del
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
