package mailbox

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/tidings/tidings/sendpool/redact"
)

// redacted stands for a secret in the transcript.
const redacted = redact.Mark

// passwordForms lists password as it is and as LOGIN sends it in a
// quoted string (strconv.Quote: a quote or a backslash escaped), which a
// server quoting the command shows; none for no password.
func passwordForms(password string) []string {
	if password == "" {
		return nil
	}
	quoted := strconv.Quote(password)
	return []string{quoted[1 : len(quoted)-1], password} // longest first: see redact.String
}

// hide returns s with the password in it replaced by redacted, in every
// form passwordForms lists.
func hide(s, password string) string {
	return redact.String(s, passwordForms(password))
}

// hideErr returns err, or, when its text holds the password (see hide),
// an error with that text redacted which wraps err (redact.Error).
func hideErr(err error, password string) error {
	return redact.Error(err, passwordForms(password))
}

// redactingWriter writes to w what it is given, a transcript's line a
// write as package pop3 writes them, with the password redacted (see
// hide): pop3's own redaction starts at the login, and a server may
// quote the password it had from an earlier session in its greeting.
type redactingWriter struct {
	w        io.Writer
	password string
}

// redacting returns w wrapped in a redactingWriter, nil for nil.
func redacting(w io.Writer, password string) io.Writer {
	if w == nil {
		return nil
	}
	return redactingWriter{w: w, password: password}
}

func (r redactingWriter) Write(b []byte) (int, error) {
	if _, err := io.WriteString(r.w, hide(string(b), r.password)); err != nil {
		return 0, err
	}
	return len(b), nil
}

// maxLogLine bounds one transcript line; the rest of a longer one is cut.
const maxLogLine = 4096

// transcript writes one session's Debug lines. A nil writer discards; a
// failing writer is ignored (debugging must not fail the session). Lines
// come from the caller's goroutine (commands) and go-imap's reader
// goroutine (replies): mu keeps them whole.
type transcript struct {
	mu     sync.Mutex
	w      io.Writer
	secret string // the password: replaced wherever it would show
}

func newTranscript(w io.Writer, secret string) *transcript {
	return &transcript{w: w, secret: secret}
}

func (t *transcript) on() bool { return t != nil && t.w != nil }

// note writes a line of tidings' own ("-- TLS 1.3 with imap.example.org").
func (t *transcript) note(s string) { t.line("-- ", s) }

func (t *transcript) line(prefix, s string) {
	if !t.on() {
		return
	}
	s = hide(s, t.secret)
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.w, "%s%s\n", prefix, s)
}

// logger is go-imap's ErrorLog: its complaints go to the transcript.
func (t *transcript) logger() *log.Logger {
	if !t.on() {
		return log.New(io.Discard, "", 0)
	}
	return log.New(writerFunc(func(p []byte) (int, error) {
		// Its reader's complaint when tidings closed the connection is
		// no news.
		if s := strings.TrimRight(string(p), "\n"); !strings.Contains(s, net.ErrClosed.Error()) {
			t.note("go-imap: " + s)
		}
		return len(p), nil
	}), "", 0)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// literalRE finds an IMAP literal's announcement ending a line: {12},
// {12+} (RFC 7888).
var literalRE = regexp.MustCompile(`\{([0-9]{1,19})\+?\}$`)

// wireLog turns one direction of the byte stream into transcript lines:
// a literal (a message, mostly) is shown by its size, not its bytes, and
// a LOGIN command by its tag and verb only, its arguments and literals
// dropped, so the password never shows.
type wireLog struct {
	t      *transcript
	prefix string
	client bool // the client's side, where LOGIN is hidden
	buf    []byte
	cut    bool  // the line in buf was longer than maxLogLine
	skip   int64 // bytes of the current literal still to pass over
	size   int64 // the current literal's size
	hidden bool  // inside a LOGIN command: nothing shows until it ends
}

func (l *wireLog) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if l.skip > 0 {
			k := min(int64(len(p)), l.skip)
			l.skip -= k
			p = p[k:]
			if l.skip == 0 && !l.hidden {
				l.t.line(l.prefix, fmt.Sprintf("[%d bytes]", l.size))
			}
			continue
		}
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.keep(p)
			break
		}
		l.keep(p[:i])
		p = p[i+1:]
		l.endLine()
	}
	return n, nil
}

func (l *wireLog) keep(p []byte) {
	if room := maxLogLine - len(l.buf); len(p) > room {
		p, l.cut = p[:max(room, 0)], true
	}
	l.buf = append(l.buf, p...)
}

// endLine shows the line in buf and notes a literal it announces.
func (l *wireLog) endLine() {
	line := strings.TrimSuffix(string(l.buf), "\r")
	cut := l.cut
	l.buf, l.cut = l.buf[:0], false
	if f := strings.Fields(line); l.client && !l.hidden && len(f) >= 2 && strings.EqualFold(f[1], "LOGIN") {
		l.t.line(l.prefix, f[0]+" "+f[1]+" "+redacted)
		l.hidden = true
	} else if !l.hidden {
		if cut {
			line += " [line cut]"
		}
		l.t.line(l.prefix, line)
	}
	m := literalRE.FindStringSubmatch(line)
	if m == nil || cut {
		l.hidden = false // the command is complete
		return
	}
	l.size, _ = strconv.ParseInt(m[1], 10, 64)
	l.skip = l.size
	if l.skip == 0 && !l.hidden {
		l.t.line(l.prefix, "[0 bytes]")
	}
}
