package smtpclient

import "time"

// What left this machine: a rawConn asks its socket how much of what was
// written the server has not acknowledged (SIOCOUTQ, SO_NWRITE) or this
// machine has not sent once (SIOCOUTQNSD), so that a reply's wait runs
// from when a slow link took the last of a body (stillLeaving) and a
// message whose end never left is not delivered, not unknown (closeLeaving).

// SetDeadline sets the connection's deadlines, noting the read wait for
// stillLeaving.
func (r *rawConn) SetDeadline(t time.Time) error {
	r.noteWait(t)
	return r.Conn.SetDeadline(t)
}

// SetReadDeadline sets the connection's read deadline, noting the wait for
// stillLeaving.
func (r *rawConn) SetReadDeadline(t time.Time) error {
	r.noteWait(t)
	return r.Conn.SetReadDeadline(t)
}

// noteWait notes the read wait that t, a deadline set now, gives (none
// for the zero time), and how much of what was written the server had not
// acknowledged then, for stillLeaving. Called by the goroutine that runs
// the session, as every rawConn method but closeNow.
func (r *rawConn) noteWait(t time.Time) {
	r.wait, r.unackedAtWait, r.waitedOn = 0, 0, false
	if !t.IsZero() {
		r.wait = time.Until(t)
		r.unackedAtWait, _ = r.unacked()
	}
}

// stillLeaving reports, when a read's wait ran out, whether what this side
// wrote was still leaving meanwhile: the server had acknowledged more of it
// than when the wait was set. The server cannot answer bytes it has not
// had: over a slow link the system holds megabytes of a body written "at
// once" and sends them for minutes, so a wait for the reply counts from
// when they left, and only a link that moved nothing for a wait (a stall,
// a network gone) ends it. When so, it sets the wait again from now: at
// most stall while bytes are left, the same wait once the last of them was
// acknowledged. Bytes that all left within the first wait leave it as it
// was set (a server that does not answer is given up as soon as before).
// False where the socket cannot be asked.
func (r *rawConn) stillLeaving() bool {
	if r.wait <= 0 || r.unackedAtWait == 0 {
		return false
	}
	left, ok := r.unacked()
	var next time.Duration
	switch {
	case !ok:
		return false
	case left > 0 && left < r.unackedAtWait:
		next = r.wait
		if r.stall > 0 {
			next = min(next, r.stall) // a stall is told as a body's write tells it
		}
	case left == 0 && r.waitedOn:
		next = r.wait // the last of it left since the wait was last set again
	default:
		// Stalled; or everything left within the first wait, when
		// is not known: the wait as set stands, as on a fast link.
		return false
	}
	r.unackedAtWait, r.waitedOn = left, true
	r.Conn.SetReadDeadline(time.Now().Add(next))
	return true
}

// closeLeaving closes the connection at once and returns the offset, in
// what was written to it (as written counts), below which everything had
// left this machine then: -1 when the socket cannot be asked. What had not
// left never does: when the system still held some of it unsent, the
// connection is reset (abort), not closed as usual, which would have the
// system send it once the link moves again, the end of a body judged never
// left with it, and the server take a message a retry sends again. (Bytes
// the link took in the moment between the question and the reset may have
// left: after smtp.timeout in which it took none, the one moment it could.)
func (r *rawConn) closeLeaving() int64 {
	u, ok := r.unsent()
	switch {
	case !ok:
		r.closeNow()
		return -1
	case u > 0:
		r.abort()
	default:
		r.closeNow()
	}
	return r.written - int64(u)
}

// abort closes the connection at once with a reset (SO_LINGER 0): the
// system discards what it still holds unsent, and it never leaves.
func (r *rawConn) abort() {
	if tc, ok := r.Conn.(interface{ SetLinger(sec int) error }); ok {
		tc.SetLinger(0)
	}
	r.Conn.Close()
}
