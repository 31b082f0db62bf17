package render

import (
	"bytes"
	"encoding/base64"
)

// A text part goes as base64 when that is shorter than quoted-printable:
// text in Chinese, Japanese, Korean, Cyrillic, Greek or Arabic, whose every
// byte quoted-printable writes as =XX, three characters, where base64
// takes four for three bytes (RFC 2045 6.7, 6.8). Base64 encodes the text
// in canonical form (RFC 2045 6.8, RFC 2046 4.1.1): every line break, as
// appendQP reads them (CRLF, a lone CR, a lone LF), made CRLF.

// b64Line is the number of bytes base64 writes on one 76-character line.
const b64Line = 57

// crlfLen returns the length of body with every line break (CRLF, a lone
// CR, a lone LF) written as CRLF.
func crlfLen(body []byte) int {
	lf := bytes.Count(body, []byte{'\n'})
	cr := bytes.Count(body, []byte{'\r'})
	if cr == 0 {
		return len(body) + lf
	}
	return len(body) + lf + cr - 2*bytes.Count(body, []byte("\r\n"))
}

// base64TextLen returns len(appendBase64Text(nil, body)).
func base64TextLen(body []byte) int {
	n := crlfLen(body)
	if n == 0 {
		return 0
	}
	lines := (n + b64Line - 1) / b64Line
	return base64.StdEncoding.EncodedLen(n) + 2*(lines-1)
}

// appendBase64Text appends body, its line breaks made CRLF, encoded as
// base64 in lines of 76 characters joined by CRLF, without a final CRLF,
// to dst. It allocates nothing when dst has room for
// base64TextLen(body) more bytes.
func appendBase64Text(dst, body []byte) []byte {
	e := b64Lines{dst: dst, start: len(dst)}
	for len(body) > 0 {
		i := bytes.IndexAny(body, "\r\n")
		if i < 0 {
			e.write(body)
			break
		}
		e.write(body[:i])
		e.write(crlfBytes)
		if body[i] == '\r' && i+1 < len(body) && body[i+1] == '\n' {
			i++
		}
		body = body[i+1:]
	}
	e.flush()
	return e.dst
}

var crlfBytes = []byte("\r\n")

// b64Lines encodes a stream of bytes written to it as base64 lines,
// b64Line bytes a line.
type b64Lines struct {
	dst   []byte
	start int // len(dst) before the first line
	buf   [b64Line]byte
	n     int // bytes in buf
}

func (e *b64Lines) write(p []byte) {
	for len(p) > 0 {
		k := copy(e.buf[e.n:], p)
		e.n += k
		p = p[k:]
		if e.n == len(e.buf) {
			e.flush()
		}
	}
}

// flush encodes the bytes in buf as a line of their own.
func (e *b64Lines) flush() {
	if e.n == 0 {
		return
	}
	if len(e.dst) > e.start {
		e.dst = append(e.dst, '\r', '\n')
	}
	e.dst = base64.StdEncoding.AppendEncode(e.dst, e.buf[:e.n])
	e.n = 0
}
