package smtpclient

import (
	"context"
	"errors"
	"io"
	"net"
	"net/textproto"
	"strings"

	"github.com/emersion/go-smtp"

	"github.com/tidings/tidings/sendpool"
)

// fromSMTP converts a go-smtp reply error; ok is false for other errors.
func fromSMTP(command string, err error) (*sendpool.SMTPError, bool) {
	var se *smtp.SMTPError
	if !errors.As(err, &se) {
		return nil, false
	}
	ec := sendpool.EnhancedCode(se.EnhancedCode)
	if se.EnhancedCode == smtp.NoEnhancedCode || se.EnhancedCode == smtp.EnhancedCodeNotSet {
		ec = sendpool.EnhancedCode{}
	}
	return &sendpool.SMTPError{Command: command, Code: se.Code, EnhancedCode: ec, Message: se.Message}, true
}

// splitEnhanced splits "2.0.0 OK queued" into the code and the rest.
func splitEnhanced(s string) (sendpool.EnhancedCode, string, bool) {
	head, rest, ok := strings.Cut(s, " ")
	if !ok {
		return sendpool.EnhancedCode{}, s, false
	}
	ec, err := sendpool.ParseEnhancedCode(head)
	if err != nil {
		return sendpool.EnhancedCode{}, s, false
	}
	return ec, rest, true
}

// replyError makes the *sendpool.SMTPError for a reply, taking an enhanced
// status code (RFC 3463) off the text of each line, as go-smtp does.
func replyError(command string, code int, msg string) *sendpool.SMTPError {
	se := &sendpool.SMTPError{Command: command, Code: code, Message: msg}
	if ec, rest, ok := splitEnhanced(msg); ok {
		// Continuation lines repeat the code: keep it once.
		se.EnhancedCode = ec
		se.Message = strings.ReplaceAll(rest, "\n"+ec.String()+" ", "\n")
	}
	return se
}

// okReply is the positive final reply as a sendpool.Delivery carries it.
func okReply(code int, msg string) sendpool.SMTPError { return *replyError(".", code, msg) }

// isNetError reports an I/O-level failure (as opposed to a reply).
func isNetError(err error) bool {
	var ne net.Error
	var pe textproto.ProtocolError
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.As(err, &pe) || errors.Is(err, context.Canceled)
}
