package mailbox

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// guardConn bounds each wait on the server while a command runs, and only
// then: go-imap's reader goroutine always has a Read pending, and a session
// kept open between commands (a Sent between deliveries) must not time out
// for being idle. While busy, every Read and Write gets its own deadline,
// timeout from now, so a large message that keeps arriving is not cut
// while a silent server is; and none goes past the command's own hard
// deadline (see bounds.go), so a server that keeps answering does not
// keep the command going either.
type guardConn struct {
	net.Conn
	timeout time.Duration

	mu      sync.Mutex // makes the busy check and the deadline one step
	busy    bool
	start   time.Time // when the command began
	hard    time.Time // the command's own deadline
	failure error     // the first read or write error, kept for do to report
}

// begin starts a command that may take limit as a whole: waits are
// bounded from now on, the Read already pending included.
func (g *guardConn) begin(limit time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.busy = true
	g.start = time.Now()
	g.hard = g.start.Add(limit)
	g.Conn.SetDeadline(g.next())
}

// extend gives the command in progress d more time.
func (g *guardConn) extend(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.busy {
		g.hard = g.hard.Add(d)
		g.Conn.SetDeadline(g.next())
	}
}

// next is the deadline of a wait starting now: timeout from now, the
// command's hard deadline at the latest. g.mu is held.
func (g *guardConn) next() time.Time {
	d := time.Now().Add(g.timeout)
	if g.hard.Before(d) {
		return g.hard
	}
	return d
}

// overran reports whether the command in progress, or the last one, is
// past its hard deadline.
func (g *guardConn) overran() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return !g.hard.IsZero() && !time.Now().Before(g.hard)
}

// limit is how long the last command was allowed to take.
func (g *guardConn) limit() time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.hard.Sub(g.start)
}

// end ends a command: the session may idle.
func (g *guardConn) end() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.busy = false
	g.Conn.SetDeadline(time.Time{})
}

func (g *guardConn) Read(p []byte) (int, error) {
	g.mu.Lock()
	if g.busy {
		g.Conn.SetReadDeadline(g.next())
	}
	g.mu.Unlock()
	n, err := g.Conn.Read(p)
	g.fail(err)
	return n, err
}

func (g *guardConn) Write(p []byte) (int, error) {
	g.mu.Lock()
	if g.busy {
		g.Conn.SetWriteDeadline(g.next())
	}
	g.mu.Unlock()
	n, err := g.Conn.Write(p)
	g.fail(err)
	return n, err
}

// fail keeps the first I/O error: go-imap's reader reports only that the
// connection closed.
func (g *guardConn) fail(err error) {
	if err == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.failure == nil {
		g.failure = err
	}
}

// cause is the first I/O error, nil while there was none.
func (g *guardConn) cause() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.failure
}

// SetDeadline, SetReadDeadline and SetWriteDeadline do nothing: the
// deadlines are guardConn's alone (go-imap clears them before each command
// when its own Timeout is zero, which would undo begin).
func (g *guardConn) SetDeadline(time.Time) error      { return nil }
func (g *guardConn) SetReadDeadline(time.Time) error  { return nil }
func (g *guardConn) SetWriteDeadline(time.Time) error { return nil }

// tapConn copies what is read to a transcript while on (the server's
// greeting, read by go-imap before its own debug output can be set), and
// keeps the first tapHead bytes read (Head: the greeting, to tell a POP3
// server's).
type tapConn struct {
	net.Conn
	log  *wireLog
	on   atomic.Bool
	mu   sync.Mutex
	head []byte
}

// Head is what was read first, at most tapHead bytes.
func (c *tapConn) Head() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.head)
}

// tapHead is how much of what is read first tapConn keeps.
const tapHead = 200

func (c *tapConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	if k := min(n, tapHead-len(c.head)); k > 0 {
		c.head = append(c.head, p[:k]...)
	}
	c.mu.Unlock()
	if n > 0 && c.on.Load() {
		c.log.Write(p[:n])
	}
	return n, err
}
