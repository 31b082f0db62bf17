//go:build unix

package smtpclient

import (
	"errors"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// pending reports, without waiting, whether the server sent something or
// closed its side since the last read: a byte, or the end of the stream,
// waiting in the socket (a peek, which takes nothing from it), whatever the
// read deadline (that of the last reply may be long past). ok is false
// when the connection is not a socket that can be asked. Bytes TLS has
// already read into its own buffer are not seen.
func (r *rawConn) pending() (waiting, ok bool) {
	p := r.socketPeek()
	if p.rc == nil {
		return false, false
	}
	if err := p.rc.Control(p.fn); err != nil {
		return true, true // closed here
	}
	if errors.Is(p.err, unix.EAGAIN) || errors.Is(p.err, unix.EWOULDBLOCK) {
		return false, true
	}
	return true, true // a byte, the end of the stream (0 bytes) or a reset
}

// arrived reports, without waiting and whatever the read deadline, whether
// the server's bytes (or the end of the stream) are waiting in the socket:
// a read whose deadline passed before it ran (rawConn.Read) then still has
// the server's answer to read. False when the socket cannot be asked (or
// is closed here).
func (r *rawConn) arrived() bool {
	p := r.socketPeek()
	if p.rc == nil || p.rc.Control(p.fn) != nil {
		return false
	}
	return !errors.Is(p.err, unix.EAGAIN) && !errors.Is(p.err, unix.EWOULDBLOCK)
}

// socketPeek is r's peek, made at the first call: pending and arrived
// run on the goroutine that reads the connection.
func (r *rawConn) socketPeek() *socketPeek {
	if r.peek == nil {
		r.peek = newSocketPeek(r.Conn)
	}
	return r.peek
}

// socketPeek is what pending asks the socket with, made once a connection
// (pending runs before every BDAT group: the socket's RawConn and the
// closure cost two allocations a message when made for each). It asks with
// RawConn.Control, which, unlike RawConn.Read, heeds no read deadline.
type socketPeek struct {
	rc  syscall.RawConn // nil: not a socket that can be asked
	fn  func(fd uintptr)
	b   [1]byte
	err error
	// askFn runs ask on the socket, its answer in askN and askErr:
	// askSocket's closure, made once for the same reason as fn (the
	// read wait asks how much is still leaving each time it is set).
	askFn  func(fd uintptr)
	ask    func(fd int) (int, error)
	askN   int
	askErr error
}

// newSocketPeek returns the peek of c's socket (rc nil when c is none).
func newSocketPeek(c net.Conn) *socketPeek {
	p := &socketPeek{}
	sc, isSocket := c.(syscall.Conn)
	if !isSocket {
		return p
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return p
	}
	p.rc = rc
	p.askFn = func(fd uintptr) { p.askN, p.askErr = p.ask(int(fd)) }
	p.fn = func(fd uintptr) {
		_, _, p.err = unix.Recvfrom(int(fd), p.b[:], unix.MSG_PEEK|unix.MSG_DONTWAIT)
	}
	return p
}

// unacked returns, without waiting, how many bytes written to the
// connection the server has not acknowledged yet; ok is false when the
// socket cannot be asked.
func (r *rawConn) unacked() (n int, ok bool) { return r.askSocket(socketUnacked) }

// unsent returns, without waiting, how many bytes written to the
// connection have not left this machine yet, not once: bytes the server
// cannot have had. ok is false when the socket cannot be asked.
func (r *rawConn) unsent() (n int, ok bool) { return r.askSocket(socketUnsent) }

// askSocket returns what ask, one of the socket* functions, answers for
// r's socket; ok is false when the socket cannot be asked or ask failed.
// It allocates nothing (socketPeek.askFn).
func (r *rawConn) askSocket(ask func(fd int) (int, error)) (n int, ok bool) {
	p := r.socketPeek()
	if p.rc == nil {
		return 0, false
	}
	p.ask = ask
	if cerr := p.rc.Control(p.askFn); cerr != nil || p.askErr != nil {
		return 0, false
	}
	return p.askN, true
}
