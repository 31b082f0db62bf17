package mailbox

import (
	"context"
	"errors"
	"io"
	"net"
	"syscall"
)

// Overran reports whether err ended an exchange at a bound of that
// exchange alone: its time limit (Config.CommandTimeout and time for what
// it asked for), its number of responses or bytes (a *LimitError not
// caused by the caller's deadline), or a wait on the server past
// Config.Timeout. The server answered the session, then did not finish
// this one exchange within bounds: a message whose FETCH or RETR always
// overruns stops every run at it. The caller's deadline (a *RunLimit),
// its cancellation, a refusal and a lost connection are none.
func Overran(err error) bool {
	if err == nil || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false // the caller's deadline (a *RunLimit wraps it) or its cancellation
	}
	if _, ok := errors.AsType[*LimitError](err); ok {
		return true
	}
	ne, ok := errors.AsType[net.Error](err)
	return ok && ne.Timeout()
}

// Dropped reports whether err ended an exchange because the server closed
// or reset the connection while it ran (end of file, an IMAP BYE and the
// close after it, ECONNRESET, EPIPE):
// the session answered, then was cut in this one exchange, as a server
// that crashes on a damaged message cuts it each time that message's
// FETCH or RETR comes. Whether the server or the exchange is at fault
// only a new session can tell. An overrun (Overran), the caller's
// deadline or cancellation, and a refusal are none.
func Dropped(err error) bool {
	if err == nil || Overran(err) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return false
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNABORTED)
}
