package pop3

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxLine bounds a status line and each line of a CAPA, LIST or UIDL
// listing. RFC 2449 limits replies to 512 octets; the margin is for servers
// that go over it.
const maxLine = 8 << 10

// readerSize is the size of the reply buffer, and so of the pieces in which
// a message body is read.
const readerSize = 32 << 10

// errProtocol marks a reply that breaks RFC 1939; the session is closed.
var errProtocol = errors.New("protocol error")

// readLine reads one reply line of at most maxLine bytes and returns it
// without its line end (LF, CR LF being the rule).
func readLine(r *bufio.Reader) (string, error) {
	var line []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(line)+len(chunk) > maxLine {
			return "", fmt.Errorf("%w: reply line longer than %d bytes", errProtocol, maxLine)
		}
		line = append(line, chunk...)
		switch {
		case err == nil:
			return string(trimEOL(line)), nil
		case errors.Is(err, bufio.ErrBufferFull):
		case errors.Is(err, io.EOF):
			return "", io.ErrUnexpectedEOF
		default:
			return "", err
		}
	}
}

// trimEOL removes a trailing LF and the CR before it.
func trimEOL(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// parseStatus splits a status line into its indicator (+OK: true, -ERR:
// false) and the text after it. Any other line is a protocol error.
func parseStatus(line string) (ok bool, text string, err error) {
	ind, text, _ := strings.Cut(line, " ")
	switch strings.ToUpper(ind) {
	case "+OK":
		return true, strings.TrimSpace(text), nil
	case "-ERR":
		return false, strings.TrimSpace(text), nil
	}
	return false, "", fmt.Errorf("%w: status line %q is neither +OK nor -ERR", errProtocol, clip(line))
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

// readLines reads the lines of a multi-line listing (CAPA, LIST, UIDL) up
// to the terminating ".", undoing byte-stuffing.
func readLines(r *bufio.Reader) ([]string, error) {
	var lines []string
	for {
		line, err := readLine(r)
		if err != nil {
			return nil, err
		}
		if line == "." {
			return lines, nil
		}
		if len(lines) == maxListing {
			return nil, fmt.Errorf("%w: a listing of more than %d lines", errProtocol, maxListing)
		}
		lines = append(lines, strings.TrimPrefix(line, "."))
	}
}

// maxListing bounds a listing (a maildrop of a million messages is more
// than any bounce mailbox holds); maxDiscard bounds what readBody reads
// past its max before it gives up on the session: a server that never
// ends a message cannot keep the client reading.
const (
	maxListing = 1 << 20
	maxDiscard = 256 << 20
)

// body collects a message read in pieces, keeping at most max bytes and
// counting all of them.
type body struct {
	out   bytes.Buffer
	total int64
	max   int64
}

func (b *body) write(p []byte) {
	b.total += int64(len(p))
	if b.total <= b.max {
		b.out.Write(p)
	}
}

var crlf = []byte("\r\n")

// readBody reads a multi-line message (RETR) up to its terminating ".",
// undoing byte-stuffing and ending every line in CR LF (a bare LF ends a
// line too; a CR inside a line is kept). Lines of any length are read in
// pieces, so memory stays bounded by max: past max bytes the rest is read
// and discarded, and the error is ErrTooLarge with the session still in
// step; past max+maxDiscard it is a protocol error that ends the session.
func readBody(r *bufio.Reader, max int64) ([]byte, int64, error) {
	b := &body{max: max}
	atStart, heldCR := true, false
	for {
		chunk, err := r.ReadSlice('\n')
		whole := err == nil
		if !whole && !errors.Is(err, bufio.ErrBufferFull) {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, b.total, err
		}
		if atStart && whole && string(trimEOL(chunk)) == "." {
			break
		}
		if b.total > max+maxDiscard {
			return nil, b.total, fmt.Errorf("%w: the message goes on past %d bytes", errProtocol, max+maxDiscard)
		}
		if atStart {
			chunk = bytes.TrimPrefix(chunk, []byte("."))
		}
		// A CR that ended the previous piece is content unless this piece
		// is the LF that completes its line end.
		if heldCR && !(whole && len(chunk) == 1) {
			b.write([]byte("\r"))
		}
		heldCR = false
		if whole {
			b.write(trimEOL(chunk))
			b.write(crlf)
		} else {
			heldCR = chunk[len(chunk)-1] == '\r'
			b.write(bytes.TrimSuffix(chunk, []byte("\r")))
		}
		atStart = whole
	}
	if b.total > max {
		return nil, b.total, ErrTooLarge
	}
	return b.out.Bytes(), b.total, nil
}
