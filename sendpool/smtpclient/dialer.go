package smtpclient

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
)

// Dialer is the sendpool.Dialer for SMTP and LMTP servers, built on
// github.com/emersion/go-smtp. It is safe for concurrent use.
type Dialer struct {
	cfg    Config
	tls    *tls.Config
	debug  *lockedWriter
	nextID atomic.Int64
	// fqdn is this machine's fully-qualified name, "" when it has none
	// (see heloName).
	fqdn string
	// secrets are the forms of the password a login sends (secretForms),
	// which redact takes out of every reply.
	secrets []string
	// noAuth is set when the last session's EHLO (after STARTTLS) offered
	// no AUTH: a refusal to relay then cannot be answered with a login
	// on this port (refusalHint).
	noAuth atomic.Bool
	// sawEHLO is set once a session's EHLO told noAuth (see loginSeen).
	sawEHLO atomic.Bool
	// testHookSetup, when set, is called once a session's setup ended
	// (a test cancels the dial's context there).
	testHookSetup func()
}

var _ sendpool.Dialer = (*Dialer)(nil)

// NewDialer checks cfg and loads its CA file.
func NewDialer(cfg Config) (*Dialer, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	tc, err := cfg.tlsConfig()
	if err != nil {
		return nil, err
	}
	d := &Dialer{cfg: cfg, tls: tc, fqdn: machineFQDN(), secrets: secretForms(cfg.Username, cfg.Password)}
	if cfg.Debug != nil {
		d.debug = &lockedWriter{w: cfg.Debug}
	}
	return d, nil
}

// check refuses settings that cannot work.
func (cfg *Config) check() error {
	if cfg.Host == "" {
		return errors.New("smtpclient: smtp.host is empty")
	}
	if cfg.Port <= 0 || cfg.Port > 65535 {
		return fmt.Errorf("smtpclient: smtp.port %d is not a port", cfg.Port)
	}
	switch cfg.Security {
	case campaign.SecurityTLS, campaign.SecurityStartTLS, campaign.SecurityNone:
	default:
		return fmt.Errorf("smtpclient: unknown smtp.security %v", cfg.Security)
	}
	switch cfg.Protocol {
	case campaign.ProtocolSMTP, campaign.ProtocolLMTP:
	default:
		return fmt.Errorf("smtpclient: unknown smtp.protocol %v", cfg.Protocol)
	}
	switch cfg.Transport {
	case campaign.TransportAuto, campaign.TransportPipelined, campaign.TransportPlain:
	default:
		return fmt.Errorf("smtpclient: unknown smtp.transport %v", cfg.Transport)
	}
	switch strings.ToLower(cfg.Auth) {
	case "", "plain", "login", "cram-md5", "xoauth2":
	default:
		return fmt.Errorf("smtpclient: unknown smtp.auth %q (use plain, login, cram-md5 or xoauth2)", cfg.Auth)
	}
	if strings.ContainsAny(cfg.Helo, "\r\n ") {
		return errors.New("smtpclient: smtp.helo must be one word")
	}
	if cfg.Username != "" && cfg.Password == "" {
		return errors.New("smtpclient: smtp.username is set but the password is empty (set the environment variable named by smtp.password_env)")
	}
	return nil
}

// tlsConfig is the TLS client configuration: verified against the system's
// roots (or RootCAs) and the CA file, TLS 1.2 at least.
func (cfg *Config) tlsConfig() (*tls.Config, error) {
	tc := &tls.Config{
		ServerName:         cfg.Host,
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: cfg.InsecureSkipVerify,
		RootCAs:            cfg.RootCAs,
	}
	if cfg.CAFile == "" {
		return tc, nil
	}
	pem, err := os.ReadFile(cfg.CAFile)
	if err != nil {
		return nil, fmt.Errorf("smtpclient: smtp.ca_file: %w", err)
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
		return nil, fmt.Errorf("smtpclient: smtp.ca_file %s: no PEM certificate in it", cfg.CAFile)
	}
	tc.RootCAs = pool
	return tc, nil
}

