package render

import "math"

// appendQP appends body encoded as quoted-printable (RFC 2045 section 6.7)
// to dst: lines of at most 76 characters with soft line breaks, line breaks
// of any kind (CRLF, a lone CR, a lone LF) written as CRLF, space or tab
// before a line break encoded. The bytes are those mime/quotedprintable's
// Writer produces for one Write and a Close of body with its line breaks
// made CRLF first (given a lone CR followed by a byte it encodes, the
// standard Writer takes a later LF for the CR's pair and drops a line
// break; appendQP does not). It is written by hand because the standard Writer
// passes every byte through two loops and a line buffer: it took a quarter
// of rendering a newsletter (13 of 54 µs a message); this single pass copies
// runs of plain bytes at once. A differential test and FuzzQuotedPrintable
// hold the two to the same output.
func appendQP(dst, body []byte) []byte {
	dst, _ = appendQPUpTo(dst, body, math.MaxInt)
	return dst
}

// appendQPUpTo is appendQP that gives up once it has appended more than
// limit bytes, the encoding then known to be longer than limit: it returns
// false, having appended more than limit and at most limit+qpOvershoot
// bytes (most of them the encoding's). Encoding and measuring are one pass: textPart encodes once
// when quoted-printable is the shorter encoding, and stops early when it
// is not.
func appendQPUpTo(dst, body []byte, limit int) ([]byte, bool) {
	const maxLine = 75       // characters before a soft line break's "=", as mime/quotedprintable
	n := 0                   // characters on the current output line
	cr := false              // the last byte written as itself was a CR
	stop := len(dst) + limit // past it, give up
	if limit > math.MaxInt-len(dst) {
		stop = math.MaxInt
	}
	for i := 0; i < len(body); {
		if len(dst) > stop {
			return dst, false
		}
		c := body[i]
		switch qpClass[c] {
		case qpPlain:
			if n == maxLine {
				dst = append(dst, '=', '\r', '\n')
				n = 0
			}
			end := min(len(body), i+maxLine-n)
			j := i + 1
			for j < end && qpClass[body[j]] == qpPlain {
				j++
			}
			dst = append(dst, body[i:j]...)
			n += j - i
			i = j
			cr = false
		case qpBreak:
			i++
			if cr && c == '\n' {
				cr = false
				continue
			}
			cr = c == '\r'
			dst, n = qpTrailing(dst, n)
			dst = append(dst, '\r', '\n')
			n = 0
		default:
			dst, n = qpEncode(dst, n, c)
			i++
			cr = false
		}
	}
	dst, _ = qpTrailing(dst, n)
	return dst, len(dst) <= stop
}

// qpOvershoot bounds what appendQPUpTo appends past its limit: one step
// of its loop (at most a soft line break and a run of 75 characters) and
// the encoding of a space or tab that ends the last line (a soft line
// break and =XX).
const qpOvershoot = 3 + 75 + 6

// qpEncode appends c as =XX, after a soft line break when the line has no
// room for it.
func qpEncode(dst []byte, n int, c byte) ([]byte, int) {
	const hex = "0123456789ABCDEF"
	if n > 72 {
		dst = append(dst, '=', '\r', '\n')
		n = 0
	}
	return append(dst, '=', hex[c>>4], hex[c&0x0f]), n + 3
}

// qpTrailing encodes a space or tab that ends the line of n characters at
// the end of dst, as RFC 2045 requires (a gateway may strip it).
func qpTrailing(dst []byte, n int) ([]byte, int) {
	if n == 0 {
		return dst, n
	}
	if c := dst[len(dst)-1]; c == ' ' || c == '\t' {
		return qpEncode(dst[:len(dst)-1], n-1, c)
	}
	return dst, n
}

// Byte classes for appendQP.
const (
	qpEncoded = iota // written as =XX
	qpPlain          // written as itself
	qpBreak          // CR or LF: a line break
)

var qpClass = func() (t [256]uint8) {
	for c := '!'; c <= '~'; c++ {
		t[c] = qpPlain
	}
	t['='] = qpEncoded
	t[' '], t['\t'] = qpPlain, qpPlain
	t['\r'], t['\n'] = qpBreak, qpBreak
	return t
}()
