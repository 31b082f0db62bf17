package sendpool

import (
	"context"
	"errors"
	"fmt"
)

// sendOne delivers j over w.conn (connected) with one transaction at a
// time (Conn.Send), redialing once for free when a reused connection turns
// out dead before anything of the message was sent. The journal attempt is
// recorded when the body is due (BeforeBody), unless f, a try the
// pipelined exchange took ahead and whose attempt it already recorded
// (awaited: the attempt returned), is passed: then that one stands for
// this try (a try records one attempt).
func (w *poolWorker) sendOne(j *poolJob, f *pipedTry) {
	r := w.r
	recorded := f != nil && f.attemptDone != nil
	bodyDue := false // BeforeBody let the body go (afterBody)
	tx := &Tx{Msg: j.msg, Rcpts: j.rcpts, BeforeBody: func(ctx context.Context) error {
		var err error
		if recorded {
			err = f.attemptErr // awaited before sendOne was called
		} else {
			err = r.p.journal.Attempt(ctx, j.msg)
		}
		if err != nil {
			return fmt.Errorf("%w: recording the attempt for row %d: %w", ErrJournal, j.msg.Row, err)
		}
		bodyDue = true
		j.bodyOpen.Store(true)
		return nil
	}}
	var (
		d   *Delivery
		err error
	)
	free := true
	for {
		if !w.connect(j) {
			return
		}
		if j.started.IsZero() {
			j.started = r.p.clock.Now()
		}
		reused := w.sent > 0
		j.tryTook = r.took.Load()
		bodyDue = false
		d, err = r.safeSend(w.conn, tx)
		err = afterBody(err, bodyDue)
		w.sent++
		j.server = w.conn.Server()
		// Stage MAIL or before: the body was not due, so whether an
		// attempt is on record does not matter (a redial reuses it).
		if reused && free && (idleDrop(err) || w.endedForErrors(err)) && r.inflight.Err() == nil {
			// The server dropped the idle connection, or ended a
			// session that collected error replies; nothing of this
			// message was sent, so the redial does not spend a retry.
			free = false
			w.drop()
			continue
		}
		break
	}
	w.noteErrors(d, err)
	j.attempts++
	var txe *TxError
	switch {
	case err == nil:
	case ConnBroken(err):
		w.drop()
	case errors.As(err, &txe) && txe.Stage == StagePrepare:
	default:
		w.needReset = true
	}
	r.applyOutcome(j, d, err)
}

// idleDrop reports whether err, the end of a try on a reused connection,
// is the server having dropped the connection while it was idle, before
// it could have taken anything of the message (stage MAIL or before): the
// connection broke, or the server said 421 without asking the sender to
// slow down. The message then goes again at once on a new connection,
// without spending a retry. A 421 4.7.0 "try again later" is throttling,
// which the retry path answers (a lower rate, a wait), and a 421 that
// says the sending quota is used up stops the run. A panic of the
// transport (errTransportPanic) is no drop of the server's.
func idleDrop(err error) bool {
	var txe *TxError
	if err == nil || !ConnBroken(err) || !errors.As(err, &txe) || txe.Stage > StageMail || txe.Ambiguous() || errors.Is(err, errTransportPanic) {
		return false
	}
	class := Classify(err)
	return class != ClassThrottled && class != ClassQuota
}
