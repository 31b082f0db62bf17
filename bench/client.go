package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Msg is a message for BareSend: envelope and data (CRLF line endings).
type Msg struct {
	From string
	To   []string
	Data []byte
}

// BareSend delivers msgs to the SMTP server at addr over conns connections
// with the least a pipelined client can do: no rendering, no journal, no
// report, no retries. Each transaction is one write (MAIL, RCPT…, BDAT
// <size> LAST and the data; with DATA, as servers without CHUNKING need,
// the group and then the body) and one read of its replies, which is the
// exchange tidings' pipelined transport has on the wire. It returns how
// long the transactions took (connecting and greeting excluded) and the
// first error.
func BareSend(ctx context.Context, addr string, conns int, msgs []Msg) (time.Duration, error) {
	if conns < 1 {
		conns = 1
	}
	type session struct {
		c net.Conn
		r *textproto.Reader
		w *bufio.Writer
		// chunking: the server offers CHUNKING.
		chunking bool
	}
	sessions := make([]*session, conns)
	defer func() {
		for _, s := range sessions {
			if s != nil {
				s.c.Close()
			}
		}
	}()
	for i := range sessions {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", addr)
		if err != nil {
			return 0, err
		}
		s := &session{c: c, r: textproto.NewReader(bufio.NewReaderSize(c, 16<<10)), w: bufio.NewWriterSize(c, 64<<10)}
		sessions[i] = s
		if _, _, err := s.r.ReadResponse(220); err != nil {
			return 0, fmt.Errorf("bench: greeting: %w", err)
		}
		s.w.WriteString("EHLO bench.localhost\r\n")
		s.w.Flush()
		_, ext, err := s.r.ReadResponse(250)
		if err != nil {
			return 0, fmt.Errorf("bench: EHLO: %w", err)
		}
		if !strings.Contains(ext, "PIPELINING") {
			return 0, errors.New("bench: the server does not offer PIPELINING")
		}
		s.chunking = strings.Contains(ext, "CHUNKING")
	}
	stop := context.AfterFunc(ctx, func() {
		for _, s := range sessions {
			s.c.Close()
		}
	})
	defer stop()

	var next atomic.Int64
	errs := make([]error, conns)
	var wg sync.WaitGroup
	start := time.Now()
	for i, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= len(msgs) {
					break
				}
				if err := bareTx(s.r, s.w, s.chunking, &msgs[k]); err != nil {
					errs[i] = err
					return
				}
			}
			s.w.WriteString("QUIT\r\n")
			s.w.Flush()
			s.r.ReadResponse(221)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	return elapsed, errors.Join(errs...)
}

// bareTx runs one transaction.
func bareTx(r *textproto.Reader, w *bufio.Writer, chunking bool, m *Msg) error {
	w.WriteString("MAIL FROM:<" + m.From + "> SIZE=" + strconv.Itoa(len(m.Data)) + "\r\n")
	for _, to := range m.To {
		w.WriteString("RCPT TO:<" + to + ">\r\n")
	}
	if chunking {
		w.WriteString("BDAT " + strconv.Itoa(len(m.Data)) + " LAST\r\n")
		w.Write(m.Data)
	} else {
		w.WriteString("DATA\r\n")
	}
	if err := w.Flush(); err != nil {
		return err
	}
	for range 1 + len(m.To) {
		if _, _, err := r.ReadResponse(25); err != nil {
			return fmt.Errorf("bench: envelope: %w", err)
		}
	}
	if !chunking {
		if _, _, err := r.ReadResponse(354); err != nil {
			return fmt.Errorf("bench: DATA: %w", err)
		}
		w.Write(m.Data) // the generator's messages need no dot-stuffing
		w.WriteString(".\r\n")
		if err := w.Flush(); err != nil {
			return err
		}
	}
	if _, _, err := r.ReadResponse(250); err != nil {
		return fmt.Errorf("bench: final reply: %w", err)
	}
	return nil
}
