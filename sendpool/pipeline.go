package sendpool

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// errStopped is BeforeBody's refusal to start the body of a transaction
// that was begun behind another one (its commands went out early) once the
// run is halted: its message is not in flight yet, so it is reported
// not-attempted, as a message never dispatched is. A transaction begun
// with nothing ahead of it finishes, as in the plain exchange.
var errStopped = errors.New("run stopped before the message body was sent")

// prefetch is the most messages a pipelined worker takes beyond those in
// flight, to record their journal attempts while the transactions before
// them are on the wire: an attempt must be durable (an fsync) before its
// body is written, and waiting for each in turn adds the fsync to every
// message's round trip. The price is that a crash leaves these messages
// with an attempt and no result, reported unknown on resume although they
// were never sent; so a worker takes ahead only as far as it pays (see
// poolWorker.ahead): none while attempts cost under a twentieth of a
// transaction (a distant server), one while they cost under half of one
// (a relay that keeps its own queue on disk), prefetch only when the
// journal is the bottleneck (a sink that answers at once: the journal
// spaces its fsyncs a millisecond apart, and a worker turns over several
// transactions in that time). Measured in process, 8 connections to the
// bench's sink: prefetch 2 reached about 10,000 messages/s with the spaced
// journal, 8 about 28,000 (17,000 with back-to-back fsyncs); a SIGKILL then
// leaves about 20 recipients unknown per kill at 4 connections (7 with 2).
const prefetch = 8

// pipedTry is one try of a job on a pipelined connection.
type pipedTry struct {
	j      *poolJob
	tx     *Tx
	p      Pending
	server string
	reused bool // begun on a connection that had carried transactions
	queued bool // begun while another transaction was in flight
	free   bool // a redial after a dead connection is still free
	// bodyDue: BeforeBody let the body go in this begin (afterBody).
	bodyDue bool
	// attemptDone is closed when the journal attempt returned, with
	// attemptErr its error and attemptTook its duration; nil until the
	// attempt is started.
	attemptDone chan struct{}
	attemptErr  error
	attemptTook time.Duration
	begun       time.Time // when Begin was called
	// waited is how long the transaction waited for its journal attempt
	// (not part of the transaction's own time).
	waited time.Duration
}

func (w *poolWorker) newTry(j *poolJob) *pipedTry {
	r := w.r
	f := &pipedTry{j: j, free: true}
	f.tx = &Tx{Msg: j.msg, Rcpts: j.rcpts, BeforeBody: func(ctx context.Context) error {
		if f.queued && r.halted() {
			return errStopped
		}
		w.startAttempt(f)
		waitFrom := time.Now()
		select {
		case <-f.attemptDone:
		case <-ctx.Done():
			return ctx.Err()
		}
		f.waited = time.Since(waitFrom)
		w.attemptAvg = ewma(w.attemptAvg, f.attemptTook)
		if f.attemptErr != nil {
			return fmt.Errorf("%w: recording the attempt for row %d: %w", ErrJournal, j.msg.Row, f.attemptErr)
		}
		f.bodyDue = true
		j.bodyOpen.Store(true)
		return nil
	}}
	return f
}

// startAttempt starts recording f's attempt in the journal, in the
// background; BeforeBody waits for it before the body goes out.
func (w *poolWorker) startAttempt(f *pipedTry) {
	if f.attemptDone != nil {
		return
	}
	r := w.r
	f.attemptDone = make(chan struct{})
	go func() {
		defer close(f.attemptDone)
		defer func() {
			// A panicking Journal fails the attempt, as it would in
			// BeforeBody under safeSend, instead of the process.
			if v := recover(); v != nil {
				f.attemptErr = fmt.Errorf("journal panic: %v", v)
			}
		}()
		start := time.Now()
		f.attemptErr = r.p.journal.Attempt(r.inflight, f.j.msg)
		f.attemptTook = time.Since(start)
	}()
}

// ahead says how many messages the worker takes beyond its window, and
// whether it starts each message's journal attempt as soon as it takes it
// (rather than when the body is due), from how long its attempts take
// against its transactions.
func (w *poolWorker) ahead() (extra int, early bool) {
	switch {
	case w.attemptAvg == 0 || w.txAvg == 0 || 20*w.attemptAvg <= w.txAvg:
		// Nothing is known of the transactions before the first ends
		// (a slow server would leave every message taken ahead unknown
		// after a crash while it answers the first).
		return 0, false
	case 2*w.attemptAvg <= w.txAvg:
		return 1, true
	default:
		return prefetch, true
	}
}

