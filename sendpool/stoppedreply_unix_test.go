//go:build unix

package sendpool_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestPoolReplyReadAfterStop: tidings stopped (Ctrl-Z, SIGSTOP) while it
// waits for the reply to a message's body, and continued after that wait
// would have run out: the server's 250 came in time and waits in the
// socket. Each message is sent, read from the reply that is there, not
// unknown (which --resend-unknown would send twice), and sent once.
func TestPoolReplyReadAfterStop(t *testing.T) { pooltest.Each(t, testPoolReplyReadAfterStop) }

func testPoolReplyReadAfterStop(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t)
	cfg := tr.Config(srv)
	var stops atomic.Int32
	cfg.SMTP.NetDial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		nc, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &stoppedConn{TCPConn: nc.(*net.TCPConn), stops: &stops}, nil
	}
	msgs := pooltest.Messages(6)
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if r := res.Get(m.Row); r.Status != sendpool.StatusSent {
			t.Errorf("row %d: %v (%s), want sent: its reply came before the wait ran out", m.Row, r.Status, r.Detail)
		}
	}
	if stops.Load() == 0 {
		t.Fatal("no reply was read after a stop")
	}
	pooltest.ExactlyOnce(t, srv, msgs)
}

// TestPoolReplyLostAfterStop: tidings stopped past the wait for a body's
// reply, and meanwhile the server closed the connection with no reply:
// the read after the stop finds the end of the stream, not a reply. The
// message is unknown, with the words of a lost connection (not of a server
// that kept it and said nothing), and never sent again; the others are
// sent, each once.
func TestPoolReplyLostAfterStop(t *testing.T) { pooltest.Each(t, testPoolReplyLostAfterStop) }

func testPoolReplyLostAfterStop(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t, smtptest.DropReply(func(_ smtptest.Session, m *smtptest.Message) bool {
		return m.To[0] == "lost@example.org"
	}))
	cfg := tr.Config(srv)
	var stops atomic.Int32
	cfg.SMTP.NetDial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		nc, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &stoppedConn{TCPConn: nc.(*net.TCPConn), stops: &stops}, nil
	}
	msgs := []*render.Message{pooltest.Message(2, "a@example.org"), pooltest.Message(3, "lost@example.org"), pooltest.Message(4, "b@example.org")}
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Get(3); r.Status != sendpool.StatusUnknown || r.Attempts != 1 || r.Detail != sendpool.ErrReplyLost.Error() {
		t.Errorf("row 3: %v after %d attempts, detail %q; want unknown after 1, detail %q", r.Status, r.Attempts, r.Detail, sendpool.ErrReplyLost.Error())
	}
	for _, row := range []int{2, 4} {
		if r := res.Get(row); r.Status != sendpool.StatusSent {
			t.Errorf("row %d: %v (%s), want sent", row, r.Status, r.Detail)
		}
	}
	if stops.Load() == 0 {
		t.Fatal("no reply was read after a stop")
	}
	pooltest.ExactlyOnce(t, srv, msgs) // lost@ once: no automatic retry
}

// stoppedConn is a connection of a process stopped while it waits for the
// reply to a message's body: once the end of a body went out (the final
// dot, or a BDAT group), its next read begins only after the server's
// reply is in the socket and the read's deadline has passed.
type stoppedConn struct {
	*net.TCPConn
	armed atomic.Bool
	stops *atomic.Int32
}

func (c *stoppedConn) Write(b []byte) (int, error) {
	if bytes.HasSuffix(b, []byte("\r\n.\r\n")) || bytes.Equal(b, []byte(".\r\n")) || bytes.Contains(b, []byte("BDAT ")) {
		c.armed.Store(true)
	}
	return c.TCPConn.Write(b)
}

func (c *stoppedConn) Read(b []byte) (int, error) {
	if c.armed.CompareAndSwap(true, false) {
		if err := c.awaitReply(); err != nil {
			return 0, err
		}
		c.TCPConn.SetReadDeadline(time.Now().Add(-time.Second)) // the wait ran out while stopped
		c.stops.Add(1)
	}
	return c.TCPConn.Read(b)
}

