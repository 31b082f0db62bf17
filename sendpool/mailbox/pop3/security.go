package pop3

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
)

// handshake puts TLS over the TCP connection, verified as Config.TLS says.
func (c *Client) handshake(ctx context.Context) error {
	tc := tls.Client(idleConn{c.raw, c.cfg.Timeout}, c.cfg.tlsConfig())
	if err := tc.HandshakeContext(ctx); err != nil {
		return fmt.Errorf("pop3: TLS handshake with %s: %w", c.cfg.Addr, err)
	}
	c.attach(tc)
	c.secure = true
	c.log.note("TLS " + tls.VersionName(tc.ConnectionState().Version) + " with " + c.cfg.ServerName)
	return nil
}

// startTLS upgrades the connection with STLS (RFC 2595 §4) or fails with
// ErrNoSTLS: it never goes on in clear. A server without CAPA is asked for
// STLS all the same.
func (c *Client) startTLS(ctx context.Context) error {
	caps, err := c.capa()
	var refused *Error
	switch {
	case errors.As(err, &refused):
	case err != nil:
		return err
	case !caps.Has("STLS"):
		return fmt.Errorf("%w (%s lists no STLS in CAPA)", ErrNoSTLS, c.cfg.Addr)
	}
	if _, err := c.cmd("STLS"); err != nil {
		if errors.As(err, &refused) {
			return fmt.Errorf("%w: %w", ErrNoSTLS, err)
		}
		return err
	}
	// Anything already buffered was sent before TLS and could have been
	// injected by a man in the middle (the STARTTLS command injection
	// attacks): refuse it rather than read it as if it came over TLS.
	if c.r.Buffered() > 0 {
		return fmt.Errorf("pop3: STLS: %w: %d bytes after +OK before the TLS handshake", errProtocol, c.r.Buffered())
	}
	c.caps = nil
	return c.handshake(ctx)
}

// peerIsLoopback reports a connection to this machine.
func (c *Client) peerIsLoopback() bool {
	a, ok := c.raw.RemoteAddr().(*net.TCPAddr)
	return ok && a.IP.IsLoopback()
}
