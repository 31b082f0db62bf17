package mailbox

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tidings/tidings/campaign"
)

// DefaultTimeout is the Timeout used when Config.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Config says where the mailbox is and how to log in to it.
type Config struct {
	Protocol campaign.MailboxProtocol
	Host     string
	Port     int
	Security campaign.Security
	Username string
	// Password is the secret, read by the caller from the environment
	// variable mailbox.password_env names. It is never logged or written.
	Password string
	// Folder is the IMAP folder Open reads; "" means INBOX.
	Folder string
	// SentFolder is the IMAP folder OpenSent appends to.
	SentFolder string
	// Timeout bounds each wait on the server (connecting, and every read
	// or write while a command runs, so a large message that keeps coming
	// is not cut); an idle session has none. Zero means DefaultTimeout.
	Timeout time.Duration
	// CommandTimeout bounds each exchange as a whole (the login, a
	// SEARCH, the FETCH of one message, a MOVE), plus time for what it
	// asks for (a message's size at 64 KB/s, 10ms a message named): a
	// server that keeps answering, never letting a wait reach Timeout,
	// cannot keep it going. Zero means 10 × Timeout. The caller's context
	// bounds the whole session (see RunLimit).
	CommandTimeout time.Duration
	// InsecureSkipVerify turns off certificate verification (lab servers
	// only; Warnings reports it).
	InsecureSkipVerify bool
	// CAFile names a PEM bundle added to the trusted roots.
	CAFile string
	// RootCAs, when set, replaces the system's trusted roots (CAFile is
	// still added); for tests.
	RootCAs *x509.CertPool
	// Debug, when set, receives the session's transcript: "C: " and "S: "
	// lines, the LOGIN arguments and the password redacted, message bodies
	// and other literals shown by their size. Over IMAP a command line may
	// show just after the first line of its reply (each direction is
	// written as it passes).
	Debug io.Writer

	// hooks are for tests; nil in use.
	hooks *hooks
}

// hooks let a test reach into a session.
type hooks struct {
	// wrapConn wraps each new TCP connection (to hold a write until the
	// server's reply was read).
	wrapConn func(net.Conn) net.Conn
}

// ConfigFrom builds the settings from a campaign's mailbox: section and
// the password the caller read from the environment.
func ConfigFrom(m campaign.Mailbox, password string) Config {
	return Config{
		Protocol:           m.Protocol,
		Host:               m.Host,
		Port:               m.Port,
		Security:           m.Security,
		Username:           m.Username,
		Password:           password,
		Folder:             m.Folder,
		SentFolder:         m.SentFolder,
		Timeout:            time.Duration(m.Timeout),
		InsecureSkipVerify: m.InsecureSkipVerify,
		CAFile:             m.CAFile,
	}
}

// Addr is host:port.
func (c *Config) Addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// ExchangeLimit is the time one exchange may take before what it asks
// for adds to it: CommandTimeout, or its default when zero.
func (c Config) ExchangeLimit() time.Duration {
	c, _ = c.check() // the defaults are filled in whatever else is wrong
	return c.CommandTimeout
}

// Warnings lists settings the user must be told about on every run.
func (c *Config) Warnings() []string {
	var w []string
	if c.InsecureSkipVerify && c.Security != campaign.SecurityNone {
		w = append(w, "mailbox.insecure_skip_verify is on: the server's certificate is NOT verified; anyone on the network path can pose as "+c.Host+" and read the password and the mail")
	}
	if c.Security == campaign.SecurityNone && !isLoopbackHost(c.Host) {
		w = append(w, "mailbox.security is none: the mailbox is read unencrypted from "+c.Host+", and the login is refused")
	}
	tlsPort, plainPort := 993, 143
	if c.Protocol == campaign.MailboxPOP3 {
		tlsPort, plainPort = 995, 110
	}
	switch {
	case c.Port == tlsPort && c.Security != campaign.SecurityTLS:
		w = append(w, fmt.Sprintf("mailbox.port %d is implicit TLS almost everywhere, but mailbox.security is %s: if connecting times out, set security: tls", c.Port, c.Security))
	case c.Port == plainPort && c.Security == campaign.SecurityTLS:
		w = append(w, fmt.Sprintf("mailbox.port %d speaks STARTTLS almost everywhere, but mailbox.security is tls: if connecting times out, set security: starttls", c.Port))
	}
	return w
}

// check fills in defaults and refuses a Config that cannot work (a
// *ConfigError).
func (c Config) check() (Config, error) {
	var errs []error
	switch c.Protocol {
	case campaign.MailboxIMAP, campaign.MailboxPOP3:
	default:
		errs = append(errs, fmt.Errorf("unknown protocol %v", c.Protocol))
	}
	switch c.Security {
	case campaign.SecurityTLS, campaign.SecurityStartTLS, campaign.SecurityNone:
	default:
		errs = append(errs, fmt.Errorf("unknown security %v", c.Security))
	}
	if c.Host == "" {
		errs = append(errs, errors.New("mailbox.host is empty"))
	}
	if c.Port <= 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("mailbox.port %d is not a port", c.Port))
	}
	switch {
	case c.Username == "":
		errs = append(errs, errors.New("mailbox.username is empty"))
	case c.Password == "":
		errs = append(errs, errors.New("the password is empty (set the environment variable named by mailbox.password_env)"))
	case strings.ContainsAny(c.Username+c.Password, "\r\n\x00"):
		errs = append(errs, errors.New("the user name or the password holds a line break or NUL"))
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.CommandTimeout <= 0 {
		c.CommandTimeout = commandTimeouts * c.Timeout
	}
	if c.Folder == "" {
		c.Folder = "INBOX"
	}
	if err := errors.Join(errs...); err != nil {
		return c, &ConfigError{fmt.Errorf("mailbox: %w", err)}
	}
	return c, nil
}

// tlsConfig is the TLS configuration for Host: verified against RootCAs
// (the system's when nil) plus CAFile, TLS 1.2 at least. A CAFile that
// cannot be read or holds no certificate is a *ConfigError.
func (c *Config) tlsConfig() (*tls.Config, error) {
	tc := &tls.Config{
		ServerName:         c.Host,
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: c.InsecureSkipVerify,
		RootCAs:            c.RootCAs,
	}
	if c.CAFile == "" {
		return tc, nil
	}
	pem, err := os.ReadFile(c.CAFile)
	if err != nil {
		return nil, &ConfigError{fmt.Errorf("mailbox: mailbox.ca_file: %w", err)}
	}
	pool := c.RootCAs
	if pool == nil {
		if pool, err = x509.SystemCertPool(); err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
	} else {
		pool = pool.Clone()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, &ConfigError{fmt.Errorf("mailbox: mailbox.ca_file %s: no PEM certificate in it", c.CAFile)}
	}
	tc.RootCAs = pool
	return tc, nil
}

// isLoopbackHost reports a host name or address that is this machine.
func isLoopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// isLoopback reports a peer address on this machine.
func isLoopback(a net.Addr) bool {
	ta, ok := a.(*net.TCPAddr)
	return ok && ta.IP.IsLoopback()
}
