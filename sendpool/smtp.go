package sendpool

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/tidings/tidings/campaign"
)

// SMTPConfig says how to reach and log in to the mail server.
type SMTPConfig struct {
	Host     string
	Port     int
	Security campaign.Security
	Protocol campaign.Protocol
	Username string
	// Password is the secret, read by the caller from the environment
	// variable smtp.password_env names. It is never logged or written.
	Password string
	// Auth is the SASL mechanism: "" (the best the server offers), plain,
	// login, cram-md5 or xoauth2 (Password is then the OAuth2 token).
	Auth string
	// Helo is the name sent with EHLO; "" means "localhost".
	Helo string
	// Timeout bounds each step: connecting, each command's reply, writing
	// the body. The final reply to the body may take four times as long.
	// Zero means 30s.
	Timeout time.Duration
	// InsecureSkipVerify turns off certificate verification (lab servers
	// only; Warnings reports it).
	InsecureSkipVerify bool
	// CAFile names a PEM bundle added to the trusted roots.
	CAFile string
	// RootCAs, when set, replaces the system's trusted roots (CAFile is
	// still added).
	RootCAs *x509.CertPool
	// Debug, when set, receives the SMTP transcript of every connection
	// with AUTH exchanges and the password redacted and message bodies
	// elided. Lines of concurrent connections are prefixed "[cN]".
	Debug io.Writer
	// Transport chooses the client exchange after login: "" or "auto"
	// (TransportAuto: pipelined when the server offers PIPELINING, with
	// BDAT when it also offers CHUNKING; the plain exchange otherwise),
	// "pipelined" (TransportPipelined: Dial fails with ErrNoPipelining
	// when PIPELINING is not offered) or "plain" (TransportPlain: go-smtp's
	// lockstep client, one reply awaited per command).
	Transport string
}

// SMTPConfigFrom builds the transport settings from a campaign's smtp:
// section and the password the caller read from the environment.
func SMTPConfigFrom(s campaign.SMTP, password string) SMTPConfig {
	return SMTPConfig{
		Host:               s.Host,
		Port:               s.Port,
		Security:           s.Security,
		Protocol:           s.Protocol,
		Username:           s.Username,
		Password:           password,
		Auth:               s.Auth,
		Helo:               s.Helo,
		Timeout:            time.Duration(s.Timeout),
		InsecureSkipVerify: s.InsecureSkipVerify,
		CAFile:             s.CAFile,
		Transport:          s.Transport,
	}
}

// Addr is host:port.
func (c *SMTPConfig) Addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// Warnings lists settings the user must be told about on every run.
func (c *SMTPConfig) Warnings() []string {
	var w []string
	if c.InsecureSkipVerify && c.Security != campaign.SecurityNone {
		w = append(w, "smtp.insecure_skip_verify is on: the server's certificate is NOT verified; anyone on the network path can pose as "+c.Host+" and read the password and the mail")
	}
	if c.Security == campaign.SecurityNone && !isLoopbackHost(c.Host) {
		w = append(w, "smtp.security is none: mail travels unencrypted to "+c.Host)
	}
	switch {
	case c.Port == 465 && c.Security != campaign.SecurityTLS:
		w = append(w, fmt.Sprintf("smtp.port 465 is implicit TLS almost everywhere, but smtp.security is %s: if connecting times out, set security: tls", c.Security))
	case (c.Port == 587 || c.Port == 25) && c.Security == campaign.SecurityTLS:
		w = append(w, fmt.Sprintf("smtp.port %d speaks STARTTLS almost everywhere, but smtp.security is tls: if connecting times out, set security: starttls", c.Port))
	}
	return w
}

// isLoopbackHost reports a host name or address that is this machine.
func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func (c *SMTPConfig) timeout() time.Duration {
	if c.Timeout <= 0 {
		return 30 * time.Second
	}
	return c.Timeout
}

func (c *SMTPConfig) helo() string {
	if c.Helo == "" {
		return "localhost"
	}
	return c.Helo
}

