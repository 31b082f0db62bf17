package pop3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ListEntry is one message of LIST: its number in this session and its
// size in octets as the server counts it (RFC 1939 §5 allows an estimate:
// a server storing LF line ends may count them so).
type ListEntry struct {
	Num  int
	Size int64
}

// UIDLEntry is one message of UIDL: its number in this session and its
// unique-id, which stays the same across sessions (RFC 1939 §7).
type UIDLEntry struct {
	Num int
	UID string
}

// Stat returns the number of messages in the maildrop and their total size
// in octets, not counting those marked with Dele.
func (c *Client) Stat(ctx context.Context) (count int, size int64, err error) {
	err = c.do(ctx, "STAT", func() error {
		text, err := c.cmd("STAT")
		if err != nil {
			return err
		}
		count, size, err = parsePair(text)
		if err != nil {
			return fmt.Errorf("pop3: STAT: %w", err)
		}
		return nil
	})
	return count, size, err
}

// List returns every message's number and size, in the server's order,
// without those marked with Dele.
func (c *Client) List(ctx context.Context) ([]ListEntry, error) {
	var list []ListEntry
	err := c.do(ctx, "LIST", func() error {
		lines, err := c.multi("LIST")
		if err != nil {
			return err
		}
		for _, l := range lines {
			n, size, perr := parsePair(l)
			if perr != nil {
				return fmt.Errorf("pop3: LIST: %w", perr)
			}
			list = append(list, ListEntry{Num: n, Size: size})
		}
		return nil
	})
	return list, err
}

// ListOne returns the size of message n (LIST n), in octets as the
// server counts it.
func (c *Client) ListOne(ctx context.Context, n int) (int64, error) {
	var size int64
	err := c.do(ctx, "LIST", func() error {
		text, err := c.cmd("LIST", n)
		if err != nil {
			return err
		}
		var got int
		if got, size, err = parsePair(text); err == nil && got != n {
			err = fmt.Errorf("%w: the reply names message %d", errProtocol, got)
		}
		if err != nil {
			return fmt.Errorf("pop3: LIST %d: %w", n, err)
		}
		return nil
	})
	return size, err
}

// UIDL returns every message's number and unique-id, in the server's order,
// without those marked with Dele.
func (c *Client) UIDL(ctx context.Context) ([]UIDLEntry, error) {
	var list []UIDLEntry
	err := c.do(ctx, "UIDL", func() error {
		lines, err := c.multi("UIDL")
		if err != nil {
			return err
		}
		for _, l := range lines {
			f := strings.Fields(l)
			n, nerr := strconv.Atoi(f0(f))
			if nerr != nil || n < 1 || len(f) < 2 {
				return fmt.Errorf("pop3: UIDL: %w: line %q is not \"number unique-id\"", errProtocol, clip(l))
			}
			list = append(list, UIDLEntry{Num: n, UID: f[1]})
		}
		return nil
	})
	return list, err
}

// Retr returns message n as the server holds it: byte-stuffing undone,
// every line ending in CR LF, at most max bytes (max must be positive).
// A larger message gives an error wrapping ErrTooLarge after the rest of it
// was read and discarded (bounded in time by ctx and Config.Timeout, not in
// bytes), so the session stays usable: a caller can Dele or skip it. A
// caller wanting to skip large messages unread compares List's sizes first.
func (c *Client) Retr(ctx context.Context, n int, max int64) ([]byte, error) {
	if max <= 0 {
		return nil, fmt.Errorf("pop3: RETR %d: the size cap %d is not positive", n, max)
	}
	var msg []byte
	err := c.do(ctx, "RETR", func() error {
		if _, err := c.cmd("RETR", n); err != nil {
			return err
		}
		var total int64
		var err error
		msg, total, err = readBody(c.r, max)
		switch {
		case errors.Is(err, ErrTooLarge):
			c.log.server(fmt.Sprintf("[message of %d bytes read and discarded: over the %d-byte cap]", total, max))
			return fmt.Errorf("%w: message %d has %d bytes, the cap is %d", ErrTooLarge, n, total, max)
		case err != nil:
			return fmt.Errorf("pop3: RETR %d: reading the message: %w", n, err)
		}
		c.log.server(fmt.Sprintf("[message: %d bytes]", total))
		c.log.server(".")
		return nil
	})
	return msg, err
}

