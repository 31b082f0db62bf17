package pop3

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"time"

	"github.com/tidings/tidings/campaign"
)

// DefaultTimeout is the Timeout used when Config.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Config says where a POP3 server is and how to talk to it.
type Config struct {
	// Addr is the server's host:port (995 for implicit TLS, 110 for STLS
	// or clear text, by convention).
	Addr string
	// ServerName is the name the certificate must carry; empty means the
	// host part of Addr.
	ServerName string
	// Security is implicit TLS (campaign.SecurityTLS), STLS required
	// (campaign.SecurityStartTLS) or none (campaign.SecurityNone, where
	// Login refuses unless the peer is loopback).
	Security campaign.Security
	// TLS, when set, is the TLS configuration (it is cloned; ServerName is
	// filled in when empty). Nil means verified TLS against the system roots
	// for ServerName, TLS 1.2 at least.
	TLS *tls.Config
	// Timeout bounds each wait on the server: connecting, and every read or
	// write of a command, so a long RETR that keeps flowing is not cut but
	// a silent server is. Zero means DefaultTimeout.
	Timeout time.Duration
	// Debug, when set, receives the session's transcript ("C: ", "S: "
	// lines; passwords replaced by [redacted], message bodies by their size).
	Debug io.Writer
}

// check fills in defaults and rejects a Config that cannot work.
func (c Config) check() (Config, error) {
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return c, fmt.Errorf("pop3: address %q: %w", c.Addr, err)
	}
	switch c.Security {
	case campaign.SecurityTLS, campaign.SecurityStartTLS, campaign.SecurityNone:
	default:
		return c, fmt.Errorf("pop3: unknown security %v", c.Security)
	}
	if c.ServerName == "" {
		c.ServerName = host
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	return c, nil
}

// tlsConfig is the TLS configuration for the handshake.
func (c Config) tlsConfig() *tls.Config {
	if c.TLS == nil {
		return &tls.Config{ServerName: c.ServerName, MinVersion: tls.VersionTLS12}
	}
	t := c.TLS.Clone()
	if t.ServerName == "" {
		t.ServerName = c.ServerName
	}
	return t
}
