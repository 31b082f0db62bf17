package sendpool

import (
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-smtp"
)

// Sentinel errors. Errors returned by this package wrap them so callers can
// test with errors.Is.
var (
	// ErrAuth marks a run stopped because the server refused the login
	// (an *AuthError).
	ErrAuth = errors.New("sendpool: authentication failed")
	// ErrTLS marks a run stopped by a TLS problem: a certificate that does
	// not verify, a failed handshake, STARTTLS required but not offered
	// (a *TLSError).
	ErrTLS = errors.New("sendpool: TLS failed")
	// ErrInsecureAuth is the refusal to send credentials over an
	// unencrypted connection to a host that is not loopback.
	ErrInsecureAuth = errors.New("sendpool: refusing to send the password over an unencrypted connection to a host that is not loopback (use security: tls or starttls)")
	// ErrUnreachable marks a run stopped because the server could not be
	// connected to several times in a row.
	ErrUnreachable = errors.New("sendpool: server unreachable")
	// ErrServerLacks marks a run stopped at a connection whose server does
	// not offer what messages of the run need (SMTPUTF8), before that
	// connection carried anything.
	ErrServerLacks = errors.New("sendpool: the server lacks what this run needs")
	// ErrJournal marks a run stopped because the journal failed; nothing
	// is sent without its attempt record.
	ErrJournal = errors.New("sendpool: journal failed")
	// ErrInterrupted is returned by Run when its context was cancelled
	// (Ctrl-C): dispatching stopped and in-flight messages finished.
	ErrInterrupted = errors.New("sendpool: interrupted")
	// ErrAborted is returned by Run after Abort: in-flight messages were cut
	// off.
	ErrAborted = errors.New("sendpool: aborted")

	// ErrTooBig: the message is larger than the server's SIZE.
	ErrTooBig = errors.New("message larger than the server accepts (SIZE)")
	// ErrNeedsSMTPUTF8: the message needs SMTPUTF8 and the server does not
	// offer it.
	ErrNeedsSMTPUTF8 = errors.New("needs SMTPUTF8, which the server does not offer")
	// ErrNoRecipients: the server refused every envelope recipient.
	ErrNoRecipients = errors.New("server refused every recipient")
	// ErrReplyLost: the message body was sent but the final reply never
	// came; the outcome is unknown.
	ErrReplyLost = errors.New("connection lost after the message body was sent, before the server's reply: delivery unknown")
)

// SMTPError is a reply from the server that refused a command.
type SMTPError struct {
	// Command is the verb that was refused: "CONNECT" (the greeting),
	// "EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA" or "." (the final
	// reply to the message body).
	Command      string
	Code         int
	EnhancedCode EnhancedCode
	Message      string
}

