package bench

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"log"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
)

// Sink is an SMTP server on 127.0.0.1 that accepts every message and
// throws it away, counting what it accepted and when. Its methods are safe
// for concurrent use.
type Sink struct {
	// Addr is host:port; Port the port.
	Addr string
	Port int

	ln   net.Listener
	srv  *smtp.Server // for the go-smtp sink
	wg   sync.WaitGroup
	n    atomic.Int64
	mu   sync.Mutex
	open map[net.Conn]bool
	// first and last are when the first and the last message was accepted.
	first, last time.Time
}

// SinkOptions configure StartSink.
type SinkOptions struct {
	// NoChunking leaves CHUNKING out of EHLO, so pipelining clients use
	// DATA.
	NoChunking bool
}

// StartSink starts the hand-written sink. It is written for speed with
// pipelining clients: it reads commands from a buffer and writes the
// replies to a buffer that goes out only when no more input is waiting, so
// a pipelined group is answered with one write. It checks nothing (no
// command order, no sizes), which is what makes it a sink and not a server.
func StartSink(o SinkOptions) (*Sink, error) {
	s, err := listen()
	if err != nil {
		return nil, err
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := s.ln.Accept()
			if err != nil {
				return
			}
			if !s.track(c, true) {
				c.Close()
				return
			}
			s.wg.Add(1)
			go func() {
				defer s.wg.Done()
				defer s.track(c, false)
				defer c.Close()
				s.serve(c, o)
			}()
		}
	}()
	return s, nil
}

// StartGoSMTPSink starts a sink built on go-smtp's server with a backend
// that discards every message: the well-kept library's speed, for
// comparison with StartSink.
func StartGoSMTPSink() (*Sink, error) {
	s, err := listen()
	if err != nil {
		return nil, err
	}
	srv := smtp.NewServer(sinkBackend{s})
	srv.Domain = "sink.localhost"
	srv.ErrorLog = log.New(io.Discard, "", 0)
	srv.MaxRecipients = 0
	s.srv = srv
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		srv.Serve(s.ln)
	}()
	return s, nil
}

func listen() (*Sink, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return &Sink{Addr: ln.Addr().String(), Port: ln.Addr().(*net.TCPAddr).Port, ln: ln, open: map[net.Conn]bool{}}, nil
}

// track notes an open connection (or forgets it); false after Close.
func (s *Sink) track(c net.Conn, add bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.open == nil {
		return false
	}
	if add {
		s.open[c] = true
	} else {
		delete(s.open, c)
	}
	return true
}

// Close stops the sink and closes its connections.
func (s *Sink) Close() {
	s.ln.Close()
	if s.srv != nil {
		s.srv.Close()
	}
	s.mu.Lock()
	for c := range s.open {
		c.Close()
	}
	s.open = nil
	s.mu.Unlock()
	s.wg.Wait()
}

// Messages is how many messages the sink accepted.
func (s *Sink) Messages() int64 { return s.n.Load() }

// Span is when the first and the last message were accepted.
func (s *Sink) Span() (first, last time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.first, s.last
}

// Reset forgets the count and the span.
func (s *Sink) Reset() {
	s.mu.Lock()
	s.first, s.last = time.Time{}, time.Time{}
	s.n.Store(0)
	s.mu.Unlock()
}

func (s *Sink) accepted() {
	now := time.Now()
	s.mu.Lock()
	if s.first.IsZero() {
		s.first = now
	}
	s.last = now
	s.mu.Unlock()
	s.n.Add(1)
}

const (
	ehloReply  = "250-sink.localhost\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-ENHANCEDSTATUSCODES\r\n250-CHUNKING\r\n250 SIZE 52428800\r\n"
	ehloNoBDAT = "250-sink.localhost\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250-ENHANCEDSTATUSCODES\r\n250 SIZE 52428800\r\n"
)

func (s *Sink) serve(c net.Conn, o SinkOptions) {
	r := bufio.NewReaderSize(c, 64<<10)
	w := bufio.NewWriterSize(c, 8<<10)
	w.WriteString("220 sink.localhost ESMTP\r\n")
	if w.Flush() != nil {
		return
	}
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return
		}
		verb := line
		if i := bytes.IndexAny(line, " \r\n"); i >= 0 {
			verb = line[:i]
		}
		switch string(bytes.ToUpper(verb)) {
		case "EHLO", "LHLO":
			if o.NoChunking {
				w.WriteString(ehloNoBDAT)
			} else {
				w.WriteString(ehloReply)
			}
		case "HELO":
			w.WriteString("250 sink.localhost\r\n")
		case "MAIL":
			w.WriteString("250 2.1.0 OK\r\n")
		case "RCPT":
			w.WriteString("250 2.1.5 OK\r\n")
		case "DATA":
			w.WriteString("354 go ahead\r\n")
			if w.Flush() != nil {
				return
			}
			for {
				l, err := r.ReadSlice('\n')
				if errors.Is(err, bufio.ErrBufferFull) {
					continue // a long line: the rest follows
				}
				if err != nil {
					return
				}
				if len(l) == 3 && l[0] == '.' {
					break
				}
			}
			s.accepted()
			w.WriteString("250 2.0.0 queued\r\n")
		case "BDAT":
			f := bytes.Fields(line)
			if len(f) < 2 {
				w.WriteString("501 5.5.4 size missing\r\n")
				break
			}
			n, err := strconv.ParseInt(string(f[1]), 10, 64)
			if err != nil {
				w.WriteString("501 5.5.4 bad size\r\n")
				break
			}
			if _, err := r.Discard(int(n)); err != nil {
				return
			}
			if len(f) > 2 {
				s.accepted()
				w.WriteString("250 2.0.0 queued\r\n")
			} else {
				w.WriteString("250 2.0.0 chunk\r\n")
			}
		case "RSET", "NOOP":
			w.WriteString("250 2.0.0 OK\r\n")
		case "QUIT":
			w.WriteString("221 2.0.0 bye\r\n")
			w.Flush()
			return
		default:
			w.WriteString("500 5.5.2 unknown command\r\n")
		}
		// Answer a pipelined group with one write: flush only when
		// nothing more is waiting to be read.
		if r.Buffered() == 0 && w.Flush() != nil {
			return
		}
	}
}

// sinkBackend is go-smtp's backend for the go-smtp sink.
type sinkBackend struct{ s *Sink }

func (b sinkBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return sinkSession{b.s}, nil }

type sinkSession struct{ s *Sink }

func (sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (sinkSession) Reset()                               {}
func (sinkSession) Logout() error                        { return nil }

func (x sinkSession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	x.s.accepted()
	return nil
}
