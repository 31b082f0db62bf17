package pop3

import (
	"errors"
	"strings"
)

var (
	// ErrInsecureAuth is the refusal to send the password over an
	// unencrypted connection to a peer that is not loopback.
	ErrInsecureAuth = errors.New("pop3: refusing to send the password over an unencrypted connection to a host that is not loopback (use security tls or starttls)")

	// ErrNoSTLS is the refusal to go on in clear when STLS (RFC 2595) was
	// required and the server did not offer it or refused it.
	ErrNoSTLS = errors.New("pop3: the server did not offer or refused STLS and security is starttls: refusing to continue unencrypted")

	// ErrTooLarge is returned by Retr for a message larger than its cap. The
	// rest of the message has been read and discarded: the session is still
	// usable.
	ErrTooLarge = errors.New("pop3: message larger than the size cap")

	// ErrClosed is returned by every call on a Client that was closed, that
	// quit, or whose connection broke (the error wraps the original cause).
	ErrClosed = errors.New("pop3: session closed")
)

// Error is a -ERR reply: the server refused a command but the session is
// still usable (unlike a network or protocol error, which closes it).
type Error struct {
	// Command is the command's verb ("PASS", "RETR", ...), or "greeting"
	// for a server that turns the connection away. It never holds an
	// argument, so never a password.
	Command string
	// Code is the RFC 2449 extended response code without brackets
	// ("AUTH", "IN-USE", "LOGIN-DELAY", "SYS/TEMP"), or "" when there is none.
	Code string
	// Text is the server's text after -ERR, code included.
	Text string
}

func (e *Error) Error() string {
	if e.Text == "" {
		return "pop3: " + e.Command + ": server replied -ERR"
	}
	return "pop3: " + e.Command + ": server replied -ERR " + e.Text
}

// newError builds the Error for a -ERR reply to cmd with text.
func newError(cmd, text string) *Error {
	e := &Error{Command: cmd, Text: text}
	if rest, ok := strings.CutPrefix(text, "["); ok {
		if code, _, ok := strings.Cut(rest, "]"); ok && !strings.ContainsAny(code, " \t") {
			e.Code = strings.ToUpper(code)
		}
	}
	return e
}

// recoverable reports an error after which the session is still in step
// with the server: a -ERR reply, or a message over the cap that was read to
// its end.
func recoverable(err error) bool {
	var e *Error
	return errors.As(err, &e) || errors.Is(err, ErrTooLarge)
}

// GreetingError is a greeting that is no POP3 status line (the server
// speaks another protocol, say IMAP on its port): Line is what the server
// said, Err the protocol error. The connection is closed.
type GreetingError struct {
	Line string
	Err  error
}

func (e *GreetingError) Error() string { return e.Err.Error() }

// Unwrap is the protocol error.
func (e *GreetingError) Unwrap() error { return e.Err }
