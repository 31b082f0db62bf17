package mailbox

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strings"
)

// startTLSTag tags the STARTTLS command, the one command sent before
// go-imap takes the connection.
const startTLSTag = "T0"

// startTLS runs the greeting and STARTTLS (RFC 2595 3.1, RFC 3501 6.2.1)
// on the raw connection, then the TLS handshake, and returns the TLS
// connection with a greeting for go-imap to read first (the server sends
// none after STARTTLS; the capabilities before TLS do not count after
// it). It is done here, not with go-imap's StartTLS, so that what comes
// over TLS passes a literalConn (go-imap would put its TLS layer above
// ours). A greeting of BYE refuses the session (no *TLSError). It never
// goes on in clear: a server without STARTTLS is a *TLSError wrapping
// ErrNoStartTLS, and so is one that sends anything
// between its STARTTLS reply and the handshake (what an attacker in the
// middle would inject).
func (s *session) startTLS(ctx context.Context, tlsCfg *tls.Config) (net.Conn, error) {
	br := bufio.NewReaderSize(s.guard, 4096)
	greeting, err := readLine(br)
	if err != nil {
		return nil, s.greetingError(err)
	}
	s.log.line("S: ", greeting)
	if greetingProtocol(greeting) == "POP3" {
		return nil, &ProtocolError{Addr: s.cfg.Addr(), Speaks: "POP3", Greeting: greeting}
	}
	if strings.HasPrefix(strings.ToUpper(greeting), "* BYE") { // this session refused, as over TLS
		return nil, fmt.Errorf("mailbox: %s refused the session: it greeted %q", s.cfg.Addr(), clipLine(hide(greeting, s.cfg.Password)))
	}
	if !strings.HasPrefix(strings.ToUpper(greeting), "* OK") {
		return nil, &TLSError{Addr: s.cfg.Addr(), Why: fmt.Sprintf("the server greeted %q, after which STARTTLS is not possible", clipLine(greeting)), Err: ErrNoStartTLS}
	}
	if _, err := io.WriteString(s.guard, startTLSTag+" STARTTLS\r\n"); err != nil {
		return nil, fmt.Errorf("mailbox: STARTTLS: %w", err)
	}
	s.log.line("C: ", startTLSTag+" STARTTLS")
	if err := s.startTLSReply(br); err != nil {
		return nil, err
	}
	if br.Buffered() > 0 {
		return nil, &TLSError{Addr: s.cfg.Addr(), Why: "the server sent data after its STARTTLS reply, before TLS began", Err: ErrNoStartTLS}
	}
	tc := tls.Client(s.guard, tlsCfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		return nil, tlsError(s.cfg.Addr(), s.cfg.Host, err)
	}
	s.secure = true
	s.log.note("TLS (STARTTLS) with " + s.cfg.Host + ", " + tls.VersionName(tc.ConnectionState().Version))
	return &prefixConn{Conn: tc, prefix: []byte("* OK TLS started\r\n")}, nil
}

// startTLSReply reads up to the tagged reply to STARTTLS, passing over
// untagged lines (at most 100).
func (s *session) startTLSReply(br *bufio.Reader) error {
	for range 100 {
		line, err := readLine(br)
		if err != nil {
			return fmt.Errorf("mailbox: STARTTLS: %w", err)
		}
		s.log.line("S: ", line)
		tag, rest, _ := strings.Cut(line, " ")
		switch {
		case tag == "*":
			continue
		case tag != startTLSTag:
			return fmt.Errorf("mailbox: STARTTLS: the server answered %q", clipLine(line))
		case strings.HasPrefix(strings.ToUpper(rest), "OK"):
			return nil
		default:
			return &TLSError{Addr: s.cfg.Addr(), Why: fmt.Sprintf("the server refused STARTTLS (%s)", clipLine(rest)), Err: ErrNoStartTLS}
		}
	}
	return fmt.Errorf("mailbox: STARTTLS: no reply among 100 lines")
}

// maxPreTLSLine bounds a line read before TLS.
const maxPreTLSLine = 8 << 10

// readLine reads one CRLF (or LF) line, without it, of at most
// maxPreTLSLine bytes.
func readLine(br *bufio.Reader) (string, error) {
	var line []byte
	for {
		chunk, isPrefix, err := br.ReadLine()
		if err != nil {
			return "", err
		}
		if line = append(line, chunk...); len(line) > maxPreTLSLine {
			return "", fmt.Errorf("a line longer than %d bytes", maxPreTLSLine)
		}
		if !isPrefix {
			return string(line), nil
		}
	}
}

func clipLine(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// prefixConn reads prefix, then the connection.
type prefixConn struct {
	net.Conn
	prefix []byte
}

func (c *prefixConn) Read(p []byte) (int, error) {
	if len(c.prefix) > 0 {
		n := copy(p, c.prefix)
		c.prefix = c.prefix[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}
