package smtpclient

import (
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// lateRead bounds the read of a reply that came before its wait ran out
// but was read after it (rawConn.Read): its bytes are there already.
const lateRead = time.Second

// rawConn is the TCP connection under TLS and go-smtp. It can tap the
// plaintext exchange before STARTTLS, remembers whether a write failed (a
// failed write means the end-of-data mark never fully left, so the message
// cannot have been accepted), and on a graceful close waits for the server
// to close its side first (bounded), so the server has counted the session
// as gone before the pool opens a replacement.
type rawConn struct {
	net.Conn
	tap io.Writer
	// watchStartTLS makes Write note in startTLSSent that the STARTTLS
	// command went out (set only while go-smtp negotiates STARTTLS).
	watchStartTLS bool
	startTLSSent  bool
	// heloSent, set by Write while watchStartTLS, notes that EHLO went
	// out: a refusal read before it is the server's greeting.
	heloSent bool
	// helo, set with watchStartTLS, is the EHLO name: go-smtp's
	// NewClientStartTLS sends its own, "localhost", before STARTTLS
	// (it takes no name), and Write sends helo in its place.
	helo string
	// replyWait, while set (the plaintext exchange before STARTTLS,
	// which go-smtp runs with no deadline of its own), bounds each Read
	// as smtp.timeout bounds each reply of a session.
	replyWait   time.Duration
	writeFailed atomic.Bool
	drain       time.Duration
	once        sync.Once
	closeErr    error
	// heard keeps the first bytes the server sent (up to 64), to tell a
	// server that never greeted, or greeted in another protocol.
	heard []byte
	// peek is pending's, made at its first call (by the goroutine that
	// runs the session).
	peek *socketPeek
	// wait is the read wait last set (SetDeadline, SetReadDeadline), 0
	// for none, and unackedAtWait what of the bytes written then the
	// server had not acknowledged yet (see stillLeaving).
	wait          time.Duration
	unackedAtWait int
	// waitedOn: stillLeaving set the wait again since it was set.
	waitedOn bool
	// stall, when set (smtp.timeout), is how long a read waits on while
	// what was written is still leaving (see stillLeaving).
	stall time.Duration
	// written counts the bytes written to the connection, TLS records
	// and all.
	written int64
}

func (r *rawConn) Read(b []byte) (int, error) {
	if r.replyWait > 0 {
		r.Conn.SetReadDeadline(time.Now().Add(r.replyWait))
	}
	n, err := r.Conn.Read(b)
	for n == 0 && isTimeout(err) {
		if r.arrived() {
			// The wait ran out with the server's bytes already here:
			// the server answered in time and this process did not
			// run (stopped with Ctrl-Z or SIGSTOP, or starved) until
			// past the deadline, which a read checks before it looks.
			// Read what came.
			r.Conn.SetReadDeadline(time.Now().Add(lateRead))
			n, err = r.Conn.Read(b)
			break
		}
		if !r.stillLeaving() {
			break
		}
		n, err = r.Conn.Read(b)
	}
	if k := min(n, 64-len(r.heard)); k > 0 {
		r.heard = append(r.heard, b[:k]...)
	}
	if r.tap != nil && n > 0 {
		r.tap.Write(b[:n])
	}
	return n, err
}

func (r *rawConn) Write(b []byte) (int, error) {
	if r.watchStartTLS && len(b) >= 8 && strings.EqualFold(string(b[:8]), "STARTTLS") {
		r.startTLSSent = true
	}
	if r.watchStartTLS {
		r.heloSent = true // the first command is EHLO
	}
	if r.watchStartTLS && r.helo != "" {
		if cmd, ok := strings.CutSuffix(string(b), " localhost\r\n"); ok && (cmd == "EHLO" || cmd == "HELO") {
			line := cmd + " " + r.helo + "\r\n"
			if _, err := r.write([]byte(line)); err != nil {
				return 0, err
			}
			return len(b), nil
		}
	}
	return r.write(b)
}

// write writes b to the connection and the tap.
func (r *rawConn) write(b []byte) (int, error) {
	n, err := r.Conn.Write(b)
	r.written += int64(n)
	if err != nil {
		r.writeFailed.Store(true)
	}
	if r.tap != nil && n > 0 {
		r.tap.Write(b[:n])
	}
	return n, err
}

// Close closes the connection, first draining until the server's EOF for at
// most r.drain when that is set.
func (r *rawConn) Close() error {
	r.once.Do(func() {
		if r.drain > 0 {
			r.Conn.SetReadDeadline(time.Now().Add(r.drain))
			io.Copy(io.Discard, r.Conn)
		}
		r.closeErr = r.Conn.Close()
	})
	return r.closeErr
}

// closeNow closes at once; safe to call from any goroutine, also while a
// drain is running.
func (r *rawConn) closeNow() {
	r.Conn.Close()
}

// restartedConn is the TLS connection made after STARTTLS (see setup). It
// first yields greeting, then reads from the connection; reads and writes
// after the greeting go to tap when it is set.
type restartedConn struct {
	net.Conn
	greeting []byte
	tap      io.Writer
}

func (r *restartedConn) Read(b []byte) (int, error) {
	if len(r.greeting) > 0 {
		n := copy(b, r.greeting)
		r.greeting = r.greeting[n:]
		return n, nil
	}
	n, err := r.Conn.Read(b)
	if r.tap != nil && n > 0 {
		r.tap.Write(b[:n])
	}
	return n, err
}

func (r *restartedConn) Write(b []byte) (int, error) {
	n, err := r.Conn.Write(b)
	if r.tap != nil && n > 0 {
		r.tap.Write(b[:n])
	}
	return n, err
}
