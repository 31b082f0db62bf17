package sendpool

import (
	"context"

	"github.com/tidings/tidings/render"
)

// Dialer opens connections to the mail server and speaks for it in the
// run's messages: the pool knows the transport only through this interface
// (package sendpool/smtpclient has the SMTP and LMTP one). The pool calls
// its methods from several goroutines at once; implementations must be safe
// for that.
type Dialer interface {
	// Dial connects, secures and authenticates a session ready for
	// transactions. Errors are *AuthError or *TLSError when the run must
	// stop, *DialError when the settings look wrong (a host that does not
	// resolve, a port nobody answers on, a feature the settings require),
	// *SMTPError for a refusing greeting or EHLO, or network errors.
	Dial(ctx context.Context) (Conn, error)
	// Server names the server for reports and messages: host:port.
	Server() string
	// Warnings lists what the user must be told about the settings on
	// every run (certificate checks off, plaintext to a remote host); the
	// pool hands them to Config.Notify when Run starts.
	Warnings() []string
	// AuthError turns a reply that refuses a transaction for want of a
	// login (ClassAuth: 530, 534, 535, 538) into the *AuthError that stops
	// the run, naming the account and what usually fixes it.
	AuthError(reply *SMTPError) *AuthError
}

// Conn is one open session with the server. A Conn is used by one goroutine
// at a time; the pool never shares it.
type Conn interface {
	// Send runs one mail transaction for tx. It returns the outcome for
	// each of tx.Rcpts, and a *TxError when the transaction did not end
	// with the server accepting the message for at least one recipient.
	// When ctx is cancelled Send drops the connection at once.
	Send(ctx context.Context, tx *Tx) (*Delivery, error)
	// Reset aborts a transaction left open by a failed Send (RSET), so
	// the connection can carry the next message.
	Reset(ctx context.Context) error
	// Quit ends the session politely (QUIT) and waits, bounded by ctx and
	// the configured timeout, until the server has closed its side, so a
	// replacement connection never overlaps it at the server. Quit always
	// releases the connection.
	Quit(ctx context.Context) error
	// Close drops the connection at once.
	Close() error
	// Server names the peer for reports: host:port.
	Server() string
	// OffersSMTPUTF8 reports whether the server offers SMTPUTF8 (RFC
	// 6531), which messages with non-ASCII addresses need.
	OffersSMTPUTF8() bool
}

// Tx is one attempt at delivering a message.
type Tx struct {
	Msg *render.Message
	// Rcpts are the envelope recipients for this attempt: all of
	// Msg.Recipients on the first try, the ones still owed on a retry.
	Rcpts []string
	// BeforeBody, when not nil, is called before the first byte of the
	// body is written: with DATA after the server accepted the envelope
	// (DATA answered 354); with BDAT (CHUNKING, RFC 3030), where envelope
	// and body travel as one group, before the group is written. If it
	// returns an error the body is not sent (after a 354 the connection is
	// dropped, the one way to refuse sending it) and Send, or the
	// transaction's Wait, returns a *TxError wrapping that error.
	BeforeBody func(ctx context.Context) error
}

// PipelinedConn is a Conn that can start the next transaction before the
// outcome of the previous one is known (SMTP command pipelining, RFC 2920:
// the next transaction's MAIL, RCPT and DATA ride behind the previous body,
// and the replies are read in order). The pool detects it with a type
// assertion and then keeps up to Window transactions in flight on the
// connection, handling their outcomes in the order they were begun. Like a
// Conn it is used by one goroutine at a time; Send, Reset and Quit may only
// be called while no transaction is in flight.
type PipelinedConn interface {
	Conn
	// Window is the most transactions that may be in flight at once
	// (begun and not yet waited for); at least 1.
	Window() int
	// Begin starts a transaction for tx. It may do I/O to make room (read
	// the replies a transaction before it is owed, send that one's body),
	// but never waits for tx's own replies. An error means nothing of tx
	// was sent (a *TxError, as Send returns); otherwise the outcome comes
	// from the Pending's Wait. When ctx is cancelled Begin drops the
	// connection at once.
	Begin(ctx context.Context, tx *Tx) (Pending, error)
}

// Pending is a transaction in flight on a PipelinedConn.
type Pending interface {
	// Wait returns the transaction's outcome, as Conn.Send would, reading
	// replies (and sending bodies the server asked for) as needed. Pending
	// transactions are waited for in the order they were begun. When ctx
	// is cancelled Wait drops the connection at once.
	Wait(ctx context.Context) (*Delivery, error)
}

// Delivery is what the server said about a transaction.
type Delivery struct {
	// Rcpts has one entry per Tx.Rcpts, in order.
	Rcpts []RcptReply
	// Reply is the final reply to the message body ("250 2.0.0 OK queued
	// as …"); its Code is 0 when the transaction did not get that far.
	Reply SMTPError
}

// RcptReply is the server's answer for one recipient: Err is nil when the
// recipient was accepted (for LMTP: when its per-recipient final reply was
// positive).
type RcptReply struct {
	Addr string
	Err  *SMTPError
}

// Journal records attempts durably so a crashed run can be resumed without
// sending anyone a second copy (see package sendpool/journal). Methods are
// called from several goroutines at once. Every call for one message gets
// the same *render.Message, from its first try to its final result (the
// pool's own copy of what the source gave; its Data is nil while the
// message waits for a retry without it, see Config.Refetch).
type Journal interface {
	// Attempt is called, and must have made its record durable, before
	// the body of m is handed to the server. An error stops the run
	// (errors.Is(err, ErrJournal)) and the body is not sent.
	Attempt(ctx context.Context, m *render.Message) error
	// Result is called after each try that called Attempt, once the
	// outcome is known (r.Final false when the pool will try again), and
	// once with the final result of every message (r.Final true), before
	// the Run callback sees it. An error stops the run. Its ctx is never
	// cancelled, not even by Abort: a reply the server gave is recorded.
	Result(ctx context.Context, m *render.Message, r Result) error
}

// NopJournal records nothing.
type NopJournal struct{}

// Attempt implements Journal.
func (NopJournal) Attempt(context.Context, *render.Message) error { return nil }

// Result implements Journal.
func (NopJournal) Result(context.Context, *render.Message, Result) error { return nil }

var _ Journal = NopJournal{}

// NewDelivery returns the Delivery of a transaction for tx of which nothing
// was answered yet: one entry per recipient, in order.
func NewDelivery(tx *Tx) *Delivery {
	d := &Delivery{Rcpts: make([]RcptReply, len(tx.Rcpts))}
	for i, r := range tx.Rcpts {
		d.Rcpts[i].Addr = r
	}
	return d
}
