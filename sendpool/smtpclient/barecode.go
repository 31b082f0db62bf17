package smtpclient

import (
	"io"
	"net"
)

// codeReader reads a server's replies with each line that is a bare reply
// code ("250\r\n": RFC 5321 4.2 makes the text after the code optional)
// given the space net/textproto wants after it ("250 \r\n"); textproto,
// which go-smtp and the pipelined exchange read replies with, refuses such
// a line as a "short response", and a bare code that ends a multi-line
// reply makes it read the next reply as part of this one. Written by hand:
// textproto cannot be told to take the line. Not safe for concurrent use.
type codeReader struct {
	r io.Reader
	// head holds the start of the current line while it may still be a
	// bare code: up to three digits and a CR, not yet handed on.
	head []byte
	// atStart: the next byte read begins a line (head holds its start).
	atStart bool
	out     []byte // bytes ready to hand on
	buf     []byte // what the last read brought
	// err is a read error that came with bytes, handed on after them.
	// Errors are not kept: a read deadline's timeout (the pipelined
	// exchange's look for unasked replies) may be followed by reads.
	err error
}

func newCodeReader(r io.Reader) *codeReader {
	return &codeReader{r: r, atStart: true}
}

func (c *codeReader) Read(b []byte) (int, error) {
	for len(c.out) == 0 {
		if c.err != nil {
			err := c.err
			c.err = nil
			return 0, err
		}
		if cap(c.buf) < len(b) {
			c.buf = make([]byte, len(b))
		}
		n, err := c.r.Read(c.buf[:len(b)])
		for _, x := range c.buf[:n] {
			c.take(x)
		}
		if err == io.EOF {
			c.out, c.head = append(c.out, c.head...), c.head[:0] // a line cut short: as it came
		}
		c.err = err
	}
	n := copy(b, c.out)
	c.out = c.out[n:]
	return n, nil
}

// take adds x to what is handed on, rewriting a line that is a bare code.
func (c *codeReader) take(x byte) {
	if !c.atStart {
		c.out = append(c.out, x)
		c.atStart = x == '\n'
		return
	}
	k := len(c.head)
	switch {
	case k < 3 && x >= '0' && x <= '9', k == 3 && x == '\r':
		c.head = append(c.head, x)
		return
	case k == 3 && x == '\n', k == 4 && x == '\n':
		c.out = append(append(append(c.out, c.head[:3]...), ' '), c.head[3:]...)
		c.out = append(c.out, x)
		c.head = c.head[:0]
		return
	}
	c.out = append(append(c.out, c.head...), x)
	c.head = c.head[:0]
	c.atStart = x == '\n'
}

// codeConn is a connection read through a codeReader (and
// replyLimitReader: newReplyReader), for go-smtp.
type codeConn struct {
	net.Conn
	r io.Reader
}

func withBareCodes(c net.Conn) net.Conn { return &codeConn{Conn: c, r: newReplyReader(c)} }

func (c *codeConn) Read(b []byte) (int, error) { return c.r.Read(b) }