// SMTPDialer is the Dialer for SMTP and LMTP servers, built on
// github.com/emersion/go-smtp. It is safe for concurrent use.
type SMTPDialer struct {
	cfg       SMTPConfig
	transport string // TransportAuto, TransportPipelined or TransportPlain
	tls       *tls.Config
	debug     *lockedWriter
	nextID    atomic.Int64
}

var _ Dialer = (*SMTPDialer)(nil)

// NewSMTPDialer checks cfg and loads its CA file.
func NewSMTPDialer(cfg SMTPConfig) (*SMTPDialer, error) {
	if cfg.Host == "" {
		return nil, errors.New("sendpool: smtp.host is empty")
	}
	if cfg.Port <= 0 || cfg.Port > 65535 {
		return nil, fmt.Errorf("sendpool: smtp.port %d is not a port", cfg.Port)
	}
	switch cfg.Security {
	case campaign.SecurityTLS, campaign.SecurityStartTLS, campaign.SecurityNone:
	default:
		return nil, fmt.Errorf("sendpool: unknown smtp.security %v", cfg.Security)
	}
	switch cfg.Protocol {
	case campaign.ProtocolSMTP, campaign.ProtocolLMTP:
	default:
		return nil, fmt.Errorf("sendpool: unknown smtp.protocol %v", cfg.Protocol)
	}
	switch strings.ToLower(cfg.Auth) {
	case "", "plain", "login", "cram-md5", "xoauth2":
	default:
		return nil, fmt.Errorf("sendpool: unknown smtp.auth %q (use plain, login, cram-md5 or xoauth2)", cfg.Auth)
	}
	transport, err := parseTransport(cfg.Transport)
	if err != nil {
		return nil, err
	}
	if strings.ContainsAny(cfg.Helo, "\r\n ") {
		return nil, errors.New("sendpool: smtp.helo must be one word")
	}
	if cfg.Username != "" && cfg.Password == "" {
		return nil, errors.New("sendpool: smtp.username is set but the password is empty (set the environment variable named by smtp.password_env)")
	}
	tc := &tls.Config{
		ServerName:         cfg.Host,
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: cfg.InsecureSkipVerify,
		RootCAs:            cfg.RootCAs,
	}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("sendpool: smtp.ca_file: %w", err)
		}
		pool := cfg.RootCAs
		if pool == nil {
			sys, err := x509.SystemCertPool()
			if err != nil || sys == nil {
				sys = x509.NewCertPool()
			}
			pool = sys
		} else {
			pool = pool.Clone()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("sendpool: smtp.ca_file %s: no PEM certificate in it", cfg.CAFile)
		}
		tc.RootCAs = pool
	}
	d := &SMTPDialer{cfg: cfg, transport: transport, tls: tc}
	if cfg.Debug != nil {
		d.debug = &lockedWriter{w: cfg.Debug}
	}
	return d, nil
}

// Config returns the dialer's settings.
func (d *SMTPDialer) Config() SMTPConfig { return d.cfg }

// Dial implements Dialer: it connects, secures the connection as
// cfg.Security says, reads the greeting, sends EHLO (LHLO for LMTP) and logs
// in when a username is set. The whole setup is bounded by three times the
// timeout and by ctx. Unless cfg.Transport is plain, a server offering
// PIPELINING gets a PipelinedConn (see pipeline.go); with transport
// pipelined a server that does not offer it is an error wrapping
// ErrNoPipelining (the session is ended politely first).
func (d *SMTPDialer) Dial(ctx context.Context) (Conn, error) {
	c, err := d.dial(ctx, nil)
	if err != nil {
		return nil, err
	}
	if d.transport == TransportPlain {
		return c, nil
	}
	if ok, _ := c.c.Extension("PIPELINING"); ok {
		return newPipeConn(c), nil
	}
	if d.transport == TransportPipelined {
		c.Quit(ctx)
		return nil, fmt.Errorf("%w: %s offers %s", ErrNoPipelining, d.cfg.Addr(), c.extensions())
	}
	return c, nil
}