// ewma moves the average avg one eighth of the way to v.
func ewma(avg, v time.Duration) time.Duration {
	if avg == 0 {
		return v
	}
	return avg + (v-avg)/8
}

// mustDial says whether the worker dials before its next transaction:
// it has no connection, or the one it has carried its share, collected
// too many error replies or was left mid-transaction (see refresh).
func (w *poolWorker) mustDial() bool {
	return w.conn == nil || w.sent >= w.r.p.cfg.PerConnection || w.needReset || w.errored()
}

// withdraw takes back the journal attempts recorded ahead for the tries in
// todo, none of whose bodies went, before the worker dials: a dial can
// wait for minutes (a server down, a throttled or refused greeting), and a
// crash then would leave those messages unknown on resume though nothing
// of them reached a server. Each gets a result that ends its attempt
// unsent (not attempted, not final: the journal counts no try); the next
// attempt is recorded when its body is due on the new connection.
func (w *poolWorker) withdraw(todo []*pipedTry) {
	r := w.r
	for _, f := range todo {
		if f.attemptDone == nil {
			continue
		}
		f.awaitAttempt()
		if f.attemptErr == nil {
			if err := r.recordResult(f.j, r.withdrawn(f.j)); err != nil {
				r.journalFailed(f.j, err)
			}
		}
		f.attemptDone, f.attemptErr = nil, nil
	}
}

// awaitAttempt waits until f's journal attempt, if one was started,
// returned, so that the result recorded next comes after it in the
// journal.
func (f *pipedTry) awaitAttempt() {
	if f.attemptDone != nil {
		<-f.attemptDone
	}
}

// stop finishes f without trying it (the run stopped).
func (w *poolWorker) stop(f *pipedTry) {
	f.awaitAttempt()
	w.r.finishStopped(f.j)
}

// sendPipelined delivers j, whose limiter token is taken, over w.conn (a
// PipelinedConn) and, while that connection has room and more messages are
// ready at once, the ones after it: their commands go out before the
// outcome of the ones before them is known. Outcomes are handled in the
// order the transactions were begun, each as sendOne handles one. It never
// waits for a new message or a limiter token while a transaction is in
// flight (that would hold up a body the server is waiting for); a message
// taken without a token waits until the connection is idle. It returns when
// nothing is in flight, leaving the connection open for the next message.
func (w *poolWorker) sendPipelined(j *poolJob) {
	r := w.r
	todo := []*pipedTry{w.newTry(j)} // to begin, in order; tokens taken
	var q []*pipedTry                // in flight on w.conn, in order
	var held *poolJob                // taken without a token
	for {
		// Begin what may begin.
		for len(todo) > 0 {
			f := todo[0]
			if r.halted() {
				todo = popFront(todo)
				w.stop(f)
				continue
			}
			if len(q) > 0 && (w.dead || w.sent >= r.p.cfg.PerConnection || w.errored()) {
				break // replace the connection once nothing is in flight
			}
			if len(q) == 0 {
				if w.dead {
					w.drop()
				}
				f.awaitAttempt() // connect may finish the job
				if w.mustDial() {
					w.withdraw(todo)
				}
				if !w.connect(f.j) {
					todo = popFront(todo)
					continue
				}
			}
			pc, ok := w.conn.(PipelinedConn)
			if !ok {
				// The replacement connection does not pipeline.
				todo = popFront(todo)
				f.awaitAttempt() // connect may finish the job
				w.sendOne(f.j, f)
				continue
			}
			if len(q) >= pc.Window() {
				break
			}
			todo = popFront(todo)
			started, again := w.begin(pc, f, len(q) > 0)
			switch {
			case started:
				q = append(q, f)
			case again:
				todo = append([]*pipedTry{f}, todo...)
			}
		}
		if held == nil && len(q) > 0 && w.roomAhead(len(q), len(todo)) {
			if nj := w.tryJob(); nj != nil {
				if r.p.lim.tryTake() {
					todo = append(todo, w.takeAhead(nj))
				} else {
					held = nj
				}
				continue
			}
		}
		if len(q) > 0 {
			f := q[0]
			q = popFront(q)
			d, err := r.safeWait(f)
			if w.endTry(f, d, err) {
				todo = append([]*pipedTry{f}, todo...)
			}
			continue
		}
		if w.dead {
			w.drop()
		}
		if held != nil {
			nj := held
			held = nil
			if err := r.p.lim.Wait(r.haltCtx); err != nil {
				r.finishStopped(nj)
				continue
			}
			todo = append(todo, w.newTry(nj))
			continue
		}
		if len(todo) == 0 {
			return
		}
	}
}

