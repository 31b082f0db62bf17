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

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
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