// probeNotes receives what the dial learns, for Probe.
type probeNotes struct {
	connected func(remote net.Addr, took time.Duration)
	tls       func(state tls.ConnectionState)
	hello     func(c *smtp.Client)
	auth      func(mech string)
	tap       io.Writer // receives the transcript besides cfg.Debug
}

func (d *SMTPDialer) dial(ctx context.Context, notes *probeNotes) (*smtpConn, error) {
	cfg := &d.cfg
	to := cfg.timeout()
	ctx, cancel := context.WithTimeout(ctx, 3*to)
	defer cancel()

	start := time.Now()
	nd := net.Dialer{Timeout: to}
	nc, err := nd.DialContext(ctx, "tcp", cfg.Addr())
	if err != nil {
		return nil, fmt.Errorf("sendpool: connect %s: %w", cfg.Addr(), err)
	}
	raw := &rawConn{Conn: nc}
	// Closing the socket is the one way to unblock go-smtp's reads when
	// ctx ends; its own deadlines are set per command.
	stop := context.AfterFunc(ctx, func() { raw.closeNow() })
	defer stop()
	if notes != nil && notes.connected != nil {
		notes.connected(nc.RemoteAddr(), time.Since(start))
	}

	c, err := d.setup(ctx, raw, notes)
	if err != nil {
		raw.closeNow()
		if ctx.Err() != nil && !errors.Is(err, ErrAuth) && !errors.Is(err, ErrTLS) {
			return nil, fmt.Errorf("sendpool: connect %s: %w (%w)", cfg.Addr(), ctx.Err(), err)
		}
		return nil, err
	}
	return c, nil
}