// roomAhead says whether the worker takes the next message ready at once,
// with inFlight transactions on its connection and waiting to begin: the
// connection has room for it, or for preparing it (see prefetch), and can
// still begin it (a message taken ahead that waits for the next connection
// has its attempt withdrawn, see withdraw).
func (w *poolWorker) roomAhead(inFlight, waiting int) bool {
	r := w.r
	window := 0
	if pc, ok := w.conn.(PipelinedConn); ok {
		window = pc.Window()
	}
	extra, _ := w.ahead()
	return inFlight+waiting < window+extra && w.sent+waiting < r.p.cfg.PerConnection && !w.dead && !r.halted()
}

// takeAhead is the try of j, taken ahead with its limiter token, its
// journal attempt started at once when that pays (see ahead).
func (w *poolWorker) takeAhead(j *poolJob) *pipedTry {
	f := w.newTry(j)
	if _, early := w.ahead(); early {
		w.startAttempt(f)
	}
	return f
}

// popFront drops s's first element, clearing it: the backing array, which
// later appends reuse, must not keep a finished try (and its message's
// data, megabytes with an attachment) reachable.
func popFront(s []*pipedTry) []*pipedTry {
	s[0] = nil
	return s[1:]
}

// begin starts f on pc. started: f is in flight; otherwise its outcome was
// handled, and again says it is to be begun again at once (see outcome).
func (w *poolWorker) begin(pc PipelinedConn, f *pipedTry, queued bool) (started, again bool) {
	r := w.r
	if f.j.started.IsZero() {
		f.j.started = r.p.clock.Now()
	}
	f.reused, f.queued, f.server = w.sent > 0, queued, pc.Server()
	f.j.tryTook = r.took.Load()
	f.begun = time.Now()
	f.bodyDue = false
	w.sent++
	p, err := r.safeBegin(pc, f)
	if err != nil {
		return false, w.endTry(f, nil, err)
	}
	f.p = p
	return true, false
}

// endTry handles the end of one try on a pipelined connection as send
// does in the plain exchange. It reports whether f is to be begun again at
// once without spending a retry: the reused connection was dropped while
// idle (idleDrop).
func (w *poolWorker) endTry(f *pipedTry, d *Delivery, err error) bool {
	r := w.r
	j := f.j
	j.server = f.server
	err = afterBody(err, f.bodyDue)
	f.awaitAttempt()
	if !f.begun.IsZero() {
		w.txAvg = ewma(w.txAvg, time.Since(f.begun)-f.waited)
	}
	if d == nil {
		d = NewDelivery(f.tx)
	}
	if err != nil && ConnBroken(err) {
		w.dead = true
	}
	if errors.Is(err, errStopped) {
		r.finishStopped(j)
		return false
	}
	if f.reused && f.free && (idleDrop(err) || w.endedForErrors(err)) && r.inflight.Err() == nil {
		f.free = false
		return true
	}
	w.noteErrors(d, err)
	j.attempts++
	r.applyOutcome(j, d, err)
	return false
}

// tryJob takes a retry or a new message if one is ready at once; nil
// when none is, or the one taken waits for the server's answer on
// relaying (holdsBack).
func (w *poolWorker) tryJob() *poolJob {
	j := w.readyJob()
	if j != nil && w.r.holdsBack(j) {
		return nil
	}
	return j
}

// readyJob takes a retry or a new message if one is ready at once.
func (w *poolWorker) readyJob() *poolJob {
	select {
	case j := <-w.r.retries:
		return j
	default:
	}
	select {
	case j, ok := <-w.jobs:
		if !ok {
			w.jobs = nil
			return nil
		}
		return j
	default:
		return nil
	}
}
