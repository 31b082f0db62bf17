package bounces

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/tidings/tidings/sendpool/mailbox"
)

// passOver goes on, after an exchange about one message overran its
// bounds or was cut (err) and ended the session, on a new one when mb can open one
// (a Reopener). When it cannot, the error says why: err when mb is no
// Reopener or ctx is done, else a *reopenError.
func passOver(ctx context.Context, mb Mailbox, err error) error {
	return reopenAfter(ctx, mb, err, "reading on past it")
}

// reopenAfter is passOver, doing saying what the new session was for in
// its error ("reading on past it").
func reopenAfter(ctx context.Context, mb Mailbox, err error, doing string) error {
	ro, ok := mb.(Reopener)
	if !ok || ctx.Err() != nil {
		return err
	}
	if rerr := ro.Reopen(ctx); rerr != nil {
		return &reopenError{fmt.Errorf("%v; %s on a new session failed: %v%s", err, doing, rerr, lockedOut(mb, rerr)), rerr}
	}
	return nil
}

// lockedOut says why a new POP3 session after one cut short (rerr, its
// failure) may have been refused: the server locks the maildrop for one
// session at a time (Dovecot's pop3_lock_session), and still holds it for
// the one cut short until it notices that is gone, refusing the login
// (mailbox.ErrInUse) or making it wait; "" for other failures.
func lockedOut(mb Mailbox, rerr error) string {
	const not = "; this does not count against the message: the next run tries it again"
	switch {
	case errors.Is(rerr, mailbox.ErrInUse):
		return " (the server still holds the maildrop for the session cut short, not having noticed it is gone)" + not
	case strings.HasPrefix(mb.Scope().Key, "pop3 ") && mailbox.Overran(rerr):
		return " (a POP3 server that locks the maildrop for one session at a time may still hold it for the session cut short, and keep the login waiting)" + not
	}
	return ""
}

// Reopener is a Mailbox that can go on on a new session once an exchange
// ended its own: Process passes over a message whose fetch overran
// or cut the connection (cutShort) and reads on, where it would stop.
type Reopener interface {
	Mailbox
	// Reopen ends the session and opens a new one on the same mailbox
	// (Scope), which the Mailbox's calls use from then on.
	Reopen(ctx context.Context) error
}

// Reopening is a Session that Reopen replaces by a new one from open:
// Close ends the last.
type Reopening struct {
	Session
	open func(context.Context) (Session, error)
}

// NewReopening is s, reopened with open when asked.
func NewReopening(s Session, open func(context.Context) (Session, error)) *Reopening {
	return &Reopening{Session: s, open: open}
}

// Reopen ends r's session and opens another; one on another mailbox (its
// Scope changed: the folder made anew, with other UIDs) is closed, and
// an error, r's session staying the ended one.
func (r *Reopening) Reopen(ctx context.Context) error {
	r.Session.Close(context.WithoutCancel(ctx)) // ended by the overrun already: nothing is sent
	s, err := r.open(ctx)
	if err != nil {
		return fmt.Errorf("bounces: opening a new session: %w", err)
	}
	if s.Scope() != r.Session.Scope() {
		s.Close(context.WithoutCancel(ctx))
		return fmt.Errorf("bounces: the new session's mailbox is another (%s, was %s)", s.Scope().Key, r.Session.Scope().Key)
	}
	r.Session = s
	return nil
}

// readAgainCut reads message e (Index.read), and once more on a new
// session when the server cut the connection on its fetch
// (mailbox.Dropped): a cut may be the server's alone (a restart, or a
// close after it refused the message before, found only by the next
// command), and only one that cuts the new session too is the message's.
// When no new session can be opened, the error says why, and is no cut.
// A cut the new session read past is returned as cut, for the run to
// tell (nil: none).
func (ix *Index) readAgainCut(ctx context.Context, mb Mailbox, e mailbox.Entry, rule unsubscribeRule, c ours) (f Finding, cut, err error) {
	f, err = ix.read(ctx, mb, e, rule, c)
	if f.saidGone != "" && err == nil {
		f, err = ix.readAgainGone(ctx, mb, e, f, rule, c)
		return f, nil, err
	}
	fe, ok := errors.AsType[*fetchError](err)
	if !ok || !mailbox.Dropped(fe.err) {
		return f, nil, err
	}
	if serr := passOver(ctx, mb, fe.err); serr != nil {
		return f, nil, &fetchError{serr}
	}
	f, err = ix.read(ctx, mb, e, rule, c)
	if err != nil {
		return f, nil, err
	}
	return f, fe.err, nil
}

// readAgainGone reads message e once more on a new session when the
// server said it is not there although it listed it (f.saidGone):
// another client took it out since, and the new session does not list
// it (f as the new read finds it), or the server cannot open it (Dovecot
// answers "-ERR Message 2 expunged." then too), and says so again: it
// is unreadable, refused (goneAgain), where it was passed over, nothing
// said, run after run. A mailbox that
// cannot open a new session gives f; a new session that fails stops the
// run (a *fetchError).
func (ix *Index) readAgainGone(ctx context.Context, mb Mailbox, e mailbox.Entry, f Finding, rule unsubscribeRule, c ours) (Finding, error) {
	if _, ok := mb.(Reopener); !ok {
		return f, nil
	}
	gone := &mailbox.SaidGoneError{ID: e.ID, Text: f.saidGone}
	if err := reopenAfter(ctx, mb, gone, "asking for it again"); err != nil {
		return f, &fetchError{err}
	}
	again, err := ix.read(ctx, mb, e, rule, c)
	if err != nil || again.saidGone == "" {
		return again, err
	}
	again.Verdict, again.missing, again.refused, again.goneAgain = Unreadable, false, true, true
	again.Problem = fmt.Sprintf("the server says it is not there (-ERR %s), but lists it on a new session too: it cannot give it (Dovecot says so of a message file it cannot open, its owner or permissions wrong after a restore, say: its log says why)", again.saidGone)
	return again, nil
}

// countGone counts f, a message of e the server said is not there on a
// new session too (Finding.goneAgain), as an overrun (overrunRuns): once
// it did so in two runs, the next runs pass it over unread, asking the
// server nothing, rather than open a second session and exit 1 every
// run until it is repaired. f's Problem says what the next run does; the
// PassedOver to count is returned (none when nothing is remembered).
func countGone(f *Finding, e mailbox.Entry, scope mailbox.Scope, opts Options) []PassedOver {
	if opts.Memory == nil || opts.DryRun || scope.Key == "" {
		f.Problem += "; the next run asks for it again"
		return nil
	}
	if runs := opts.Memory.overrunRunsOf(e.ID, e.Size, opts.Bound); runs >= overrunRuns {
		f.Problem += fmt.Sprintf("; so in %d runs now: the next runs skip it, saying so, until %s is removed", runs, ReadFile)
	} else {
		f.Problem += "; the next run asks for it once more, and skips it from then on if the server says so again"
	}
	return []PassedOver{{ID: e.ID, Size: e.Size, Gone: true}}
}

// reopenError is a new session that could not be opened after a cut or
// an overrun (err says both): the run stops there, and no message is at
// fault. It unwraps to why the new session failed (cause: the run's
// --max-time, an interrupt), but not when that was a cut or an overrun
// itself, so that it is never one of a message's.
type reopenError struct{ err, cause error }

func (e *reopenError) Error() string { return e.err.Error() }

// Unwrap is why the new session failed, nil when that was a cut or an
// overrun (cutShort).
func (e *reopenError) Unwrap() error {
	if cutShort(e.cause) {
		return nil
	}
	return e.cause
}