func (d *SMTPDialer) setup(ctx context.Context, raw *rawConn, notes *probeNotes) (*smtpConn, error) {
	cfg := &d.cfg
	to := cfg.timeout()
	var tr io.Writer
	var trT *transcript
	if d.debug != nil {
		trT = newTranscript(d.debug, d.nextID.Add(1), cfg.Username, cfg.Password)
		tr = trT
	}
	if notes != nil && notes.tap != nil {
		if tr == nil {
			tr = notes.tap
		} else {
			tr = io.MultiWriter(tr, notes.tap)
		}
	}

	var conn net.Conn = raw
	secure := false
	if cfg.Security == campaign.SecurityTLS {
		tc := tls.Client(raw, d.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, d.tlsError("implicit TLS handshake failed (is this port really TLS? port 587 and 25 want security: starttls)", err)
		}
		if notes != nil && notes.tls != nil {
			notes.tls(tc.ConnectionState())
		}
		conn, secure = tc, true
	}

	var c *smtp.Client
	var restarted *tls.Conn // the TLS connection after STARTTLS, when ours
	tapped := false         // the transcript comes from conn, not DebugWriter
	switch {
	case cfg.Protocol == campaign.ProtocolLMTP && cfg.Security == campaign.SecurityStartTLS:
		return nil, &TLSError{Host: cfg.Addr(), Reason: "STARTTLS with LMTP is not supported; use security: tls or none"}
	case cfg.Security == campaign.SecurityStartTLS:
		// go-smtp runs greeting, EHLO and STARTTLS inside
		// NewClientStartTLS, before its DebugWriter can be set; the raw
		// connection shows that part of the transcript instead (it is
		// plaintext until STARTTLS succeeds, and the TLS handshake
		// only starts with the next command).
		raw.tap, raw.watchStartTLS = tr, true
		var err error
		c, err = smtp.NewClientStartTLS(raw, d.tls)
		raw.tap, raw.watchStartTLS = nil, false
		if err != nil {
			if !raw.startTLSSent {
				// The greeting or EHLO was refused.
				if se, ok := fromSMTP("EHLO", err); ok {
					return nil, se
				}
			}
			if se, ok := fromSMTP("STARTTLS", err); ok {
				if se.Code == 454 || se.Code >= 500 {
					return nil, &TLSError{Host: cfg.Addr(), Reason: "the server refused STARTTLS", Err: se}
				}
				return nil, se
			}
			if !isNetError(err) {
				return nil, &TLSError{Host: cfg.Addr(), Reason: "the server does not offer STARTTLS and security is starttls (no plaintext fallback)", Err: err}
			}
			return nil, fmt.Errorf("sendpool: %s: %w", cfg.Addr(), err)
		}
		secure = true
		if d.transport != TransportPlain {
			// go-smtp keeps the TLS connection it makes for STARTTLS
			// to itself, and the pipelined transport must drive that
			// connection after the login. go-smtp has not started the
			// handshake yet (it does so with the next command), so
			// the TLS client is made here on the same socket, and a
			// new go-smtp client runs EHLO and AUTH over it; it is
			// handed the greeting it would otherwise wait for (the
			// session had one, before STARTTLS). The transcript is
			// then tapped from that connection, without the replayed
			// greeting.
			restarted = tls.Client(raw, d.tls)
			sess := &restartedConn{Conn: restarted, greeting: []byte("220 " + cfg.Host + " (TLS started)\r\n"), tap: tr}
			c, conn, tapped = smtp.NewClient(sess), sess, true
		}
	case cfg.Protocol == campaign.ProtocolLMTP:
		c = smtp.NewClientLMTP(conn)
	default:
		c = smtp.NewClient(conn)
	}
	c.CommandTimeout = to
	c.SubmissionTimeout = 4 * to
	if tr != nil && !tapped {
		c.DebugWriter = tr
	}
	if err := c.Hello(cfg.helo()); err != nil {
		if cfg.Security == campaign.SecurityStartTLS && isTLSFailure(err) {
			return nil, d.tlsError("TLS handshake after STARTTLS failed", err)
		}
		if se, ok := fromSMTP("EHLO", err); ok {
			return nil, se
		}
		return nil, fmt.Errorf("sendpool: %s: greeting: %w", cfg.Addr(), err)
	}
	if cfg.Security == campaign.SecurityStartTLS && notes != nil && notes.tls != nil {
		if restarted != nil {
			notes.tls(restarted.ConnectionState())
		} else if st, ok := c.TLSConnectionState(); ok {
			notes.tls(st)
		}
	}
	if notes != nil && notes.hello != nil {
		notes.hello(c)
	}

	if cfg.Username != "" {
		mech, err := d.login(c, raw, secure)
		if err != nil {
			return nil, err
		}
		if notes != nil && notes.auth != nil {
			notes.auth(mech)
		}
	}

	if cfg.Security == campaign.SecurityStartTLS && restarted == nil {
		conn = nil // go-smtp owns the TLS connection
	}
	sc := &smtpConn{d: d, c: c, raw: raw, nc: conn, tr: trT, lmtp: cfg.Protocol == campaign.ProtocolLMTP}
	if ok, _ := c.Extension("SMTPUTF8"); ok {
		sc.utf8 = true
	}
	if n, ok := c.MaxMessageSize(); ok {
		sc.hasSize, sc.maxSize = true, n
	} else if ok, _ := c.Extension("SIZE"); ok {
		sc.hasSize = true
	}
	return sc, nil
}

func (d *SMTPDialer) login(c *smtp.Client, raw *rawConn, secure bool) (string, error) {
	cfg := &d.cfg
	fail := func(reply *SMTPError, err error) *AuthError {
		ae := &AuthError{Host: cfg.Addr(), Username: cfg.Username, Reply: reply, Err: err}
		if reply != nil && ClassifyReply(reply.Code, reply.EnhancedCode, reply.Message) == ClassAuth {
			ae.Hint = authHint(cfg.Host)
		}
		return ae
	}
	if !secure && !isLoopback(raw.RemoteAddr()) {
		return "", fail(nil, ErrInsecureAuth)
	}
	ok, offered := c.Extension("AUTH")
	if !ok {
		return "", fail(nil, errors.New("the server does not offer AUTH (remove smtp.username, or check host and port)"))
	}
	mech, err := chooseMechanism(cfg.Auth, offered)
	if err != nil {
		return "", fail(nil, err)
	}
	sc, err := saslClient(mech, cfg.Username, cfg.Password)
	if err != nil {
		return "", fail(nil, err)
	}
	if err := c.Auth(sc); err != nil {
		se, ok := fromSMTP("AUTH", err)
		if !ok {
			if isNetError(err) {
				return "", fmt.Errorf("sendpool: %s: AUTH %s: %w", cfg.Addr(), mech, err)
			}
			return "", fail(nil, fmt.Errorf("AUTH %s: %w", mech, err))
		}
		switch ClassifyReply(se.Code, se.EnhancedCode, se.Message) {
		case ClassTemporary, ClassThrottled:
			return "", se // 454 and the like: try again later
		}
		return "", fail(se, nil)
	}
	return mech, nil
}