// Top returns the header of message n and the empty line after it (TOP n
// 0, RFC 1939 §7, which a server may not offer: an *Error then), at most
// max bytes (max must be positive): more is an error wrapping
// ErrTooLarge, the rest read and discarded as Retr does.
func (c *Client) Top(ctx context.Context, n int, max int64) ([]byte, error) {
	if max <= 0 {
		return nil, fmt.Errorf("pop3: TOP %d: the size cap %d is not positive", n, max)
	}
	var head []byte
	err := c.do(ctx, "TOP", func() error {
		if _, err := c.cmd("TOP", n, 0); err != nil {
			return err
		}
		var total int64
		var err error
		head, total, err = readBody(c.r, max)
		switch {
		case errors.Is(err, ErrTooLarge):
			return fmt.Errorf("%w: the header of message %d has %d bytes, the cap is %d", ErrTooLarge, n, total, max)
		case err != nil:
			return fmt.Errorf("pop3: TOP %d: reading the header: %w", n, err)
		}
		c.log.server(fmt.Sprintf("[header: %d bytes]", total))
		c.log.server(".")
		return nil
	})
	return head, err
}

// Dele marks message n for deletion; Quit removes it, Rset or Close keep it.
// Its number stays taken for the rest of the session.
func (c *Client) Dele(ctx context.Context, n int) error {
	return c.simple(ctx, "DELE", n)
}

// Rset unmarks every message marked with Dele.
func (c *Client) Rset(ctx context.Context) error {
	return c.simple(ctx, "RSET")
}

// Noop asks the server for a +OK, to keep the session alive or check it.
func (c *Client) Noop(ctx context.Context) error {
	return c.simple(ctx, "NOOP")
}

// Quit ends the session: after login the server removes the messages
// marked with Dele (RFC 1939 §6, the UPDATE state) and an *Error says some
// could not be. Quit then waits, within Config.Timeout, for the server to
// close the connection, so that with a server that replies before it
// deletes (mailpit does) the deletions are done when Quit returns. The
// Client is closed afterwards, whatever the outcome.
func (c *Client) Quit(ctx context.Context) error {
	err := c.do(ctx, "QUIT", func() error {
		if _, err := c.cmd("QUIT"); err != nil {
			return err
		}
		io.Copy(io.Discard, io.LimitReader(c.r, maxLine)) // until EOF; an error is the close too
		return nil
	})
	c.Close()
	return err
}

// simple runs a command whose whole reply is one status line.
func (c *Client) simple(ctx context.Context, verb string, args ...any) error {
	return c.do(ctx, verb, func() error {
		_, err := c.cmd(verb, args...)
		return err
	})
}

// multi runs a command with a multi-line reply and returns its lines.
func (c *Client) multi(verb string) ([]string, error) {
	if _, err := c.cmd(verb); err != nil {
		return nil, err
	}
	return c.listing(verb)
}

// parsePair reads "number size" (STAT's reply, a LIST line), ignoring
// anything after it as RFC 1939 asks.
func parsePair(s string) (int, int64, error) {
	f := strings.Fields(s)
	if len(f) >= 2 {
		n, err1 := strconv.Atoi(f[0])
		size, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 == nil && err2 == nil && n >= 0 && size >= 0 {
			return n, size, nil
		}
	}
	return 0, 0, fmt.Errorf("%w: %q is not \"number size\"", errProtocol, clip(s))
}

// f0 is the first field, or "".
func f0(f []string) string {
	if len(f) == 0 {
		return ""
	}
	return f[0]
}
