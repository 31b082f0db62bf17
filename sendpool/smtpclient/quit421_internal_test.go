package smtpclient

import (
	"context"
	"errors"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// readWatch is the connection under a session once the server said 421:
// it notes a read (the client waiting for the server to close) and
// answers it with EOF, so the test does not wait that out.
type readWatch struct {
	net.Conn
	read atomic.Bool
}

func (w *readWatch) Read([]byte) (int, error) {
	w.read.Store(true)
	return 0, io.EOF
}

// TestQuitAfter421ClosesAtOnce: after a 421 the transports' Quit waited
// up to five seconds for the server to close, as RFC 5321 says it does;
// a server that keeps the session (go-smtp's) held the worker that long
// for every such 421 (TestRcpt421OneAddressEnds/plain/kept took 12 s).
// The client need not wait: after a 421 Quit closes the connection
// without reading from it, on every transport, and the server sees it
// closed; a normal end still sends QUIT and reads its 221.
func TestQuitAfter421ClosesAtOnce(t *testing.T) {
	for _, tc := range []struct {
		name string
		tr   campaign.Transport
		opts []smtptest.Option
	}{
		{"plain", campaign.TransportPlain, nil},
		{"pipelined-bdat", campaign.TransportPipelined, nil},
		{"pipelined-data", campaign.TransportPipelined, []smtptest.Option{smtptest.WithoutChunking()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := smtptest.NewServer(t, append(tc.opts, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
				if to == "busy@example.org" {
					return smtptest.Reply(421, "4.7.0", "Try again later, closing connection.")
				}
				return nil
			}))...)
			d, err := NewDialer(Config{Host: srv.Host, Port: srv.Port, Security: campaign.SecurityNone, Transport: tc.tr, Timeout: 30 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			quit421(t, d, srv, "busy@example.org", true)
			quit421(t, d, srv, "fine@example.org", false)
		})
	}
}

// quit421 sends to to over a new connection of d, then quits, and checks
// that the session ended as it should: without a read after a 421 (got421),
// with QUIT and its reply otherwise; the server sees the connection gone.
func quit421(t *testing.T, d *Dialer, srv *smtptest.Server, to string, got421 bool) {
	t.Helper()
	c, err := d.Dial(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m := &render.Message{Row: 2, Key: to, EnvelopeFrom: "s@example.org", Recipients: []string{to}, Data: []byte("Subject: x\r\n\r\nhi\r\n")}
	_, err = c.Send(context.Background(), &sendpool.Tx{Msg: m, Rcpts: m.Recipients})
	var se *sendpool.SMTPError
	if got := errors.As(err, &se) && se.Code == 421; got != got421 {
		t.Fatalf("send to %s: %v, want a 421: %v", to, err, got421)
	}
	var raw *rawConn
	switch c := c.(type) {
	case *smtpConn:
		raw = c.raw
	case *pipeConn:
		raw = c.raw
	default:
		t.Fatalf("%T", c)
	}
	quits := srv.Commands("QUIT")
	w := &readWatch{Conn: raw.Conn}
	if got421 {
		raw.Conn = w
	}
	if err := c.Quit(context.Background()); err != nil {
		t.Errorf("quit after %s: %v", to, err)
	}
	<-srv.Gone()
	if w.read.Load() {
		t.Errorf("after the 421 to %s, Quit read from the connection: it waited for the server to close", to)
	}
	if sent := srv.Commands("QUIT") - quits; !got421 && sent != 1 {
		t.Errorf("a normal end sent %d QUIT, want 1", sent)
	}
}