func (d *SMTPDialer) tlsError(reason string, err error) error {
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	switch {
	case errors.As(err, &ua):
		reason = "the server's certificate is signed by an authority this machine does not trust (for a private CA set smtp.ca_file)"
	case errors.As(err, &he):
		reason = fmt.Sprintf("the server's certificate is not valid for %q", d.cfg.Host)
	case errors.As(err, &ci):
		reason = "the server's certificate is invalid (expired or not yet valid?)"
	}
	return &TLSError{Host: d.cfg.Addr(), Reason: reason, Err: err}
}

func isLoopback(a net.Addr) bool {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.IsLoopback()
	}
	return false
}

// rawConn is the TCP connection under TLS and go-smtp. It can tap the
// plaintext exchange before STARTTLS, remembers whether a write failed (a
// failed write means the end-of-data mark never fully left, so the message
// cannot have been accepted), and on a graceful close waits for the server
// to close its side first (bounded), so the server has counted the session
// as gone before the pool opens a replacement.
type rawConn struct {
	net.Conn
	tap io.Writer
	// watchStartTLS makes Write note in startTLSSent that the STARTTLS
	// command went out (set only while go-smtp negotiates STARTTLS).
	watchStartTLS bool
	startTLSSent  bool
	writeFailed   atomic.Bool
	drain         time.Duration
	once          sync.Once
	closeErr      error
}

func (r *rawConn) Read(b []byte) (int, error) {
	n, err := r.Conn.Read(b)
	if r.tap != nil && n > 0 {
		r.tap.Write(b[:n])
	}
	return n, err
}

func (r *rawConn) Write(b []byte) (int, error) {
	if r.watchStartTLS && len(b) >= 8 && strings.EqualFold(string(b[:8]), "STARTTLS") {
		r.startTLSSent = true
	}
	n, err := r.Conn.Write(b)
	if err != nil {
		r.writeFailed.Store(true)
	}
	if r.tap != nil && n > 0 {
		r.tap.Write(b[:n])
	}
	return n, err
}

// Close closes the connection, first draining until the server's EOF for at
// most r.drain when that is set.
func (r *rawConn) Close() error {
	r.once.Do(func() {
		if r.drain > 0 {
			r.Conn.SetReadDeadline(time.Now().Add(r.drain))
			io.Copy(io.Discard, r.Conn)
		}
		r.closeErr = r.Conn.Close()
	})
	return r.closeErr
}

// closeNow closes at once; safe to call from any goroutine, also while a
// drain is running.
func (r *rawConn) closeNow() {
	r.Conn.Close()
}

// restartedConn is the TLS connection made after STARTTLS (see setup). It
// first yields greeting, then reads from the connection; reads and writes
// after the greeting go to tap when it is set.
type restartedConn struct {
	net.Conn
	greeting []byte
	tap      io.Writer
}

func (r *restartedConn) Read(b []byte) (int, error) {
	if len(r.greeting) > 0 {
		n := copy(b, r.greeting)
		r.greeting = r.greeting[n:]
		return n, nil
	}
	n, err := r.Conn.Read(b)
	if r.tap != nil && n > 0 {
		r.tap.Write(b[:n])
	}
	return n, err
}

func (r *restartedConn) Write(b []byte) (int, error) {
	n, err := r.Conn.Write(b)
	if r.tap != nil && n > 0 {
		r.tap.Write(b[:n])
	}
	return n, err
}

