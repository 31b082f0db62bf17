package smtpclient

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"strings"
	"unicode/utf8"

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
	return &sendpool.SMTPError{Command: command, Code: se.Code, EnhancedCode: ec, Message: clipReply(se.Message)}, true
}

// maxReplyText is the most of a reply's text kept (RFC 5321 4.5.3.1.5
// allows 512 octets a line; real servers send a few lines). A reply text
// goes into the journal, the report and the report page, so a server
// cannot make them grow without bound.
const maxReplyText = 4096

// clipReply returns msg cut to maxReplyText bytes, between characters,
// saying how much was cut.
func clipReply(msg string) string {
	if len(msg) <= maxReplyText {
		return msg
	}
	cut := maxReplyText
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + fmt.Sprintf(" [%d more bytes cut]", len(msg)-cut)
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
	msg = clipReply(msg)
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

// replyLost is the error of a body's final reply that never came, err the
// read's: sendpool.ErrReplyTimedOut when the wait for it ran out (the
// server kept the connection and said nothing), else sendpool.ErrReplyLost.
func replyLost(err error) error {
	if isTimeout(err) {
		return fmt.Errorf("%w: %w", sendpool.ErrReplyTimedOut, err)
	}
	return fmt.Errorf("%w: %w", sendpool.ErrReplyLost, err)
}

// endNeverLeft is the error of a message whose end of data the link took
// nothing of before the connection failed (rawConn.closeLeaving): not
// delivered, as when the write itself fails.
func endNeverLeft(err error) error {
	return fmt.Errorf("the connection stalled before the end of the message left this machine (not delivered): %w", err)
}

// isNetError reports an I/O-level failure (as opposed to a reply).
func isNetError(err error) bool {
	var ne net.Error
	var pe textproto.ProtocolError
	return errors.As(err, &ne) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed) || errors.As(err, &pe) || errors.Is(err, context.Canceled)
}

// lineLimitReader fails a read once a line from the server runs past
// limit bytes, with go-smtp's smtp.ErrTooLongLine, so the pipelined
// transport holds replies to the bound go-smtp's client (the plain
// transport) holds them to. Written here because go-smtp's own is not
// exported.
type lineLimitReader struct {
	r     io.Reader
	limit int
	line  int   // bytes of the current line so far
	err   error // smtp.ErrTooLongLine once a line ran past limit
}

// maxReplyLine is go-smtp's client limit: twice RFC 5321's 512 octets
// (4.5.3.1.5), and then some.
const maxReplyLine = 2000

// Read hands over the whole lines that came before the line that runs
// past the limit (complete replies there are the server's answers to
// earlier commands), none of that line, and fails from then on. (Not
// even its start: bufio's ReadLine would hand a line cut short by an
// error on as a whole one. When its start came in an earlier read, that
// start is all the reader gets of it.)
func (l *lineLimitReader) Read(b []byte) (int, error) {
	if l.err != nil {
		return 0, l.err
	}
	n, err := l.r.Read(b)
	start := 0 // where the current line starts in b; 0 when in an earlier read
	for i, c := range b[:n] {
		l.line++
		if c == '\n' {
			l.line, start = 0, i+1
		}
		if l.line > l.limit {
			l.err = smtp.ErrTooLongLine
			if start == 0 {
				return 0, l.err
			}
			return start, nil
		}
	}
	return n, err
}
