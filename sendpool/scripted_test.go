package sendpool_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"golang.org/x/time/rate"
)

// scripted is a raw SMTP server on 127.0.0.1:0 whose replies a test
// scripts command by command: for replies the in-process go-smtp server
// (smtptest) cannot give, such as a bare code, a 421 at a chosen command
// or a close right after a final reply. It is safe for concurrent use.
type scripted struct {
	ln    net.Listener
	ehlo  []string // the EHLO keywords offered
	reply scriptFn
	// pace, when set, is how fast the server reads a body (bytes a
	// second, a burst of 64 KiB): a slow link.
	pace *rate.Limiter
	// greet, when set, is the greeting of connection conn (1-based);
	// one that is not 220 ends the session.
	greet func(conn int) string
	// stallFirst, when set, is how many connections, the first, stop
	// reading a DATA body after its first 64 KiB until the test ends: a
	// link that stalls mid-body (a hotel's Wi-Fi switching networks).
	stallFirst int
	stallEnd   chan struct{}
	// resume, with stallFirst 1, makes the stalled connection read on
	// once a later one was accepted (later closed): a link that moves
	// again after the client gave up. stallDone is closed when that
	// read ended.
	resume           bool
	later, stallDone chan struct{}
	conns            atomic.Int32

	mu  sync.Mutex
	log []string
}

// scriptFn answers one command of connection conn (1-based): cmd is the
// command line, or "." for the end of a DATA body (body holds it); a
// BDAT command comes with its chunk. The reply is written as it is (a
// multi-line reply joined by CRLF); "" closes the connection without a
// reply, and a reply ending in closeAfter is written and the session ended
// with it (writeAndEnd). A 421 reply closes it too.
type scriptFn func(conn int, cmd string, body []byte) string

// closeAfter, at the end of a scripted reply, closes the connection after
// writing it.
const closeAfter = "\x00close"

// scriptOption sets up a scripted server.
type scriptOption func(*scripted)

// paced makes the server read bodies at l's pace.
func paced(l *rate.Limiter) scriptOption { return func(s *scripted) { s.pace = l } }

// greeting makes f give each connection's greeting.
func greeting(f func(conn int) string) scriptOption { return func(s *scripted) { s.greet = f } }

// stallsBody makes the first n connections stall in a DATA body (see
// scripted.stallFirst).
func stallsBody(n int) scriptOption { return func(s *scripted) { s.stallFirst = n } }

// stallsBodyUntilRetry makes the first connection stall in a DATA body
// and read on once the next connection was accepted (see scripted.resume).
func stallsBodyUntilRetry() scriptOption {
	return func(s *scripted) { s.stallFirst, s.resume = 1, true }
}

// newScripted starts a scripted server offering the EHLO keywords ehlo
// and answering with f.
func newScripted(t *testing.T, ehlo []string, f scriptFn, opts ...scriptOption) *scripted {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &scripted{ln: ln, ehlo: ehlo, reply: f}
	for _, o := range opts {
		o(s)
	}
	s.stallEnd, s.later, s.stallDone = make(chan struct{}), make(chan struct{}), make(chan struct{})
	t.Cleanup(func() { ln.Close(); close(s.stallEnd) })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			n := int(s.conns.Add(1))
			if s.resume && n == s.stallFirst+1 {
				close(s.later)
			}
			go s.serve(c, n)
		}
	}()
	return s
}

// Log is the exchange so far, a line each ("[c1] C: MAIL FROM:<…>").
func (s *scripted) Log() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.log...)
}

func (s *scripted) note(format string, a ...any) {
	s.mu.Lock()
	s.log = append(s.log, fmt.Sprintf(format, a...))
	s.mu.Unlock()
}

// write writes reply on c; false when the session is over.
func (s *scripted) write(c net.Conn, n int, reply string) bool {
	if reply == "" {
		return false
	}
	line, closing := strings.CutSuffix(reply, closeAfter)
	s.note("[c%d] S: %s", n, strings.ReplaceAll(line, "\r\n", "|"))
	if closing {
		writeAndEnd(c, line+"\r\n")
		return false
	}
	_, err := io.WriteString(c, line+"\r\n")
	return err == nil && !strings.HasPrefix(line, "421")
}

