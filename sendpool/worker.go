package sendpool

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// poolWorker owns at most one connection at a time.
type poolWorker struct {
	r         *poolRun
	jobs      chan *poolJob // r.jobs until it is closed, then nil
	conn      Conn
	sent      int // transactions on conn
	needReset bool
	errs      int  // error replies on conn since the server last took a message (noteErrors)
	dead      bool // conn failed; dropped once nothing is in flight on it
	retired   bool // gave up its place (see givesUpPlace) until rejoin
	// attemptAvg and txAvg are the average durations of the worker's
	// journal attempts and of its pipelined transactions (Begin to
	// outcome); see journalBound.
	attemptAvg, txAvg time.Duration
}

func (w *poolWorker) loop() {
	r := w.r
	defer w.drop()
	w.jobs = r.jobs
	for {
		// Retries first, so they are not starved by new messages.
		select {
		case j := <-r.retries:
			w.handle(j)
			if w.retired && !w.rejoin() {
				return
			}
			continue
		default:
		}
		select {
		case j := <-r.retries:
			w.handle(j)
		case j, ok := <-w.jobs:
			if !ok {
				w.jobs = nil
				continue
			}
			w.handle(j)
		case <-r.done:
			return
		}
		if w.retired && !w.rejoin() {
			return
		}
	}
}

// drop ends the worker's connection (politely when it is still usable).
func (w *poolWorker) drop() {
	if w.conn != nil {
		w.conn.Quit(w.r.inflight)
		w.conn, w.sent, w.needReset, w.errs = nil, 0, false, 0
		w.r.conns.Add(-1)
	}
	w.dead = false
}

// connect makes sure the worker has a usable connection for j: it replaces
// a connection that carried its share, resets one left mid-transaction and
// dials when there is none. It returns false when j was taken care of
// instead: finished (the run stopped) or handed to another worker (this
// one gave up its place).
func (w *poolWorker) connect(j *poolJob) bool {
	r := w.r
	for {
		if r.halted() {
			r.finishStopped(j)
			return false
		}
		if w.retired {
			r.schedule(j, 0) // another worker takes it
			return false
		}
		w.refresh()
		if w.conn != nil {
			return true
		}
		round, ok := r.dialTurn()
		if !ok {
			r.finishStopped(j)
			return false
		}
		r.dialing.Add(1)
		c, err := r.p.dialer.Dial(r.haltCtx)
		r.dialing.Add(-1)
		if err == nil {
			return w.connected(c, j)
		}
		if r.halted() {
			r.finishStopped(j)
			return false
		}
		if !w.dialAgain(j, round, err) {
			return false
		}
	}
}

// refresh drops the worker's connection when it carried its share of
// transactions or collected too many error replies (errored), or when it
// was left mid-transaction and RSET fails (a dead idle connection: it is
// redialed, no retry spent).
func (w *poolWorker) refresh() {
	if w.conn != nil && (w.sent >= w.r.p.cfg.PerConnection || w.errored()) {
		w.drop() // close the old one before dialing its replacement
	}
	if w.conn != nil && w.needReset {
		if err := w.conn.Reset(w.r.inflight); err != nil {
			w.drop()
		} else {
			w.needReset = false
		}
	}
}

// connected takes c as the worker's connection, unless its server lacks
// what the run needs (then the run stops and j is finished).
func (w *poolWorker) connected(c Conn, j *poolJob) bool {
	r := w.r
	if !r.offersNeeds(c) {
		c.Close()
		r.finishStopped(j)
		return false
	}
	r.dialSucceeded()
	w.conn, w.sent, w.needReset, w.errs = c, 0, false, 0
	for n := r.conns.Add(1); ; {
		most := r.mostConns.Load()
		if n <= most || r.mostConns.CompareAndSwap(most, n) {
			break
		}
	}
	r.connected.Store(true)
	return true
}

// dialAgain decides what a failed dial of round (see dialTurn) means: a
// setting to fix or a refusal that stops the run (j is finished), a
// worker giving up its place (j goes to another worker), or a failure to
// wait out before dialing again (it reports true; connect waits). Too
// many failed rounds in a row stop the run; each other round's first
// failure announces when the pool dials again, a wait the run waits out.
func (w *poolWorker) dialAgain(j *poolJob, round int, err error) bool {
	r := w.r
	if IsConnectionCap(err) {
		r.connLimited.Store(true)
	}
	err = r.outageError(err)
	if stop := r.dialStop(err); stop != nil {
		r.stopFor(stop)
		r.finishStopped(j)
		return false
	}
	if w.givesUpPlace(err) {
		w.retired = true
		r.notify(r.placeNotice(err))
		r.schedule(j, 0) // another worker takes it
		return false
	}
	if Classify(err) == ClassThrottled && !IsConnectionCap(err) {
		// A cap on connections at once, refused to a worker that
		// could not give its place up (it is the last, or none is
		// open), is about connections still counted on the server's
		// side: waiting answers it, a lower message rate does not.
		r.throttle(err.Error())
	}
	limit := max(3, r.p.cfg.Retries+2)
	n, at, counted := r.dialFailed(round, limit)
	switch {
	case !counted:
	case n >= limit:
		r.stopWith(ErrUnreachable, fmt.Sprintf("%d connection attempts in a row failed, last", n), err)
		r.finishStopped(j)
		return false
	default:
		r.notify(Notice{Kind: NoticeReconnect, Redial: at, Text: fmt.Sprintf("%v; connecting again in %s", err, WaitText(at.Sub(r.p.clock.Now())))})
	}
	return true
}

