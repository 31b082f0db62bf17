package sendpool

import "errors"

// sessionErrorsMost is how many error replies a connection may collect
// since the server last took a message on it before the worker ends it
// (QUIT) after its transaction and goes on with a fresh one. Postfix
// counts a session's error replies (a refused MAIL, RCPT or DATA, the
// DATA of a transaction with no valid recipient) and forgives them only
// when it takes a message (smtpd's data_cmd; not at RSET): past
// smtpd_soft_error_limit (default 10) it delays every reply by
// smtpd_error_sleep_time (default 1 s), and at smtpd_hard_error_limit
// (default 20) it ends the session with "421 4.7.0 … Error: too many
// errors". A list with many unknown users, or many domains a relay
// refuses, met both: 25 such rows took 45 s. 6 stays under the soft
// limit with room for the replies of the transactions in flight behind
// the one counted (pipelining) and of a message's several recipients.
const sessionErrorsMost = 6

// noteErrors counts the error replies of a try on the worker's
// connection that ended with d and err (errored): none once the server
// took the message, which forgives the session's earlier ones; otherwise
// one for each recipient refused and one for the transaction (its MAIL,
// DATA or BDAT refused), more than some servers count, never fewer; none
// for a message refused before anything of it was sent (StagePrepare:
// larger than SIZE, SMTPUTF8 not offered), which the server never saw,
// nor for a panic of the transport (errTransportPanic), the server's
// words or not.
func (w *poolWorker) noteErrors(d *Delivery, err error) {
	if err == nil {
		w.errs = 0
		return
	}
	if txe := (*TxError)(nil); errors.As(err, &txe) && txe.Stage == StagePrepare || errors.Is(err, errTransportPanic) {
		return
	}
	for _, rr := range d.Rcpts {
		if rr.Err != nil {
			w.errs++
		}
	}
	w.errs++
}

// errored reports whether the worker's connection collected enough error
// replies (sessionErrorsMost) to be replaced before its next transaction:
// never once the server refused a connection as one too many
// (connLimited; Postfix anvil's smtpd_client_connection_rate_limit), as a
// list of unknown users would have the run dial every few rows, and
// each dial past the limit is refused and waited out, where the error
// tarpit delays a reply by a second and its 421 is one redial.
func (w *poolWorker) errored() bool {
	return w.errs >= sessionErrorsMost && !w.r.connLimited.Load()
}

// endedForErrors reports whether err, the end of a try on a connection
// that had collected error replies (w.errs > 0), is the server ending
// that session rather than throttling the run: a 421 (Postfix's "421
// 4.7.0 … Error: too many errors" at smtpd_hard_error_limit, whatever the
// limit is set to, which it says to a command) or a dropped connection,
// before the message's body went (stage DATA or before). The message then
// goes again at once on a fresh connection, as after an idle
// connection's drop (idleDrop), without lowering the rate; a second such
// end is taken as its reply says. A 421 to the end of the body (the final
// dot, BDAT … LAST) or a drop while it was written is taken as its reply
// says too: the body went, its journal attempt stands, and a try is spent.
// So is a failed journal attempt (ErrJournal), which drops the connection
// so the body is not sent, and stops the run, and a panic of the
// transport (errTransportPanic), a fault of this program's that the
// server's tarpit has nothing to do with: a try spent, as a temporary
// failure.
func (w *poolWorker) endedForErrors(err error) bool {
	var txe *TxError
	if w.errs == 0 || !ConnBroken(err) || !errors.As(err, &txe) || txe.Stage >= StageBody || errors.Is(err, ErrJournal) || errors.Is(err, errTransportPanic) {
		return false
	}
	return Classify(err) != ClassQuota
}
