package smtpclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/tidings/tidings/sendpool"
)

// extensions lists the EHLO keywords that decide the transport, for an
// error message.
func (s *smtpConn) extensions() string {
	var have []string
	for _, k := range []string{"PIPELINING", "CHUNKING", "8BITMIME", "SMTPUTF8", "SIZE"} {
		if ok, _ := s.c.Extension(k); ok {
			have = append(have, k)
		}
	}
	if len(have) == 0 {
		return "none of PIPELINING, CHUNKING, 8BITMIME, SMTPUTF8, SIZE"
	}
	return strings.Join(have, ", ")
}

// smtpConn is one session; used by one goroutine at a time.
type smtpConn struct {
	d       *Dialer
	c       *smtp.Client
	hc      *helloCache // what c runs over
	raw     *rawConn
	nc      net.Conn    // the session's connection above TLS
	tr      *transcript // nil without Debug
	lmtp    bool
	utf8    bool
	hasSize bool
	maxSize int
	// broken: the connection failed at the I/O level; got421: the server
	// announced it is closing the session.
	broken bool
	got421 bool
}

var _ sendpool.Conn = (*smtpConn)(nil)

func (s *smtpConn) Server() string { return s.d.cfg.Addr() }

// OffersSMTPUTF8 implements sendpool.Conn.
func (s *smtpConn) OffersSMTPUTF8() bool { return s.utf8 }

// fail records what err means for the connection and wraps it.
func (s *smtpConn) fail(stage sendpool.Stage, command string, err error) *sendpool.TxError {
	if se, ok := s.d.reply(command, err); ok {
		if se.Code == 421 {
			s.got421 = true
		}
		return &sendpool.TxError{Stage: stage, Err: se}
	}
	s.broken = true
	return &sendpool.TxError{Stage: stage, Err: s.d.redactErr(err)}
}

// Send implements sendpool.Conn.
func (s *smtpConn) Send(ctx context.Context, tx *sendpool.Tx) (*sendpool.Delivery, error) {
	stop := context.AfterFunc(ctx, s.raw.closeNow)
	defer stop()

	m := tx.Msg
	d := &sendpool.Delivery{Rcpts: make([]sendpool.RcptReply, len(tx.Rcpts))}
	for i, r := range tx.Rcpts {
		d.Rcpts[i].Addr = r
	}
	if s.broken || s.got421 {
		return d, &sendpool.TxError{Stage: sendpool.StagePrepare, Err: errors.New("connection already closed")}
	}
	if m.UTF8 && !s.utf8 {
		return d, &sendpool.TxError{Stage: sendpool.StagePrepare, Err: sendpool.ErrNeedsSMTPUTF8}
	}
	if s.maxSize > 0 && len(m.Data) > s.maxSize {
		return d, &sendpool.TxError{Stage: sendpool.StagePrepare, Err: fmt.Errorf("%w: the message is %d bytes, the server accepts at most %d", sendpool.ErrTooBig, len(m.Data), s.maxSize)}
	}
	opts := &smtp.MailOptions{UTF8: m.UTF8}
	if s.hasSize {
		opts.Size = int64(len(m.Data))
	}
	if envID := envelopeID(m); envID != "" {
		// go-smtp sends these only when the server offers DSN.
		opts.Return, opts.EnvelopeID = smtp.DSNReturnHeaders, envID
	}
	if err := s.c.Mail(m.EnvelopeFrom, opts); err != nil {
		return d, s.fail(sendpool.StageMail, "MAIL", err)
	}
	accepted := 0
	for i, r := range tx.Rcpts {
		if err := s.c.Rcpt(r, rcptDSN(r)); err != nil {
			txe := s.fail(sendpool.StageRcpt, "RCPT", err)
			se, ok := txe.Err.(*sendpool.SMTPError)
			if !ok || se.Code == 421 {
				return d, txe
			}
			d.Rcpts[i].Err = se
			continue
		}
		accepted++
	}
	if accepted == 0 {
		return d, &sendpool.TxError{Stage: sendpool.StageRcpt, Err: sendpool.ErrNoRecipients}
	}
	w, err := s.c.Data()
	if err != nil {
		return d, s.fail(sendpool.StageData, "DATA", err)
	}
	if tx.BeforeBody != nil {
		if err := tx.BeforeBody(ctx); err != nil {
			// After 354 the only way to not send the body is to drop
			// the connection; the server discards the open
			// transaction.
			s.broken = true
			s.raw.closeNow()
			return d, &sendpool.TxError{Stage: sendpool.StageData, Err: err}
		}
	}
	if err := writeWithProgress(w, m.Data, s.d.cfg.timeout(), s.raw.SetDeadline); err != nil {
		s.broken = true
		return d, &sendpool.TxError{Stage: sendpool.StageBody, Err: err}
	}
	s.raw.SetDeadline(time.Now().Add(s.d.cfg.timeout())) // its end; go-smtp gives the reply SubmissionTimeout
	if s.lmtp {
		return s.finishLMTP(d, w)
	}
	resp, err := w.CloseWithResponse()
	if err != nil {
		return d, s.replyError(err)
	}
	d.Reply = sendpool.SMTPError{Command: ".", Code: 250, Message: clipReply(s.d.redact(resp.StatusText))}
	if ec, rest, ok := splitEnhanced(d.Reply.Message); ok {
		d.Reply.EnhancedCode, d.Reply.Message = ec, rest
	}
	return d, nil
}

