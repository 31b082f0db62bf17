package smtpclient

import (
	"context"
	"crypto/x509"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/tidings/tidings/campaign"
)

// Config says how to reach and log in to the mail server.
type Config struct {
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
	// Helo is the name sent with EHLO (LHLO); "" means this machine's
	// fully-qualified name, or else the address literal of the
	// connection's local address (see heloName).
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
	// Transport chooses the client exchange after login: TransportAuto
	// (pipelined when the server offers PIPELINING, with BDAT when it
	// also offers CHUNKING; the plain exchange otherwise),
	// TransportPipelined (Dial fails with sendpool.ErrNoPipelining when
	// PIPELINING is not offered) or TransportPlain (go-smtp's lockstep
	// client, one reply awaited per command).
	Transport campaign.Transport
	// NetDial, when set, opens the TCP connection to host:port in place
	// of a net.Dialer with Timeout (which resolves the host name through
	// this machine's resolver): a test answers the name as a resolver
	// would, "no such host" or the address of its own server. It is a
	// test seam only: ConfigFrom never sets it, no campaign setting
	// reaches it, and tidings leaves it nil. The session's and the
	// second look's connections (silenceHint) both go through it.
	NetDial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// ConfigFrom builds the transport settings from a campaign's smtp: section
// and the password the caller read from the environment.
func ConfigFrom(s campaign.SMTP, password string) Config {
	return Config{
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
func (c *Config) Addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// Warnings lists settings the user must be told about on every run.
func (c *Config) Warnings() []string {
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

func (c *Config) timeout() time.Duration {
	if c.Timeout <= 0 {
		return 30 * time.Second
	}
	return c.Timeout
}