func (e *SMTPError) Error() string {
	var b strings.Builder
	b.WriteString("sendpool: ")
	if e.Command != "" {
		b.WriteString(e.Command)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%d", e.Code)
	if ec := e.EnhancedCode.String(); ec != "" {
		b.WriteString(" ")
		b.WriteString(ec)
	}
	if e.Message != "" {
		b.WriteString(" ")
		b.WriteString(oneLine(e.Message))
	}
	return b.String()
}

// Temporary reports whether the reply is a transient (4xx) one.
func (e *SMTPError) Temporary() bool { return e.Code >= 400 && e.Code < 500 }

// Reply is the reply as the report shows it: "550 5.1.1 text".
func (e *SMTPError) Reply() string {
	s := fmt.Sprintf("%d", e.Code)
	if ec := e.EnhancedCode.String(); ec != "" {
		s += " " + ec
	}
	if e.Message != "" {
		s += " " + oneLine(e.Message)
	}
	return s
}

// fromSMTP converts a go-smtp reply error; ok is false for other errors.
func fromSMTP(command string, err error) (*SMTPError, bool) {
	var se *smtp.SMTPError
	if !errors.As(err, &se) {
		return nil, false
	}
	ec := EnhancedCode(se.EnhancedCode)
	if se.EnhancedCode == smtp.NoEnhancedCode || se.EnhancedCode == smtp.EnhancedCodeNotSet {
		ec = EnhancedCode{}
	}
	return &SMTPError{Command: command, Code: se.Code, EnhancedCode: ec, Message: se.Message}, true
}

// Stage is how far a transaction got.
type Stage int

// The stages of a transaction, in order.
const (
	// StagePrepare: local checks before anything is sent (SIZE, SMTPUTF8).
	StagePrepare Stage = iota
	// StageMail: MAIL FROM.
	StageMail
	// StageRcpt: RCPT TO.
	StageRcpt
	// StageData: the DATA command, up to its 354 reply.
	StageData
	// StageBody: writing the message body; the server cannot have accepted
	// the message yet.
	StageBody
	// StageReply: the end-of-data mark was sent and the final reply is
	// awaited; a connection lost here leaves the outcome unknown.
	StageReply
)

func (s Stage) String() string {
	switch s {
	case StagePrepare:
		return "prepare"
	case StageMail:
		return "MAIL"
	case StageRcpt:
		return "RCPT"
	case StageData:
		return "DATA"
	case StageBody:
		return "body"
	case StageReply:
		return "final reply"
	default:
		return fmt.Sprintf("Stage(%d)", int(s))
	}
}

// TxError is why a transaction did not complete. Err is an *SMTPError for a
// server reply, a sentinel (ErrTooBig, ErrNeedsSMTPUTF8, ErrNoRecipients,
// ErrReplyLost) or a network error.
type TxError struct {
	Stage Stage
	Err   error
}

func (e *TxError) Error() string {
	var se *SMTPError
	if errors.As(e.Err, &se) {
		return e.Err.Error()
	}
	msg := e.Err.Error()
	if strings.HasPrefix(msg, "sendpool: ") {
		return msg
	}
	return "sendpool: " + e.Stage.String() + ": " + msg
}

func (e *TxError) Unwrap() error { return e.Err }

// Ambiguous reports whether the message may have been delivered although no
// reply says so: the body was sent and the final reply was lost.
func (e *TxError) Ambiguous() bool { return errors.Is(e.Err, ErrReplyLost) }

// AuthError stops a run: the server refused the login, or the login could
// not be attempted safely. errors.Is(err, ErrAuth) is true for it.
type AuthError struct {
	Host     string
	Username string
	// Reply is the server's refusal, nil when the problem is local.
	Reply *SMTPError
	// Err is the underlying problem (ErrInsecureAuth, a missing mechanism).
	Err error
	// Hint says what usually fixes it, "" when nothing specific is known.
	Hint string
}

func (e *AuthError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sendpool: login to %s as %q failed", e.Host, e.Username)
	if e.Reply != nil {
		fmt.Fprintf(&b, ": server replied %s", e.Reply.Reply())
	}
	if e.Err != nil {
		fmt.Fprintf(&b, ": %s", strings.TrimPrefix(e.Err.Error(), "sendpool: "))
	}
	if e.Hint != "" {
		b.WriteString(" (")
		b.WriteString(e.Hint)
		b.WriteString(")")
	}
	return b.String()
}

// Is makes errors.Is(err, ErrAuth) true.
func (e *AuthError) Is(target error) bool { return target == ErrAuth }

// Unwrap returns the local cause or the server reply.
func (e *AuthError) Unwrap() error {
	if e.Err != nil {
		return e.Err
	}
	if e.Reply != nil {
		return e.Reply
	}
	return nil
}

// TLSError stops a run: the connection could not be secured as configured.
// errors.Is(err, ErrTLS) is true for it.
type TLSError struct {
	Host string
	// Reason says what went wrong in words.
	Reason string
	Err    error
}

func (e *TLSError) Error() string {
	s := fmt.Sprintf("sendpool: TLS with %s: %s", e.Host, e.Reason)
	if e.Err != nil {
		s += ": " + strings.TrimPrefix(e.Err.Error(), "sendpool: ")
	}
	return s
}

// Is makes errors.Is(err, ErrTLS) true.
func (e *TLSError) Is(target error) bool { return target == ErrTLS }

func (e *TLSError) Unwrap() error { return e.Err }

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}