// extensions lists the EHLO keywords that decide the transport, for an
// error message.
func (s *smtpConn) extensions() string {
	var have []string
	for _, k := range []string{"PIPELINING", "CHUNKING", "8BITMIME", "SMTPUTF8", "SIZE"} {
		if ok, _ := s.c.Extension(k); ok {
			have = append(have, k)
		}
	}
	if len(have) == 0 {
		return "none of PIPELINING, CHUNKING, 8BITMIME, SMTPUTF8, SIZE"
	}
	return strings.Join(have, ", ")
}

// smtpConn is one session; used by one goroutine at a time.
type smtpConn struct {
	d       *SMTPDialer
	c       *smtp.Client
	raw     *rawConn
	nc      net.Conn    // the session's connection above TLS; nil when go-smtp made it (STARTTLS, plain transport)
	tr      *transcript // nil without Debug
	lmtp    bool
	utf8    bool
	hasSize bool
	maxSize int
	// broken: the connection failed at the I/O level; got421: the server
	// announced it is closing the session.
	broken bool
	got421 bool
}

var _ Conn = (*smtpConn)(nil)

func (s *smtpConn) Server() string { return s.d.cfg.Addr() }

func (s *smtpConn) offersSMTPUTF8() bool { return s.utf8 }

// fail records what err means for the connection and wraps it.
func (s *smtpConn) fail(stage Stage, command string, err error) *TxError {
	if se, ok := fromSMTP(command, err); ok {
		if se.Code == 421 {
			s.got421 = true
		}
		return &TxError{Stage: stage, Err: se}
	}
	s.broken = true
	return &TxError{Stage: stage, Err: err}
}

// Send implements Conn.
func (s *smtpConn) Send(ctx context.Context, tx *Tx) (*Delivery, error) {
	stop := context.AfterFunc(ctx, s.raw.closeNow)
	defer stop()

	m := tx.Msg
	d := &Delivery{Rcpts: make([]RcptReply, len(tx.Rcpts))}
	for i, r := range tx.Rcpts {
		d.Rcpts[i].Addr = r
	}
	if s.broken || s.got421 {
		return d, &TxError{Stage: StagePrepare, Err: errors.New("connection already closed")}
	}
	if m.UTF8 && !s.utf8 {
		return d, &TxError{Stage: StagePrepare, Err: ErrNeedsSMTPUTF8}
	}
	if s.maxSize > 0 && len(m.Data) > s.maxSize {
		return d, &TxError{Stage: StagePrepare, Err: fmt.Errorf("%w: the message is %d bytes, the server accepts at most %d", ErrTooBig, len(m.Data), s.maxSize)}
	}
	opts := &smtp.MailOptions{UTF8: m.UTF8}
	if s.hasSize {
		opts.Size = int64(len(m.Data))
	}
	if err := s.c.Mail(m.EnvelopeFrom, opts); err != nil {
		return d, s.fail(StageMail, "MAIL", err)
	}
	accepted := 0
	for i, r := range tx.Rcpts {
		if err := s.c.Rcpt(r, nil); err != nil {
			txe := s.fail(StageRcpt, "RCPT", err)
			se, ok := txe.Err.(*SMTPError)
			if !ok || se.Code == 421 {
				return d, txe
			}
			d.Rcpts[i].Err = se
			continue
		}
		accepted++
	}
	if accepted == 0 {
		return d, &TxError{Stage: StageRcpt, Err: ErrNoRecipients}
	}
	w, err := s.c.Data()
	if err != nil {
		return d, s.fail(StageData, "DATA", err)
	}
	if tx.BeforeBody != nil {
		if err := tx.BeforeBody(ctx); err != nil {
			// After 354 the only way to not send the body is to drop
			// the connection; the server discards the open
			// transaction.
			s.broken = true
			s.raw.closeNow()
			return d, &TxError{Stage: StageData, Err: err}
		}
	}
	s.raw.SetDeadline(time.Now().Add(s.d.cfg.timeout()))
	if _, err := w.Write(m.Data); err != nil {
		s.broken = true
		return d, &TxError{Stage: StageBody, Err: err}
	}
	if s.lmtp {
		return s.finishLMTP(d, w)
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return d, s.replyError(err)
	}
	d.Reply = SMTPError{Command: ".", Code: 250, Message: resp.StatusText}
	if ec, rest, ok := splitEnhanced(resp.StatusText); ok {
		d.Reply.EnhancedCode, d.Reply.Message = ec, rest
	}
	return d, nil
}

