package smtpclient

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
)

// probeNotes receives what the dial learns, for Probe.
type probeNotes struct {
	connected func(remote net.Addr, took time.Duration)
	tls       func(state tls.ConnectionState)
	hello     func(c *smtp.Client, name string) // name: the EHLO name sent
	auth      func(mech string)
	tap       io.Writer // receives the transcript besides cfg.Debug
}

// session is a session being set up: the client and the connections it
// runs over.
type session struct {
	raw *rawConn
	// conn is the session's connection above TLS.
	conn net.Conn
	c    *smtp.Client
	// hc is the connection c runs over (see helloCache).
	hc *helloCache
	// restarted is the TLS connection made after STARTTLS, when ours.
	restarted *tls.Conn
	// secure: the connection is encrypted (AUTH may go).
	secure bool
}

// setup runs the session from the first byte to a logged-in EHLO: implicit
// TLS or STARTTLS as configured, the greeting, EHLO (LHLO), AUTH.
func (d *Dialer) setup(ctx context.Context, raw *rawConn, notes *probeNotes) (*smtpConn, error) {
	cfg := &d.cfg
	tr, tap := d.transcriptFor(notes)
	s := &session{raw: raw, conn: raw}
	if cfg.Security == campaign.SecurityTLS {
		if err := d.implicitTLS(ctx, s, notes); err != nil {
			return nil, err
		}
	}
	if err := d.client(s, tap); err != nil {
		return nil, err
	}
	s.c.CommandTimeout = cfg.timeout()
	s.c.SubmissionTimeout = 4 * cfg.timeout()
	if err := d.hello(s, notes); err != nil {
		return nil, err
	}
	if cfg.Username != "" {
		mech, err := d.login(s.c, raw, s.secure)
		if err != nil {
			return nil, err
		}
		if notes != nil && notes.auth != nil {
			notes.auth(mech)
		}
	}
	return d.newConn(s, tr), nil
}

// transcriptFor returns the transcript of a new session (nil without
// --debug) and the writer that receives the session's bytes: the
// transcript, the probe's tap, both, or nil.
func (d *Dialer) transcriptFor(notes *probeNotes) (*transcript, io.Writer) {
	var tr *transcript
	var tap io.Writer
	if d.debug != nil {
		tr = newTranscript(d.debug, d.nextID.Add(1), d.cfg.Username, d.cfg.Password)
		tap = tr
	}
	if notes != nil && notes.tap != nil {
		if tap == nil {
			tap = notes.tap
		} else {
			tap = io.MultiWriter(tap, notes.tap)
		}
	}
	return tr, tap
}

// implicitTLS runs the TLS handshake on the raw connection (security: tls).
func (d *Dialer) implicitTLS(ctx context.Context, s *session, notes *probeNotes) error {
	tc := tls.Client(s.raw, d.tls)
	if err := tc.HandshakeContext(ctx); err != nil {
		te := d.tlsError("implicit TLS handshake failed (is this port really TLS? port 587 and 25 want security: starttls)", err)
		te.Hint = plainHint(d.cfg.Host)
		return te
	}
	if notes != nil && notes.tls != nil {
		notes.tls(tc.ConnectionState())
	}
	s.conn, s.secure = tc, true
	return nil
}

// client makes the go-smtp client of the session: after STARTTLS, for
// LMTP, or plain SMTP. tap receives the session's bytes (or nil).
func (d *Dialer) client(s *session, tap io.Writer) error {
	cfg := &d.cfg
	tapped := false // the transcript comes from the connection, not DebugWriter
	switch {
	case cfg.Protocol == campaign.ProtocolLMTP && cfg.Security == campaign.SecurityStartTLS:
		return &sendpool.TLSError{Host: cfg.Addr(), Why: "STARTTLS with LMTP is not supported; use security: tls or none"}
	case cfg.Security == campaign.SecurityStartTLS:
		if err := d.startTLS(s, tap); err != nil {
			return err
		}
		tapped = s.restarted != nil
	case cfg.Protocol == campaign.ProtocolLMTP:
		s.hc = &helloCache{Conn: withBareCodes(s.conn)}
		s.c = smtp.NewClientLMTP(s.hc)
	default:
		s.hc = &helloCache{Conn: withBareCodes(s.conn)}
		s.c = smtp.NewClient(s.hc)
	}
	if tap != nil && !tapped {
		// Tapped from the connection, not go-smtp's DebugWriter: an
		// EHLO helloCache answers never went over the wire.
		s.hc.tap = tap
	}
	return nil
}