// dialStop returns the error a failed dial stops the run for, or nil when
// dialing again may help: a host name that does not exist (and was never
// reached: outageError), nothing
// answering on the run's first connection (host, port or security to
// fix, not a server that comes back in minutes), a feature the settings
// require and the server lacks, a refused login, a TLS failure, a used-up
// quota (ClassQuota), a 5xx greeting (the server will not serve this
// client).
func (r *poolRun) dialStop(err error) error {
	var de *DialError
	if errors.As(err, &de) {
		switch {
		case de.Kind == DialNotFound && r.reachedWhen() == "", de.Kind == DialUnsupported,
			de.Kind == DialNoAnswer && !r.connected.Load():
			return &StopError{Kind: ErrUnreachable, Err: de}
		}
	}
	switch Classify(err) {
	case ClassAuth:
		var ae *AuthError
		if errors.As(err, &ae) {
			return ae
		}
		var se *SMTPError
		errors.As(err, &se)
		return r.p.dialer.AuthError(se)
	case ClassTLS:
		return err
	case ClassQuota:
		var se *SMTPError
		errors.As(err, &se)
		return quotaStop(se)
	case ClassPermanent:
		return &StopError{Kind: ErrUnreachable, Detail: "the server refuses service", Err: err}
	}
	return nil
}

// offersNeeds reports whether c's server offers what the run's messages
// need; if not, it stops the run.
func (r *poolRun) offersNeeds(c Conn) bool {
	rows := r.p.cfg.SMTPUTF8Rows
	if len(rows) == 0 || c.OffersSMTPUTF8() {
		return true
	}
	need := "needs it for its non-ASCII address"
	if len(rows) > 1 {
		need = "need it for their non-ASCII addresses"
	}
	r.stopWith(ErrServerLacks, fmt.Sprintf("%s does not offer SMTPUTF8 (RFC 6531); %s %s; nothing was sent through it: fix or remove those rows, or send through a server that offers it",
		c.Server(), rowList(rows), need), nil)
	return false
}

// rowList names rows for a message: "row 7", "rows 2, 5 and 9", "rows 2,
// 5, 9, 12, 15 and 3 more".
func rowList(rows []int) string {
	const most = 5
	if len(rows) == 1 {
		return fmt.Sprintf("row %d", rows[0])
	}
	var names []string
	for _, n := range rows[:min(len(rows), most)] {
		names = append(names, strconv.Itoa(n))
	}
	if len(rows) > most {
		return fmt.Sprintf("rows %s and %d more", strings.Join(names, ", "), len(rows)-most)
	}
	return fmt.Sprintf("rows %s and %s", strings.Join(names[:len(names)-1], ", "), names[len(names)-1])
}

// rejoinAfter is how long a worker that gave up its place (see givesUpPlace)
// waits before it tries to connect again: the server's cap may have been
// reached because another client held connections for a while.
const rejoinAfter = 30 * time.Second

// rejoin waits rejoinAfter and takes the worker's place back; it returns
// false when the run ended first.
func (w *poolWorker) rejoin() bool {
	r := w.r
	t := r.p.clock.NewTimer(rejoinAfter)
	select {
	case <-t.C():
		w.retired = false
		r.workers.Add(1)
		return true
	case <-r.done:
	case <-r.haltCtx.Done():
	}
	t.Stop()
	return false
}

// givesUpPlace reports whether the worker gives up its place after its dial
// failed with err: a 4xx refusal of the connection (a server's cap on
// connections at once, 163's "421 HL:ICC") while other connections are
// open or being opened. The run goes on with one connection fewer instead
// of counting the refusal toward stopping; one worker always stays, and its
// refusals count as before (a server refusing everyone still stops the run).
func (w *poolWorker) givesUpPlace(err error) bool {
	var se *SMTPError
	if !errors.As(err, &se) || se.Code < 400 || se.Code >= 500 || w.r.conns.Load()+w.r.dialing.Load() == 0 {
		return false
	}
	for {
		n := w.r.workers.Load()
		if n <= 1 {
			return false
		}
		if w.r.workers.CompareAndSwap(n, n-1) {
			return true
		}
	}
}

func (w *poolWorker) handle(j *poolJob) {
	r := w.r
	if r.halted() {
		r.finishStopped(j)
		return
	}
	if r.holdsBack(j) {
		return
	}
	if err := r.p.lim.Wait(r.haltCtx); err != nil {
		r.finishStopped(j)
		return
	}
	if !w.connect(j) {
		return
	}
	if _, ok := w.conn.(PipelinedConn); ok {
		w.sendPipelined(j)
		return
	}
	w.sendOne(j, nil)
}