func (s *scripted) serve(c net.Conn, n int) {
	defer c.Close()
	if tc, ok := c.(*net.TCPConn); ok && s.pace != nil {
		tc.SetReadBuffer(64 << 10) // the link, not the kernel, sets the pace
	}
	r := bufio.NewReader(c)
	hello := "220 scripted ESMTP"
	if s.greet != nil {
		hello = s.greet(n)
	}
	if !s.write(c, n, hello) || !strings.HasPrefix(hello, "220") {
		return
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		s.note("[c%d] C: %s", n, line)
		var reply string
		switch cmd := strings.ToUpper(line); {
		case strings.HasPrefix(cmd, "EHLO"):
			reply = multiline("250", append([]string{"scripted"}, s.ehlo...))
		case strings.HasPrefix(cmd, "QUIT"):
			s.write(c, n, "221 bye")
			return
		case strings.HasPrefix(cmd, "DATA"):
			if reply = s.reply(n, line, nil); strings.HasPrefix(reply, "354") {
				if !s.write(c, n, reply) {
					return
				}
				if n <= s.stallFirst && !s.stall(r, n) {
					return
				}
				body, ok := s.readDot(r)
				if n <= s.stallFirst {
					close(s.stallDone)
				}
				if !ok {
					return
				}
				s.note("[c%d] C: <body %d bytes>.", n, len(body))
				reply = s.reply(n, ".", body)
			}
		case strings.HasPrefix(cmd, "BDAT"):
			size, _ := strconv.Atoi(strings.Fields(line)[1])
			body, ok := s.readChunk(r, size)
			if !ok {
				return
			}
			reply = s.reply(n, line, body)
		default:
			reply = s.reply(n, line, nil)
		}
		if !s.write(c, n, reply) {
			return
		}
	}
}

// stall stops reading connection n's body after its first 64 KiB; with
// resume it reads on (true) once a later connection came, else it waits
// for the test's end (false).
func (s *scripted) stall(r io.Reader, n int) bool {
	io.CopyN(io.Discard, r, 64<<10)
	s.note("[c%d] stalled in the body", n)
	if !s.resume {
		<-s.stallEnd
		return false
	}
	select {
	case <-s.later:
		s.note("[c%d] reads on", n)
		return true
	case <-s.stallEnd:
		return false
	}
}

// multiline is a reply of code with lines (RFC 5321 4.2.1).
func multiline(code string, lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		if i > 0 {
			b.WriteString("\r\n")
		}
		b.WriteString(code + sep + l)
	}
	return b.String()
}

// readDot reads a DATA body up to its lone dot, at s's pace; a paced
// body (a test of a slow link, megabytes) is read but not kept.
func (s *scripted) readDot(r *bufio.Reader) (body []byte, ok bool) {
	for {
		l, err := r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			s.wait(len(l))
			body = s.keep(body, l)
			continue
		}
		if err != nil {
			return nil, false
		}
		if string(l) == ".\r\n" {
			return body, true
		}
		s.wait(len(l))
		body = s.keep(body, l)
	}
}

// readChunk reads a BDAT chunk of size bytes, at s's pace (kept as
// readDot keeps a body).
func (s *scripted) readChunk(r *bufio.Reader, size int) (chunk []byte, ok bool) {
	buf := make([]byte, 16<<10)
	for at := 0; at < size; {
		n := min(size-at, len(buf))
		if _, err := io.ReadFull(r, buf[:n]); err != nil {
			return nil, false
		}
		s.wait(n)
		chunk = s.keep(chunk, buf[:n])
		at += n
	}
	return chunk, true
}

// keep appends p to body unless s reads at a pace.
func (s *scripted) keep(body, p []byte) []byte {
	if s.pace != nil {
		return body
	}
	return append(body, p...)
}

// wait holds the reading of n bytes to s's pace.
func (s *scripted) wait(n int) {
	if s.pace != nil {
		s.pace.WaitN(context.Background(), n)
	}
}

// scriptedConfig is a pool config for s: one connection, 3 retries.
func scriptedConfig(s *scripted, transport campaign.Transport) pooltest.Config {
	return pooltest.Config{
		SMTP: smtpclient.Config{
			Host:      "127.0.0.1",
			Port:      s.ln.Addr().(*net.TCPAddr).Port,
			Security:  campaign.SecurityNone,
			Timeout:   5 * time.Second,
			Transport: transport,
		},
		Config: sendpool.Config{
			Concurrency:   1,
			PerConnection: 100,
			Retries:       3,
			RetryBackoff:  time.Millisecond,
		},
	}
}

// okAll answers every command as a server that takes everything.
func okAll(_ int, cmd string, _ []byte) string {
	switch {
	case strings.HasPrefix(cmd, "DATA"):
		return "354 go ahead"
	case cmd == ".", strings.HasPrefix(cmd, "BDAT"):
		return "250 2.0.0 queued"
	}
	return "250 2.1.0 ok"
}
