package mailbox

import (
	"context"
	"errors"
	"net"
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
