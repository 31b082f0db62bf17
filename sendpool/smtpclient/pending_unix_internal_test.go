//go:build unix

package smtpclient

import (
	"errors"
	"net"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestPendingPastDeadline: the socket is asked what waits in it whatever
// the read deadline. With the deadline of the last reply long past (a
// pipelined connection idle longer than smtp.timeout between two BDAT
// groups, or a read that timed out while tidings was stopped) pending said
// the server had sent something or closed (its peek heeded the deadline),
// and arrived, asked the same, must not either; once the server's byte is
// there both say so.
func TestPendingPastDeadline(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	raw := &rawConn{Conn: nc}
	defer raw.Close()
	srv, ok := <-accepted
	if !ok {
		t.Fatal("no connection accepted")
	}
	defer srv.Close()

	raw.SetReadDeadline(time.Now().Add(-time.Second))
	if waiting, ok := raw.pending(); !ok || waiting {
		t.Errorf("nothing sent, deadline past: pending = %v, %v; want false, true", waiting, ok)
	}
	if raw.arrived() {
		t.Error("nothing sent, deadline past: arrived")
	}

	if _, err := srv.Write([]byte("4")); err != nil {
		t.Fatal(err)
	}
	awaitByte(t, nc)
	raw.SetReadDeadline(time.Now().Add(-time.Second))
	if waiting, ok := raw.pending(); !ok || !waiting {
		t.Errorf("a byte sent, deadline past: pending = %v, %v; want true, true", waiting, ok)
	}
	if !raw.arrived() {
		t.Error("a byte sent, deadline past: not arrived")
	}
}

// awaitByte waits, with no deadline and without taking it, until a byte
// is in nc's socket.
func awaitByte(t *testing.T, nc net.Conn) {
	t.Helper()
	nc.SetReadDeadline(time.Time{})
	rc, err := nc.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var b [1]byte
	if err := rc.Read(func(fd uintptr) bool {
		_, _, err := unix.Recvfrom(int(fd), b[:], unix.MSG_PEEK|unix.MSG_DONTWAIT)
		return !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EWOULDBLOCK)
	}); err != nil {
		t.Fatal(err)
	}
}
