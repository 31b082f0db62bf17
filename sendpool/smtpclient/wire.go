package smtpclient

import (
	"bytes"
	"encoding/binary"
)

// validPath reports whether an envelope address can go on a command line:
// no control characters (render never makes such addresses; this keeps a
// command from being split whatever the caller passes).
func validPath(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return false
		}
	}
	return true
}

// has8bit reports whether data has a byte outside US-ASCII (then MAIL
// carries BODY=8BITMIME, RFC 6152, when the server offers it).
func has8bit(data []byte) bool {
	// Eight bytes at a time: a newsletter is a few kilobytes and this
	// runs for every message.
	for len(data) >= 8 {
		if binary.LittleEndian.Uint64(data)&0x8080808080808080 != 0 {
			return true
		}
		data = data[8:]
	}
	for _, b := range data {
		if b >= 0x80 {
			return true
		}
	}
	return false
}

// canonicalCRLF returns data with every bare LF turned into CRLF, as
// net/textproto's DotWriter (and so the plain exchange) sends it; data
// itself when it has none (render's messages never do).
func canonicalCRLF(data []byte) []byte {
	if !hasBareLF(data) {
		return data
	}
	out := make([]byte, 0, len(data)+len(data)/32)
	for i, b := range data {
		if b == '\n' && (i == 0 || data[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, b)
	}
	return out
}

// hasBareLF reports whether data has an LF not preceded by CR. It jumps
// from LF to LF (one pass; counting LFs and CRLFs took two).
func hasBareLF(data []byte) bool {
	for i := 0; i < len(data); i++ {
		j := bytes.IndexByte(data[i:], '\n')
		if j < 0 {
			return false
		}
		i += j
		if i == 0 || data[i-1] != '\r' {
			return true
		}
	}
	return false
}

// appendDotStuffed appends data as a DATA body (RFC 5321 section 4.5.2: a
// line starting with "." gets another one) ending with CRLF, then the end
// mark ".\r\n". data has CRLF line endings.
func appendDotStuffed(dst, data []byte) []byte {
	switch {
	case len(data) == 0:
	case data[0] != '.' && !bytes.Contains(data, []byte("\n.")):
		dst = append(dst, data...)
	default:
		for rest := data; len(rest) > 0; {
			if rest[0] == '.' {
				dst = append(dst, '.')
			}
			i := bytes.IndexByte(rest, '\n')
			if i < 0 {
				dst = append(dst, rest...)
				break
			}
			dst = append(dst, rest[:i+1]...)
			rest = rest[i+1:]
		}
	}
	if n := len(data); n > 0 && data[n-1] != '\n' {
		if data[n-1] == '\r' {
			dst = append(dst, '\n')
		} else {
			dst = append(dst, '\r', '\n')
		}
	}
	return append(dst, '.', '\r', '\n')
}