// replyError classifies an error from closing the body: a reply refuses the
// message; a failed write means the end-of-data mark never fully left (not
// delivered); a failed read after it left means the outcome is unknown.
func (s *smtpConn) replyError(err error) *sendpool.TxError {
	if se, ok := s.d.reply(".", err); ok {
		if se.Code == 421 {
			s.got421 = true
		}
		return &sendpool.TxError{Stage: sendpool.StageReply, Err: se}
	}
	s.broken = true
	err = s.d.redactErr(err)
	if s.raw.writeFailed.Load() {
		return &sendpool.TxError{Stage: sendpool.StageBody, Err: err}
	}
	if left := s.raw.closeLeaving(); left >= 0 && left < s.raw.written { // the end-of-data mark is the last written
		return &sendpool.TxError{Stage: sendpool.StageBody, Err: endNeverLeft(err)}
	}
	return &sendpool.TxError{Stage: sendpool.StageReply, Err: replyLost(err)}
}

func (s *smtpConn) finishLMTP(d *sendpool.Delivery, w *smtp.DataCommand) (*sendpool.Delivery, error) {
	resps, err := w.CloseWithLMTPResponse()
	var lerr smtp.LMTPDataError
	errors.As(err, &lerr)
	accepted, answered := 0, 0
	for i := range d.Rcpts {
		r := &d.Rcpts[i]
		if r.Err != nil {
			continue // refused at RCPT; no final reply for it
		}
		if resp, ok := resps[r.Addr]; ok {
			accepted++
			answered++
			if d.Reply.Code == 0 {
				d.Reply = sendpool.SMTPError{Command: ".", Code: 250, Message: clipReply(s.d.redact(resp.StatusText))}
				if ec, rest, ok := splitEnhanced(d.Reply.Message); ok {
					d.Reply.EnhancedCode, d.Reply.Message = ec, rest
				}
			}
			continue
		}
		if se, ok := lerr[r.Addr]; ok {
			answered++
			r.Err, _ = s.d.reply(".", se)
		}
	}
	pending := 0
	for _, r := range d.Rcpts {
		if r.Err == nil {
			pending++
		}
	}
	if pending > accepted {
		// Some accepted recipient got no final reply: the connection
		// broke while the server was answering.
		s.broken = true
		if s.raw.writeFailed.Load() && answered == 0 {
			return d, &sendpool.TxError{Stage: sendpool.StageBody, Err: err}
		}
		return d, &sendpool.TxError{Stage: sendpool.StageReply, Err: replyLost(err)}
	}
	if accepted == 0 {
		return d, &sendpool.TxError{Stage: sendpool.StageReply, Err: sendpool.ErrNoRecipients}
	}
	return d, nil
}

// Reset implements Conn: RSET.
func (s *smtpConn) Reset(ctx context.Context) error {
	stop := context.AfterFunc(ctx, s.raw.closeNow)
	defer stop()
	if err := s.c.Reset(); err != nil {
		return s.fail(sendpool.StageMail, "RSET", err)
	}
	s.hc.arm() // go-smtp's next command would send EHLO first
	return nil
}

// Quit implements sendpool.Conn.
func (s *smtpConn) Quit(ctx context.Context) error {
	stop := context.AfterFunc(ctx, s.raw.closeNow)
	defer stop()
	if s.broken {
		s.raw.closeNow()
		return nil
	}
	if s.got421 {
		// The server closes after 421 (RFC 5321 3.8), and the client
		// need not wait for it: one that keeps the session (go-smtp's)
		// would hold the worker for the drain.
		return s.c.Close()
	}
	s.raw.drain = min(s.d.cfg.timeout(), 5*time.Second)
	if err := s.c.Quit(); err != nil {
		s.c.Close()
		return fmt.Errorf("smtpclient: QUIT: %w", err)
	}
	return nil
}

// Close implements sendpool.Conn.
func (s *smtpConn) Close() error {
	s.raw.closeNow()
	return nil
}
