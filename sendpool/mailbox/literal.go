package mailbox

import (
	"errors"
	"fmt"
	"net"
)

// maxLiteral is the largest literal a server may announce: a fetched
// message is at most the caller's cap (bounces reads 40 MB), and no other
// response this package reads carries more than a few kilobytes.
const maxLiteral = 64 << 20

// errLiteralTooLarge ends a session whose server announced a larger
// literal.
var errLiteralTooLarge = errors.New("the server announced a literal larger than 64 MB")

// maxLine is the longest response line, its literals aside: go-imap v1
// reads a line for as long as it goes, so a server that never ends one
// (a greeting of endless bytes) would fill memory, and never trip the
// timeout, which bounds each wait. A UID SEARCH of a million messages
// is a line of about 8 MB.
const maxLine = 16 << 20

// errLineTooLong ends a session whose server sent a longer line.
var errLineTooLong = errors.New("the server sent a response line longer than 16 MB")

// literalConn refuses literals over maxLiteral before the IMAP reader sees
// their size: go-imap v1's reader allocates what a literal's {N} announces
// before reading it, so a hostile server could make it allocate gigabytes.
// It follows the server's byte stream with a small state machine (literal
// announcements {N} or {N+} at the end of a line, and the N bytes after
// them, passed over), and fails the read at the digit that takes N over
// the limit. Written by hand: go-imap v1 has a MaxLiteralSize, but its
// client does not expose its reader. It sits on the decrypted stream, so
// STARTTLS is done before go-imap takes the connection (see session.open).
type literalConn struct {
	net.Conn
	skip    int64 // literal bytes still to pass over
	inBrace bool  // after a '{', reading digits
	n       int64 // the digits so far
	pending int64 // a literal announced, -1 for none: its CRLF comes next
	line    int64 // bytes of the current line so far, literals aside
	lines   int   // the line ends scan met outside literals
	err     error
	// onFail, when set, hears the refusal (the session reports it: go-imap
	// says only that the connection closed).
	onFail func(error)
	// meter, when set, counts the lines and bytes of the exchange in
	// progress against its bounds.
	meter *meter
}

func newLiteralConn(c net.Conn, onFail func(error), m *meter) *literalConn {
	return &literalConn{Conn: c, pending: -1, onFail: onFail, meter: m}
}

func (l *literalConn) Read(p []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.Conn.Read(p)
	l.lines = 0
	if i, why := l.scan(p[:n]); i >= 0 {
		return i, l.refuse(why)
	}
	if l.meter != nil {
		if why := l.meter.count(l.lines, n); why != nil {
			return 0, l.refuse(why)
		}
	}
	return n, err
}

// refuse ends the connection for why; later reads fail with it too.
func (l *literalConn) refuse(why error) error {
	l.err = fmt.Errorf("mailbox: %w", why)
	if l.onFail != nil {
		l.onFail(l.err)
	}
	l.Conn.Close()
	return l.err
}

// scan follows b; it returns the index of the byte that makes a literal
// or a line too large, and which (errLiteralTooLarge, errLineTooLong), or
// -1.
func (l *literalConn) scan(b []byte) (int, error) {
	for i := 0; i < len(b); i++ {
		if l.skip > 0 {
			k := min(int64(len(b)-i), l.skip)
			l.skip -= k
			i += int(k) - 1
			continue
		}
		c := b[i]
		if l.line++; c == '\n' {
			l.line = 0
			l.lines++
		} else if l.line > maxLine {
			return i, errLineTooLong
		}
		switch {
		case l.inBrace && c >= '0' && c <= '9':
			if l.n = l.n*10 + int64(c-'0'); l.n > maxLiteral {
				return i, errLiteralTooLarge
			}
		case l.inBrace && c == '+':
		case l.inBrace && c == '}':
			l.inBrace, l.pending = false, l.n
		case c == '{':
			l.inBrace, l.n, l.pending = true, 0, -1
		case c == '\r' && l.pending >= 0:
		case c == '\n' && l.pending >= 0:
			l.skip, l.pending = l.pending, -1
		default:
			l.inBrace, l.pending = false, -1
		}
	}
	return -1, nil
}
