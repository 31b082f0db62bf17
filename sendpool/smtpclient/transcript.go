package smtpclient

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/tidings/tidings/sendpool/redact"
)

// redacted replaces secrets in the transcript.
const redacted = redact.Mark

// lockedWriter serializes transcript lines of several connections into one
// writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) writeLine(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	io.WriteString(l.w, s) // a failing debug writer must not fail delivery
}

// transcript turns the raw byte stream go-smtp's client reads and writes
// into "[c3] C: …" / "[c3] S: …" lines, with:
//   - the argument of "AUTH <mech> <initial-response>" and every client line
//     that answers a 334 challenge replaced by [redacted];
//   - the password, wherever it would appear, replaced by [redacted];
//   - the message body reduced to one line giving its size.
//
// go-smtp hands both directions to one writer; the direction is told from
// the text: server replies start with three digits and a space, hyphen or
// the end of the line, which neither commands nor base64 SASL responses
// (whose length is a multiple of four and which contain no space or hyphen)
// can. SMTP without PIPELINING is lockstep, so lines never interleave.
type transcript struct {
	out    *lockedWriter
	prefix string
	// secrets are the password and the base64 forms a login sends it in.
	secrets []string

	buf       []byte
	inAuth    bool
	inData    bool
	dataLines int
	dataBytes int
}

func newTranscript(out *lockedWriter, id int64, username, password string) *transcript {
	return &transcript{out: out, prefix: fmt.Sprintf("[c%d] ", id), secrets: secretForms(username, password)}
}

// secretForms lists password and the base64 strings a login sends it in
// (LOGIN, PLAIN with and without an authorization identity, XOAUTH2), so
// that a line the text-based direction guess takes for a server reply (a
// server that sends part of its next reply before the client's answer)
// still cannot show it.
func secretForms(username, password string) []string {
	if password == "" {
		return nil
	}
	enc := base64.StdEncoding.EncodeToString
	forms := []string{
		password,
		enc([]byte(password)),
		enc([]byte("\x00" + username + "\x00" + password)),
		enc([]byte(username + "\x00" + username + "\x00" + password)),
		enc([]byte("user=" + username + "\x01auth=Bearer " + password + "\x01\x01")),
	}
	// Longest first: a short password may lie inside a base64 form, which
	// its replacing first would break, leaving the rest of that form (it
	// encodes the password) readable.
	slices.SortStableFunc(forms, func(a, b string) int { return len(b) - len(a) })
	return forms
}

// Write implements io.Writer; it never fails.
func (t *transcript) Write(b []byte) (int, error) {
	t.buf = append(t.buf, b...)
	for {
		i := bytes.IndexByte(t.buf, '\n')
		if i < 0 {
			break
		}
		line := strings.TrimRight(string(t.buf[:i]), "\r")
		t.buf = t.buf[i+1:]
		t.line(line)
	}
	if len(t.buf) == 0 {
		t.buf = nil
	}
	return len(b), nil
}

func isReplyLine(s string) bool {
	if len(s) < 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return len(s) == 3 || s[3] == ' ' || s[3] == '-'
}

func (t *transcript) line(s string) {
	if t.inData {
		if s == "." {
			t.inData = false
			t.emit("C: ", fmt.Sprintf("[message data: %d lines, %d bytes]", t.dataLines, t.dataBytes))
			t.emit("C: ", ".")
			return
		}
		t.dataLines++
		t.dataBytes += len(s) + 2
		return
	}
	if isReplyLine(s) {
		code := s[:3]
		if t.inAuth && code != "334" {
			t.inAuth = false
		}
		if code == "354" {
			t.inData = true
			t.dataLines, t.dataBytes = 0, 0
		}
		t.emit("S: ", s)
		return
	}
	if t.inAuth {
		t.emit("C: ", redacted)
		return
	}
	if f := strings.Fields(s); len(f) >= 1 && strings.EqualFold(f[0], "AUTH") {
		t.inAuth = true
		if len(f) > 2 {
			s = f[0] + " " + f[1] + " " + redacted
		}
	}
	t.emit("C: ", s)
}

func (t *transcript) emit(dir, s string) {
	t.out.writeLine(t.prefix + dir + t.scrub(s) + "\n")
}

func (t *transcript) scrub(s string) string { return redact.String(s, t.secrets) }