// startTLS runs the greeting, EHLO and STARTTLS in plaintext (go-smtp's
// NewClientStartTLS) and leaves s with a client over TLS.
func (d *Dialer) startTLS(s *session, tap io.Writer) error {
	cfg := &d.cfg
	raw := s.raw
	// go-smtp runs greeting, EHLO and STARTTLS inside NewClientStartTLS,
	// before its DebugWriter can be set; the raw connection shows that
	// part of the transcript instead (it is plaintext until STARTTLS
	// succeeds, and the TLS handshake only starts with the next command).
	// Each reply waits smtp.timeout, as go-smtp's CommandTimeout has a
	// session's later ones wait: not the whole dial's 3 times it, which
	// a port wanting TLS from the first byte waited, silent, before the
	// hint said "no greeting within" one timeout.
	raw.tap, raw.watchStartTLS, raw.helo, raw.replyWait = tap, true, d.helo(raw), cfg.timeout()
	_, err := smtp.NewClientStartTLS(withBareCodes(raw), d.tls)
	raw.tap, raw.watchStartTLS, raw.helo, raw.replyWait = nil, false, "", 0
	raw.SetReadDeadline(time.Time{})
	if err != nil {
		return d.startTLSError(raw, err)
	}
	s.secure = true
	// go-smtp keeps the TLS connection it makes for STARTTLS to itself,
	// reading it without the space a bare reply code lacks
	// (withBareCodes), and the pipelined transport must drive that
	// connection after the login. go-smtp has not started the handshake
	// yet (it does so with the next command, never sent), so the TLS
	// client is made here on the same socket, and a new go-smtp client
	// runs EHLO and AUTH over it; it is handed the greeting it would
	// otherwise wait for (the session had one, before STARTTLS). The
	// transcript is then tapped from that connection, without the
	// replayed greeting.
	s.restarted = tls.Client(raw, d.tls)
	sess := &restartedConn{Conn: s.restarted, greeting: []byte("220 " + cfg.Host + " (TLS started)\r\n"), tap: tap}
	s.hc = &helloCache{Conn: withBareCodes(sess)}
	s.c, s.conn = smtp.NewClient(s.hc), sess
	return nil
}

// startTLSError says why STARTTLS could not be negotiated: a refused
// greeting or EHLO, a refused STARTTLS (no plaintext fallback), a server
// that does not offer it, or a broken connection.
func (d *Dialer) startTLSError(raw *rawConn, err error) error {
	cfg := &d.cfg
	if !raw.startTLSSent {
		if se, ok := d.reply(helloStep(raw.heloSent), err); ok {
			return se
		}
	}
	if se, ok := d.reply("STARTTLS", err); ok {
		if se.Code == 454 || se.Code >= 500 {
			return &sendpool.TLSError{Host: cfg.Addr(), Why: "the server refused STARTTLS", Err: se}
		}
		return se
	}
	if !isNetError(err) {
		return &sendpool.TLSError{Host: cfg.Addr(), Why: "the server does not offer STARTTLS and security is starttls (no plaintext fallback)", Err: err, Hint: plainHint(cfg.Host)}
	}
	return d.broken("STARTTLS", err)
}

// broken is the error of a session that broke during its setup, at step.
func (d *Dialer) broken(step string, err error) error {
	return &sendpool.DialError{Addr: d.cfg.Addr(), Kind: sendpool.DialFailed, Err: fmt.Errorf("%s: %w", step, d.redactErr(err))}
}

// helo is the EHLO name of a session over raw (see heloName).
func (d *Dialer) helo(raw *rawConn) string {
	return heloName(d.cfg.Helo, d.fqdn, raw.LocalAddr())
}

// hello sends EHLO (LHLO) and tells the probe about TLS and extensions.
func (d *Dialer) hello(s *session, notes *probeNotes) error {
	cfg := &d.cfg
	name := d.helo(s.raw)
	if err := s.c.Hello(name); err != nil {
		if cfg.Security == campaign.SecurityStartTLS && sendpool.IsTLSFailure(err) {
			return d.tlsError("TLS handshake after STARTTLS failed", err)
		}
		if se, ok := d.reply(helloStep(s.hc.said), err); ok {
			return se
		}
		return d.broken("greeting", err)
	}
	if cfg.Security == campaign.SecurityStartTLS && notes != nil && notes.tls != nil {
		if s.restarted != nil {
			notes.tls(s.restarted.ConnectionState())
		} else if st, ok := s.c.TLSConnectionState(); ok {
			notes.tls(st)
		}
	}
	auth, _ := s.c.Extension("AUTH")
	d.noAuth.Store(!auth)
	d.sawEHLO.Store(true)
	if notes != nil && notes.hello != nil {
		notes.hello(s.c, name)
	}
	return nil
}

// helloStep is the command a refusal met while setting up a session
// belongs to: EHLO once it was sent, the server's greeting before
// (sendpool.SMTPError's "CONNECT").
func helloStep(ehloSent bool) string {
	if ehloSent {
		return "EHLO"
	}
	return "CONNECT"
}

// newConn wraps the set-up session for transactions, noting the
// extensions that shape them.
func (d *Dialer) newConn(s *session, tr *transcript) *smtpConn {
	sc := &smtpConn{d: d, c: s.c, hc: s.hc, raw: s.raw, nc: s.conn, tr: tr, lmtp: d.cfg.Protocol == campaign.ProtocolLMTP}
	if ok, _ := s.c.Extension("SMTPUTF8"); ok {
		sc.utf8 = true
	}
	if n, ok := s.c.MaxMessageSize(); ok {
		sc.hasSize, sc.maxSize = true, n
	} else if ok, _ := s.c.Extension("SIZE"); ok {
		sc.hasSize = true
	}
	return sc
}
