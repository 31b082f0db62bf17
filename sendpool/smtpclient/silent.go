package smtpclient

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"strconv"
	"syscall"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
)

// sniffTimeout bounds the look at what answers on a port that sent no SMTP
// greeting.
const sniffTimeout = 2 * time.Second

// notSMTP is the error of a session whose server did not greet in SMTP: it
// sent nothing before closing the connection or letting the setup time out,
// or it sent something that is not an SMTP reply. It is a
// *sendpool.DialError of kind DialNoAnswer (the run stops when it happens
// on the first connection) with a hint naming what does answer there, as
// far as a second look tells (see sniff). It returns nil for any other
// failure, and under implicit TLS, whose handshake failure says more.
func (d *Dialer) notSMTP(ctx context.Context, raw *rawConn, err error) *sendpool.DialError {
	if d.cfg.Security == campaign.SecurityTLS || raw == nil || errors.Is(ctx.Err(), context.Canceled) {
		return nil // a cancelled dial (Ctrl-C) says nothing about the port
	}
	heard := raw.heard
	var (
		hint string
		met  sendpool.NoAnswer
	)
	switch {
	case len(heard) > 0 && !looksLikeSMTP(heard):
		hint = fmt.Sprintf("%s answered %s, which is not an SMTP greeting: it is not a mail server; check smtp.host and smtp.port (587 with security: starttls, 465 with security: tls)",
			d.cfg.Addr(), strconv.Quote(string(firstLine(heard))))
	case len(heard) == 0 && isSilence(ctx, err):
		hint, met = d.silenceHint(ctx, isClosed(err) && ctx.Err() == nil)
	default:
		return nil
	}
	return &sendpool.DialError{Addr: d.cfg.Addr(), Kind: sendpool.DialNoAnswer, NoAnswer: met, Hint: hint, Err: err}
}

// isSilence reports whether err ends a session the server said nothing
// in: it closed the connection, reset it, or let the setup time out.
func isSilence(ctx context.Context, err error) bool {
	return isClosed(err) || isTimeout(err) || errors.Is(ctx.Err(), context.DeadlineExceeded)
}

// isClosed reports whether err is the server closing or resetting the
// connection, as opposed to letting the setup time out.
func isClosed(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
}

// silenceHint says what a server that sent no greeting may be, after a
// look at how the port answers an HTTP request and a TLS handshake:
// closed tells a server that closed (or reset) the connection without a
// word from one that said nothing until the setup timed out. The
// NoAnswer returned says which of these the hint tells.
func (d *Dialer) silenceHint(ctx context.Context, closed bool) (string, sendpool.NoAnswer) {
	addr := d.cfg.Addr()
	switch sniff(ctx, d.netDial(0), addr, d.cfg.Host) {
	case "http":
		return fmt.Sprintf("%s sent no SMTP greeting and answers HTTP: it is a web server, not a mail server; set smtp.port to the provider's SMTP port (587 with security: starttls, 465 with security: tls)", addr), sendpool.NoAnswerOther
	case "tls":
		return fmt.Sprintf("%s sent no SMTP greeting and speaks TLS from the first byte: set smtp.security: tls (465 is the usual port for it)", addr), sendpool.NoAnswerOther
	}
	if closed {
		return fmt.Sprintf("%s %s: usually a server that refuses connections from this client or its IP address (an access list, a blocklist, too many connections), a port that wants TLS from the first byte spoken to in plain text (465 is implicit TLS: smtp.security: tls), or a firewall or proxy between that cuts the connection", addr, sendpool.ClosedNoGreeting), sendpool.NoAnswerClosed
	}
	return fmt.Sprintf("%s %s within %s: the wrong port, the wrong smtp.security (465 is implicit TLS, 587 and 25 are STARTTLS), or not a mail server", addr, sendpool.SilentNoGreeting, d.cfg.timeout()), sendpool.NoAnswerSilent
}

// sniff tells what speaks at addr: "tls" when a TLS handshake gets a TLS
// answer, "http" when an HTTP request gets an HTTP answer, "" when neither
// (or nothing within sniffTimeout; the two looks run at once). Written by hand: no
// library answers "what protocol is this port", and the look is only taken
// once a session has failed.
func sniff(ctx context.Context, dial netDialFunc, addr, host string) string {
	ctx = context.WithoutCancel(ctx)
	isTLS := make(chan bool, 1)
	go func() { isTLS <- sniffTLS(ctx, dial, addr, host) }()
	isHTTP := sniffHTTP(ctx, dial, addr, host)
	switch {
	case <-isTLS:
		return "tls"
	case isHTTP:
		return "http"
	}
	return ""
}

// sniffTLS reports whether a TLS handshake with addr gets a TLS answer.
// Nothing is sent after the handshake, so the certificate is not checked
// (a failed check would still prove TLS).
func sniffTLS(ctx context.Context, dial netDialFunc, addr, host string) bool {
	ctx, cancel := context.WithTimeout(ctx, sniffTimeout)
	defer cancel()
	c, err := dial(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	defer c.Close()
	tc := tls.Client(c, &tls.Config{ServerName: host, InsecureSkipVerify: true}) //nolint:gosec // only asks whether the port speaks TLS; no data follows
	err = tc.HandshakeContext(ctx)
	var alert tls.AlertError
	return err == nil || errors.As(err, &alert)
}

// sniffHTTP reports whether an HTTP request to addr gets an HTTP answer.
func sniffHTTP(ctx context.Context, dial netDialFunc, addr, host string) bool {
	ctx, cancel := context.WithTimeout(ctx, sniffTimeout)
	defer cancel()
	c, err := dial(ctx, "tcp", addr)
	if err != nil {
		return false
	}
	defer c.Close()
	deadline, _ := ctx.Deadline()
	c.SetDeadline(deadline)
	if _, err := io.WriteString(c, "HEAD / HTTP/1.0\r\nHost: "+host+"\r\n\r\n"); err != nil {
		return false
	}
	b := make([]byte, 5)
	n, _ := io.ReadFull(c, b)
	return n == 5 && string(b) == "HTTP/"
}

// looksLikeSMTP reports whether b starts as an SMTP reply does: three
// digits.
func looksLikeSMTP(b []byte) bool {
	for i := range 3 {
		if i >= len(b) {
			return true // too short to tell
		}
		if b[i] < '0' || b[i] > '9' {
			return false
		}
	}
	return true
}

// firstLine is b up to its first line break, at most 40 bytes.
func firstLine(b []byte) []byte {
	for i, c := range b {
		if c == '\r' || c == '\n' || i == 40 {
			return b[:i]
		}
	}
	return b
}
