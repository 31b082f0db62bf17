package pop3

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/textproto"

	"github.com/tidings/tidings/campaign"
)

// Client is one POP3 session with one maildrop.
//
// A Client is used by one goroutine at a time; to abort a call in progress
// from elsewhere, cancel the context given to it (this closes the
// connection). The caller ends the session with Quit, which commits the
// deletions marked with Dele, or Close, which abandons them. After a network
// or protocol error, or a cancelled context, the connection is closed and
// every later call returns an error wrapping ErrClosed and the cause; a -ERR
// reply (*Error) and ErrTooLarge leave the session usable.
type Client struct {
	cfg    Config
	raw    net.Conn // the TCP connection: closing it aborts any call
	conn   net.Conn // raw, or TLS over it
	r      *bufio.Reader
	w      *textproto.Writer
	secure bool         // TLS is up
	caps   Capabilities // nil until CAPA; dropped after STLS and login (RFC 2449 §5)
	// secrets are the forms of the password Login sends (secretForms),
	// scrubbed from every reply from Login on: a server may quote them
	// in a refusal of the login or of any command after it.
	secrets []string
	err     error // non-nil once the session is over
	closed  bool
	log     transcript
}

// Dial connects to cfg.Addr, sets up TLS as cfg.Security says (implicit
// TLS, or STLS that must succeed) and reads the server's greeting. The
// Client it returns is in the AUTHORIZATION state: Login comes next. On
// error nothing is left open.
func Dial(ctx context.Context, cfg Config) (*Client, error) {
	cfg, err := cfg.check()
	if err != nil {
		return nil, err
	}
	d := net.Dialer{Timeout: cfg.Timeout}
	raw, err := d.DialContext(ctx, "tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("pop3: connecting to %s: %w", cfg.Addr, err)
	}
	c := &Client{cfg: cfg, raw: raw, log: transcript{cfg.Debug}}
	c.attach(idleConn{raw, cfg.Timeout})
	if err := c.do(ctx, "connect", func() error { return c.open(ctx) }); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// open brings a new connection to the AUTHORIZATION state.
func (c *Client) open(ctx context.Context) error {
	if c.cfg.Security == campaign.SecurityTLS {
		if err := c.handshake(ctx); err != nil {
			return err
		}
	}
	line, err := c.readReply("greeting")
	if err != nil {
		return err
	}
	if _, err := checkStatus("greeting", line); err != nil {
		if errors.Is(err, errProtocol) {
			return &GreetingError{Line: line, Err: err}
		}
		return err
	}
	if c.cfg.Security == campaign.SecurityStartTLS {
		return c.startTLS(ctx)
	}
	return nil
}

// attach makes conn the connection commands and replies go through.
func (c *Client) attach(conn net.Conn) {
	c.conn = conn
	c.r = bufio.NewReaderSize(conn, readerSize)
	c.w = textproto.NewWriter(bufio.NewWriter(conn))
}

// do runs one call: it refuses on a closed session, closes the connection
// if ctx is cancelled meanwhile, and ends the session on any error that
// leaves it out of step with the server.
func (c *Client) do(ctx context.Context, verb string, fn func() error) error {
	if c.err != nil {
		return c.err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pop3: %s: %w", verb, err)
	}
	stop := context.AfterFunc(ctx, func() { c.raw.Close() })
	err := fn()
	if !stop() {
		err = fmt.Errorf("pop3: %s: %w", verb, context.Cause(ctx))
	}
	if err != nil && !recoverable(err) {
		c.end(err)
	}
	return err
}

// end closes the connection after cause; later calls return ErrClosed.
func (c *Client) end(cause error) {
	if c.err == nil {
		c.err = fmt.Errorf("%w by an earlier error: %w", ErrClosed, cause)
	}
	c.closed = true
	c.raw.Close()
}

// Close closes the connection without QUIT: messages marked with Dele stay
// in the maildrop (RFC 1939 §6). It is idempotent; Quit calls it.
func (c *Client) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	if c.err == nil {
		c.err = ErrClosed
	}
	if err := c.raw.Close(); err != nil {
		return fmt.Errorf("pop3: close: %w", err)
	}
	return nil
}
