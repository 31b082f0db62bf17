//go:build !unix

package smtpclient

// pending cannot ask the socket here: ok is false (see the unix version).
func (r *rawConn) pending() (waiting, ok bool) { return false, false }

// socketPeek is the unix version's; nothing here.
type socketPeek struct{}

// arrived cannot ask the socket here: false (see the unix version).
func (r *rawConn) arrived() bool { return false }

// unacked cannot ask the socket here: ok is false (see the unix version).
func (r *rawConn) unacked() (n int, ok bool) { return 0, false }

// unsent cannot ask the socket here: ok is false (see the unix version).
func (r *rawConn) unsent() (n int, ok bool) { return 0, false }
