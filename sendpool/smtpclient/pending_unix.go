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
// waiting in the socket (a peek, which takes nothing from it). ok is false
// when the connection is not a socket that can be asked. Bytes TLS has
// already read into its own buffer are not seen.
func (r *rawConn) pending() (waiting, ok bool) {
	if r.peek == nil {
		r.peek = newSocketPeek(r.Conn)
	}
	p := r.peek
	if p.rc == nil {
		return false, false
	}
	if err := p.rc.Read(p.fn); err != nil {
		return true, true // closed here
	}
	if errors.Is(p.err, unix.EAGAIN) || errors.Is(p.err, unix.EWOULDBLOCK) {
		return false, true
	}
	return true, true // a byte, the end of the stream (0 bytes) or a reset
}

// socketPeek is what pending asks the socket with, made once a connection
// (pending runs before every BDAT group: the socket's RawConn and the
// closure cost two allocations a message when made for each).
type socketPeek struct {
	rc  syscall.RawConn // nil: not a socket that can be asked
	fn  func(fd uintptr) bool
	b   [1]byte
	err error
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
	p.fn = func(fd uintptr) bool {
		_, _, p.err = unix.Recvfrom(int(fd), p.b[:], unix.MSG_PEEK|unix.MSG_DONTWAIT)
		return true
	}
	return p
}

// arrived reports, without waiting and whatever the read deadline, whether
// the server's bytes (or the end of the stream) are waiting in the socket:
// a read whose deadline passed before it ran (rawConn.Read) then still has
// the server's answer to read. False when the socket cannot be asked.
func (r *rawConn) arrived() bool {
	sc, isSocket := r.Conn.(syscall.Conn)
	if !isSocket {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	var (
		b    [1]byte
		rerr error
	)
	if err := rc.Control(func(fd uintptr) { // Control, unlike Read, heeds no deadline
		_, _, rerr = unix.Recvfrom(int(fd), b[:], unix.MSG_PEEK|unix.MSG_DONTWAIT)
	}); err != nil {
		return false
	}
	return !errors.Is(rerr, unix.EAGAIN) && !errors.Is(rerr, unix.EWOULDBLOCK)
}