// Config returns the dialer's settings.
func (d *Dialer) Config() Config { return d.cfg }

// Server implements sendpool.Dialer: host:port.
func (d *Dialer) Server() string { return d.cfg.Addr() }

// Warnings implements sendpool.Dialer (see Config.Warnings).
func (d *Dialer) Warnings() []string { return d.cfg.Warnings() }

// AuthError implements sendpool.Dialer: the account, the server and, for a
// login refusal, what usually fixes it at this provider.
func (d *Dialer) AuthError(reply *sendpool.SMTPError) *sendpool.AuthError {
	reply = d.redactReply(reply)
	return &sendpool.AuthError{Host: d.cfg.Addr(), Username: d.cfg.Username, Reply: reply, Hint: d.refusalHint(reply)}
}

// Dial implements sendpool.Dialer: it connects, secures the connection as
// cfg.Security says, reads the greeting, sends EHLO (LHLO for LMTP) and
// logs in when a username is set. The whole setup is bounded by three
// times the timeout and by ctx. Unless cfg.Transport is plain, a server
// offering PIPELINING gets a sendpool.PipelinedConn (see pipeline.go); with
// transport pipelined a server that does not offer it is a
// *sendpool.DialError wrapping sendpool.ErrNoPipelining (the session is
// ended politely first).
func (d *Dialer) Dial(ctx context.Context) (sendpool.Conn, error) {
	c, err := d.dial(ctx, nil)
	if err != nil {
		return nil, err
	}
	if d.cfg.Transport == campaign.TransportPlain {
		return c, nil
	}
	if ok, _ := c.c.Extension("PIPELINING"); ok {
		return newPipeConn(c), nil
	}
	if d.cfg.Transport == campaign.TransportPipelined {
		c.Quit(ctx)
		err := fmt.Errorf("%w: %s offers %s", sendpool.ErrNoPipelining, d.cfg.Addr(), c.extensions())
		return nil, &sendpool.DialError{Addr: d.cfg.Addr(), Kind: sendpool.DialUnsupported, Hint: err.Error(), Err: err}
	}
	return c, nil
}

// dial opens a session, telling notes (for Probe) what it learns.
func (d *Dialer) dial(ctx context.Context, notes *probeNotes) (*smtpConn, error) {
	cfg := &d.cfg
	to := cfg.timeout()
	ctx, cancel := context.WithTimeout(ctx, 3*to)
	defer cancel()

	start := time.Now()
	nc, err := d.netDial(to)(ctx, "tcp", cfg.Addr())
	if err != nil {
		return nil, d.connectError(err)
	}
	raw := &rawConn{Conn: nc, stall: d.cfg.timeout()}
	// Closing the socket is the one way to unblock go-smtp's reads when
	// ctx ends; its own deadlines are set per command.
	stop := context.AfterFunc(ctx, func() { raw.closeNow() })
	if notes != nil && notes.connected != nil {
		notes.connected(nc.RemoteAddr(), time.Since(start))
	}

	c, err := d.setup(ctx, raw, notes)
	if d.testHookSetup != nil {
		d.testHookSetup()
	}
	if !stop() && err == nil {
		// ctx ended as the setup did: the socket is being closed on
		// AfterFunc's goroutine, so the session must not be used (its
		// first message would be cut off, its outcome even unknown).
		err = fmt.Errorf("smtpclient: connecting: %w", ctx.Err())
	}
	if err != nil {
		raw.closeNow()
		if errors.Is(err, sendpool.ErrAuth) || errors.Is(err, sendpool.ErrTLS) {
			return nil, err
		}
		if de := d.notSMTP(ctx, raw, err); de != nil {
			return nil, de
		}
		return nil, d.setupError(ctx, err)
	}
	return c, nil
}

// netDialFunc opens a TCP connection (net.Dialer.DialContext's form).
type netDialFunc = func(ctx context.Context, network, addr string) (net.Conn, error)

