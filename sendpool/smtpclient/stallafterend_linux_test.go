//go:build linux

package smtpclient_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestStallAfterEndLeftUnknown: a link that stalls just after the end of a
// body left this machine, with what was written behind it (the next
// message's MAIL and RCPTs, pipelined behind the body) still held here
// unsent. The server took the message; its reply never came. The rule
// that a body whose end never left is not delivered counts only what was
// written up to this body's end: the message is unknown, never retried
// (a retry would be a second copy), and the one behind it, whose body
// never went, is not delivered. A relay on 127.0.0.1 with a small receive
// window forwards up to the first body's end, then forwards nothing either
// way; the next message's 3,000 recipients outgrow the window, so they
// stay unsent (SIOCOUTQNSD is far from 0).
func TestStallAfterEndLeftUnknown(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithoutChunking())
	relay := newEndRelay(t, srv.Addr)
	pc := ppDialWith(t, srv, func(cfg *smtpclient.Config) { cfg.Port, cfg.Timeout = relay.port, time.Second })

	rcpts := make([]string, 3000)
	for i := range rcpts {
		rcpts[i] = fmt.Sprintf("r%04d@example.org", i)
	}
	first, behind := newPPTx(pooltest.Message(2, "first@example.org")), newPPTx(pooltest.Message(3, rcpts...))
	p0 := ppBegin(t, pc, first)
	p1, err := pc.Begin(context.Background(), &behind.Tx) // its group rides behind the first body
	if err != nil {
		t.Fatalf("Begin row 3: %v", err)
	}
	_, err0 := p0.Wait(context.Background())
	_, err1 := p1.Wait(context.Background())
	select {
	case <-relay.accepted:
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not answer the first body within 10 s")
	}
	if n := srv.Received("first@example.org"); n != 1 {
		t.Fatalf("the server took the first message %d times, want 1 (before the stall)", n)
	}
	if txe := ppTxError(t, err0); !txe.Ambiguous() || sendpool.Classify(err0) != sendpool.ClassAmbiguous {
		t.Errorf("first, whose end left and which the server took: stage %v, %v; want unknown, never retried", txe.Stage, err0)
	}
	if txe := ppTxError(t, err1); txe.Ambiguous() || behind.wasAttempted() {
		t.Errorf("behind, whose body never went: stage %v, %v, attempted %v; want not delivered", txe.Stage, err1, behind.wasAttempted())
	}
}

// endRelay relays one connection to a server, the client's side with a
// small receive window, until the client's first body end (a "." line)
// went to the server; then it forwards nothing more either way, reads
// nothing more from the client, and closes accepted once the server took
// that body (its 250).
type endRelay struct {
	port     int
	accepted chan struct{}
	stopped  atomic.Bool
}

func newEndRelay(t *testing.T, server string) *endRelay {
	t.Helper()
	lc := net.ListenConfig{Control: func(_, _ string, c syscall.RawConn) error {
		var serr error
		err := c.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		})
		if err != nil {
			return err
		}
		return serr
	}}
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &endRelay{port: ln.Addr().(*net.TCPAddr).Port, accepted: make(chan struct{})}
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); close(done) })
	go func() {
		cc, err := ln.Accept()
		if err != nil {
			return
		}
		defer cc.Close()
		sc, err := net.Dial("tcp", server)
		if err != nil {
			return
		}
		defer sc.Close()
		go r.toClient(sc, cc)
		r.toServer(cc, sc)
		<-done
	}()
	return r
}

// toServer forwards the client's lines up to and including the first
// "." line, then stops reading.
func (r *endRelay) toServer(cc, sc net.Conn) {
	br := bufio.NewReaderSize(cc, 512)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		if line == ".\r\n" {
			r.stopped.Store(true) // before the server can answer it
		}
		if _, err := sc.Write([]byte(line)); err != nil || r.stopped.Load() {
			return
		}
	}
}

// toClient forwards the server's lines until the body's end went; the
// first line after it is the server's reply to that body.
func (r *endRelay) toClient(sc, cc net.Conn) {
	br := bufio.NewReader(sc)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		if r.stopped.Load() {
			if len(line) >= 3 && line[:3] == "250" {
				close(r.accepted)
			}
			return
		}
		if _, err := cc.Write([]byte(line)); err != nil {
			return
		}
	}
}
