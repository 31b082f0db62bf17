package sendpool

import (
	"errors"
	"fmt"
	"runtime/debug"
)

// A panic of the transport (a Conn's Send, a PipelinedConn's Begin or a
// Pending's Wait) is a fault of this program's: the try ends with
// errTransportPanic, the connection is dropped, and what the try counts
// as depends on whether its body was due (afterBody).

// errTransportPanic is what a try whose transport panicked fails with
// (transportPanic): a fault of this program's, not anything the server
// said or did. Its connection is dropped and it spends a try as a
// temporary failure does, never a free resend (idleDrop,
// endedForErrors), and it is no error reply of the session
// (noteErrors).
var errTransportPanic = errors.New("transport panic")

// afterBody is err, the end of a try, with a transport panic's
// (errTransportPanic) moved to the body's stage when the body was due
// (bodyDue: BeforeBody let it go): it may have gone and been taken, so
// the outcome is unknown (TxError.Ambiguous), never a try to repeat; a
// panic before then spends a try as a temporary failure does. Due is
// not gone: a panic after BeforeBody and before the body's end left
// (the dot, BDAT's last byte) leaves unknown a message the server
// discarded, which --resend-unknown sends; the transport's own account
// of what left is not to be trusted after its panic, and a message
// held back is the lesser harm than a second copy. The panic is the
// try's whose call panicked: in a pipelined Begin, the later
// transaction's, the one ahead decided by its own replies
// (TestTransportPanicBehind).
func afterBody(err error, bodyDue bool) error {
	var txe *TxError
	if bodyDue && errors.Is(err, errTransportPanic) && errors.As(err, &txe) {
		txe.Stage = StageBody
	}
	return err
}

// safeSend calls c.Send, turning a panic in the transport into an error
// (the connection is then dropped; the stack goes to Notify) and making
// sure the Delivery has one entry per recipient of tx.
func (r *poolRun) safeSend(c Conn, tx *Tx) (d *Delivery, err error) {
	defer func() {
		if p := recover(); p != nil {
			d, err = nil, r.transportPanic(tx, p)
		}
		if d == nil {
			d = NewDelivery(tx)
		} else if len(d.Rcpts) != len(tx.Rcpts) {
			d.Rcpts = NewDelivery(tx).Rcpts
		}
	}()
	return c.Send(r.inflight, tx)
}

// safeBegin calls pc.Begin, turning a panic in the transport into an
// error, as safeSend does.
func (r *poolRun) safeBegin(pc PipelinedConn, f *pipedTry) (p Pending, err error) {
	defer func() {
		if v := recover(); v != nil {
			p, err = nil, r.transportPanic(f.tx, v)
		}
	}()
	return pc.Begin(r.inflight, f.tx)
}

// safeWait calls f.p.Wait, as safeSend calls Send, and makes sure the
// Delivery has one entry per recipient.
func (r *poolRun) safeWait(f *pipedTry) (d *Delivery, err error) {
	defer func() {
		if v := recover(); v != nil {
			d, err = nil, r.transportPanic(f.tx, v)
		}
		if d == nil || len(d.Rcpts) != len(f.tx.Rcpts) {
			d = NewDelivery(f.tx)
		}
	}()
	return f.p.Wait(r.inflight)
}

// transportPanic is the error of tx's try whose transport panicked with
// v (errTransportPanic); the stack goes to Notify.
func (r *poolRun) transportPanic(tx *Tx, v any) error {
	r.notify(Notice{Kind: NoticeWarning, Text: fmt.Sprintf("transport panic on row %d: %v\n%s", tx.Msg.Row, v, debug.Stack())})
	return &TxError{Stage: StagePrepare, Err: fmt.Errorf("%w: %v", errTransportPanic, v)}
}