// netDial is what opens the dialer's TCP connections: Config.NetDial when
// set, else a net.Dialer with timeout (0: ctx alone bounds it).
func (d *Dialer) netDial(timeout time.Duration) netDialFunc {
	if d.cfg.NetDial != nil {
		return d.cfg.NetDial
	}
	return (&net.Dialer{Timeout: timeout}).DialContext
}

// setupError is what a session whose setup failed with err reports: a
// refused login or a TLS failure as they are; a setup cut short by ctx
// (its deadline: the server never answered) or by a timeout as a
// *sendpool.DialError (nothing answering: a wrong port or security
// setting, when it happens on the first connection); anything else (a
// refusing greeting, a dropped connection) as it is.
func (d *Dialer) setupError(ctx context.Context, err error) error {
	if errors.Is(err, sendpool.ErrAuth) || errors.Is(err, sendpool.ErrTLS) {
		return err
	}
	var de *sendpool.DialError
	switch {
	case ctx.Err() != nil:
		de = &sendpool.DialError{Addr: d.cfg.Addr(), Err: fmt.Errorf("%w (%s)", ctx.Err(), sendpool.Reason(err))}
	case !errors.As(err, &de):
		return err // a refusing greeting or EHLO
	}
	if isTimeout(de.Err) {
		if de.Hint == "" {
			de.NoAnswer = sendpool.NoAnswerTimeout // explain's "no answer from"
		}
		de.Kind, de.Hint = sendpool.DialNoAnswer, explain(de, &d.cfg)
	}
	return de
}

// connectError says what a failed TCP connect means: a host name that does
// not exist, nothing answering at the address (a wrong host, port or
// security setting when it happens on the first connection), or a failure
// that may pass.
func (d *Dialer) connectError(err error) *sendpool.DialError {
	de := &sendpool.DialError{Addr: d.cfg.Addr(), Kind: sendpool.DialFailed, Err: err}
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		// NXDOMAIN: a setting to fix. (A resolver that fails or
		// times out may come back.)
		de.Kind = sendpool.DialNotFound
		de.Hint = fmt.Sprintf("the host name %s does not resolve (check smtp.host): %s", dnsErr.Name, de.Reason())
	case errors.As(err, &dnsErr):
	case errors.Is(err, syscall.ECONNREFUSED):
		de.Kind, de.NoAnswer = sendpool.DialNoAnswer, sendpool.NoAnswerRefused
		de.Hint = explain(de, &d.cfg)
	case isTimeout(err):
		de.Kind, de.NoAnswer = sendpool.DialNoAnswer, sendpool.NoAnswerTimeout
		de.Hint = explain(de, &d.cfg)
	}
	return de
}

func (d *Dialer) tlsError(why string, err error) *sendpool.TLSError {
	var ua x509.UnknownAuthorityError
	var he x509.HostnameError
	var ci x509.CertificateInvalidError
	switch {
	case errors.As(err, &ua):
		why = "the server's certificate is signed by an authority this machine does not trust (for a private CA set smtp.ca_file)"
	case errors.As(err, &he):
		why = fmt.Sprintf("the server's certificate is not valid for %q", d.cfg.Host)
	case errors.As(err, &ci):
		why = "the server's certificate is invalid (expired or not yet valid?)"
	}
	return &sendpool.TLSError{Host: d.cfg.Addr(), Why: why, Err: err}
}

// plainHint is the hint of a failed TLS setup with host: for this machine
// (localhost, a loopback address: a local test server, which often has no
// TLS), to set security: none; "" for any other host, where plaintext is
// never the fix.
func plainHint(host string) string {
	if !isLoopbackHost(host) {
		return ""
	}
	return "for a local test server without TLS, set smtp.security: none"
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded)
}

func isLoopback(a net.Addr) bool {
	if ta, ok := a.(*net.TCPAddr); ok {
		return ta.IP.IsLoopback()
	}
	return false
}