// replyError classifies an error from closing the body: a reply refuses the
// message; a failed write means the end-of-data mark never fully left (not
// delivered); a failed read after it left means the outcome is unknown.
func (s *smtpConn) replyError(err error) *TxError {
	if se, ok := fromSMTP(".", err); ok {
		if se.Code == 421 {
			s.got421 = true
		}
		return &TxError{Stage: StageReply, Err: se}
	}
	s.broken = true
	if s.raw.writeFailed.Load() {
		return &TxError{Stage: StageBody, Err: err}
	}
	return &TxError{Stage: StageReply, Err: fmt.Errorf("%w: %w", ErrReplyLost, err)}
}

func (s *smtpConn) finishLMTP(d *Delivery, w *smtp.DataCommand) (*Delivery, error) {
	resps, err := w.CloseWithLMTPResponse()
	var lerr smtp.LMTPDataError
	errors.As(err, &lerr)
	accepted, answered := 0, 0
	for i := range d.Rcpts {
		r := &d.Rcpts[i]
		if r.Err != nil {
			continue // refused at RCPT; no final reply for it
		}
		if resp, ok := resps[r.Addr]; ok {
			accepted++
			answered++
			if d.Reply.Code == 0 {
				d.Reply = SMTPError{Command: ".", Code: 250, Message: resp.StatusText}
				if ec, rest, ok := splitEnhanced(resp.StatusText); ok {
					d.Reply.EnhancedCode, d.Reply.Message = ec, rest
				}
			}
			continue
		}
		if se, ok := lerr[r.Addr]; ok {
			answered++
			r.Err, _ = fromSMTP(".", se)
		}
	}
	pending := 0
	for _, r := range d.Rcpts {
		if r.Err == nil {
			pending++
		}
	}
	if pending > accepted {
		// Some accepted recipient got no final reply: the connection
		// broke while the server was answering.
		s.broken = true
		if s.raw.writeFailed.Load() && answered == 0 {
			return d, &TxError{Stage: StageBody, Err: err}
		}
		return d, &TxError{Stage: StageReply, Err: fmt.Errorf("%w: %w", ErrReplyLost, err)}
	}
	if accepted == 0 {
		return d, &TxError{Stage: StageReply, Err: ErrNoRecipients}
	}
	return d, nil
}

// splitEnhanced splits "2.0.0 OK queued" into the code and the rest.
func splitEnhanced(s string) (EnhancedCode, string, bool) {
	head, rest, ok := strings.Cut(s, " ")
	if !ok {
		return EnhancedCode{}, s, false
	}
	ec, err := ParseEnhancedCode(head)
	if err != nil {
		return EnhancedCode{}, s, false
	}
	return ec, rest, true
}

// Reset implements Conn: RSET.
func (s *smtpConn) Reset(ctx context.Context) error {
	stop := context.AfterFunc(ctx, s.raw.closeNow)
	defer stop()
	if err := s.c.Reset(); err != nil {
		return s.fail(StageMail, "RSET", err)
	}
	return nil
}

// Quit implements Conn.
func (s *smtpConn) Quit(ctx context.Context) error {
	stop := context.AfterFunc(ctx, s.raw.closeNow)
	defer stop()
	if s.broken {
		s.raw.closeNow()
		return nil
	}
	s.raw.drain = min(s.d.cfg.timeout(), 5*time.Second)
	if s.got421 {
		// The server closes after 421; wait for that, then close.
		return s.c.Close()
	}
	if err := s.c.Quit(); err != nil {
		s.c.Close()
		return fmt.Errorf("sendpool: QUIT: %w", err)
	}
	return nil
}

// Close implements Conn.
func (s *smtpConn) Close() error {
	s.raw.closeNow()
	return nil
}