// awaitReply waits (without taking them) for the server's bytes.
func (c *stoppedConn) awaitReply() error {
	rc, err := c.TCPConn.SyscallConn()
	if err != nil {
		return err
	}
	c.TCPConn.SetReadDeadline(time.Time{})
	var b [1]byte
	var rerr error
	if err := rc.Read(func(fd uintptr) bool {
		_, _, rerr = unix.Recvfrom(int(fd), b[:], unix.MSG_PEEK|unix.MSG_DONTWAIT)
		return !errors.Is(rerr, unix.EAGAIN) && !errors.Is(rerr, unix.EWOULDBLOCK)
	}); err != nil {
		return err
	}
	return nil
}

// TestPoolReplyReadAfterStopTLS is TestPoolReplyReadAfterStop over
// implicit TLS and STARTTLS, where the end of a body cannot be seen on the
// wire: every first read after a write (the TLS handshake's, the greeting,
// each reply) begins only once the server's bytes are in the socket and
// the read's deadline has passed. A reply waits in the socket as whole or
// partial TLS records: each is read, every message sent, once.
func TestPoolReplyReadAfterStopTLS(t *testing.T) {
	pooltest.EachTLS(t, func(t *testing.T, tr pooltest.Transport) {
		for _, sec := range []campaign.Security{campaign.SecurityTLS, campaign.SecurityStartTLS} {
			t.Run(sec.String(), func(t *testing.T) { testPoolReplyReadAfterStopTLS(t, tr, sec) })
		}
	})
}

func testPoolReplyReadAfterStopTLS(t *testing.T, tr pooltest.Transport, sec campaign.Security) {
	opt := smtptest.WithTLS()
	if sec == campaign.SecurityStartTLS {
		opt = smtptest.WithStartTLS()
	}
	srv := tr.Server(t, opt)
	cfg := tr.Config(srv)
	cfg.SMTP.Security = sec
	cfg.SMTP.RootCAs = srv.Cert.Pool
	var stops atomic.Int32
	cfg.SMTP.NetDial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		nc, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &stoppedEachConn{TCPConn: nc.(*net.TCPConn), stops: &stops}, nil
	}
	msgs := pooltest.Messages(4)
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if r := res.Get(m.Row); r.Status != sendpool.StatusSent {
			t.Errorf("row %d: %v (%s), want sent: its reply came before the wait ran out", m.Row, r.Status, r.Detail)
		}
	}
	if stops.Load() == 0 {
		t.Fatal("no read came after a stop")
	}
	pooltest.ExactlyOnce(t, srv, msgs)
}

// stoppedEachConn is the connection of a process stopped, after each of
// its writes, from before the server's answer came until after the read
// deadline passed: the first read after a write, when a deadline is set
// and the server's bytes come before it, begins with the deadline past.
// A read whose bytes do not come in time times out as it would.
type stoppedEachConn struct {
	*net.TCPConn
	wrote    atomic.Bool
	deadline atomic.Int64 // the read deadline set, in Unix nanoseconds; 0: none
	stops    *atomic.Int32
}

func (c *stoppedEachConn) SetDeadline(t time.Time) error {
	c.note(t)
	return c.TCPConn.SetDeadline(t)
}

func (c *stoppedEachConn) SetReadDeadline(t time.Time) error {
	c.note(t)
	return c.TCPConn.SetReadDeadline(t)
}

func (c *stoppedEachConn) note(t time.Time) {
	if t.IsZero() {
		c.deadline.Store(0)
	} else {
		c.deadline.Store(t.UnixNano())
	}
}

func (c *stoppedEachConn) Write(b []byte) (int, error) {
	c.wrote.Store(true)
	return c.TCPConn.Write(b)
}

func (c *stoppedEachConn) Read(b []byte) (int, error) {
	if c.wrote.CompareAndSwap(true, false) && c.deadline.Load() != 0 {
		if err := c.awaitBytes(); err != nil {
			return 0, err // nothing came in time: the read times out, stopped or not
		}
		c.TCPConn.SetReadDeadline(time.Now().Add(-time.Second)) // the wait ran out while stopped
		c.stops.Add(1)
	}
	return c.TCPConn.Read(b)
}

// awaitBytes waits (without taking them, and no longer than the read
// deadline) for the server's bytes or the end of the stream.
func (c *stoppedEachConn) awaitBytes() error {
	rc, err := c.TCPConn.SyscallConn()
	if err != nil {
		return err
	}
	var b [1]byte
	return rc.Read(func(fd uintptr) bool {
		_, _, rerr := unix.Recvfrom(int(fd), b[:], unix.MSG_PEEK|unix.MSG_DONTWAIT)
		return !errors.Is(rerr, unix.EAGAIN) && !errors.Is(rerr, unix.EWOULDBLOCK)
	})
}
