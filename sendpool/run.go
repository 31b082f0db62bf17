package sendpool

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"
)

// poolRun is the state of one Run.
type poolRun struct {
	p        *Pool
	onResult func(Result)
	inflight context.Context // cancelled only by Abort
	// record is the context of the journal's results: never cancelled,
	// as a reply the server gave is recorded however the run ends (an
	// Abort cuts the network, not the record of what it already said).
	record  context.Context
	haltCtx context.Context // cancelled by ctx, a stop error or Abort
	halt    context.CancelFunc
	// runCtx is Run's ctx. haltCtx follows it through context.AfterFunc,
	// which runs on its own goroutine; halted also reads runCtx, so a
	// Ctrl-C is seen the moment it happens.
	runCtx  context.Context
	jobs    chan *poolJob
	retries chan *poolJob
	// pacer is the source's pace for retries, when it has one.
	pacer RetryPacer
	// slots holds a token for every message taken and not yet finished
	// (see maxUnfinished), bytes their weights (see messageWeight).
	slots chan struct{}
	bytes *semaphore.Weighted
	// waiting is the data held by messages waiting for a retry (see
	// Config.RetryKeep).
	waiting  atomic.Int64
	finals   chan finalResult // to the finishers
	recorded chan Result      // from the finishers to the callbacks

	resMu    sync.Mutex // serializes onResult
	notifyMu sync.Mutex // serializes Notify

	mu           sync.Mutex
	outstanding  int
	dispatchDone bool
	done         chan struct{}
	stopErr      error
	stopCause    string
	srcErr       error
	redial       redialState
	abortedFlag  atomic.Bool
	// connected is set by the run's first connection.
	connected atomic.Bool
	// connLimited is set once the server refused a connection as one too
	// many (IsConnectionCap): sessions are then no longer replaced for
	// their error replies (see poolWorker.errored).
	connLimited atomic.Bool
	// took counts the recipients the server accepted (noteTook), and
	// throttles the throttling replies, for telling a throttling reply
	// one row alone meets (throttledRun).
	took, throttles atomic.Int64
	// relaysOut is set once the run holds that the server relays for
	// this client (noteRelayed, relayDecided); relayed is closed then
	// (relayKnown).
	relaysOut atomic.Bool
	relayed   chan struct{}
	relayOnce sync.Once
	// relayFirst is the first refusal to relay while relaysOut was not
	// set, relayRefused each recipient domain refused to relay to, by
	// its first refusal (noteRelayRefused), relayTaken the domains
	// outside the sender's it took, in this run or earlier ones,
	// relayNow whether this run saw it take one
	// (noteRelayed); held counts the messages held for an answer
	// (hold), under mu.
	relayMu      sync.Mutex
	relayFirst   *SMTPError
	relayRefused map[string]relayRefusal
	relayTaken   map[string]bool
	relayTook    map[string]bool // the domains it took an address of in this run (noteTook)
	relayNow     bool
	held         int
	// conns counts the open connections, dialing the dials under way;
	// workers counts the workers still taking messages (see
	// poolWorker.givesUpPlace).
	conns, dialing, workers atomic.Int32
	// mostConns is the most connections open at once (connected);
	// capped is set once a worker gave up its place to a refusal that
	// says it is one connection too many of the sender's (placeNotice).
	mostConns atomic.Int32
	capped    atomic.Bool
	// refused counts the refusals that made workers give up their
	// places, by kind (placeNotice).
	refused refusals

	workersWG, finishersWG sync.WaitGroup
	callbacksDone          chan struct{}

	// unrecorded holds the rows whose results the journal could not
	// record (journalFailed), under mu; nil: none.
	unrecorded *UnrecordedError
}

// notify hands n to Config.Notify, one call at a time, on the caller's
// goroutine (see Config.Notify: it must not wait).
func (r *poolRun) notify(n Notice) {
	if r.p.cfg.Notify == nil {
		return
	}
	r.notifyMu.Lock()
	defer r.notifyMu.Unlock()
	r.p.cfg.Notify(n)
}

// halted reports whether the run stops dispatching: Run's context was
// cancelled, a stop error came, or Abort was called.
func (r *poolRun) halted() bool {
	return r.runCtx.Err() != nil || r.haltCtx.Err() != nil
}

// setStop records why the run stops and halts it. The first cause is
// what unsent messages are told; the first error is what Run returns (an
// error after an interruption, such as a failing journal, still counts).
func (r *poolRun) setStop(err error, cause string) {
	r.mu.Lock()
	if r.stopCause == "" {
		r.stopCause = cause
	}
	if r.stopErr == nil && err != nil {
		r.stopErr = err
	}
	r.mu.Unlock()
	r.halt()
}

// stopFor stops the run for err, whose Reason is also what unsent
// messages are told.
func (r *poolRun) stopFor(err error) {
	r.setStop(err, StopUnsent(Reason(err)))
}

// recordResult records res, a result of j, in the journal: j's try
// whose body went then has its result (poolJob.bodyOpen).
func (r *poolRun) recordResult(j *poolJob, res Result) error {
	err := r.p.journal.Result(r.record, j.msg, res)
	if err == nil {
		j.bodyOpen.Store(false)
	}
	return err
}

// journalFailed stops the run because recording a result of j failed
// (err). When a try of j's body went, its attempt on record without a
// result (poolJob.bodyOpen), which the journal reads back as unknown, j's
// row joins the run's UnrecordedError, and journalFailed reports true:
// j's final Result says unknown too (unrecordedResult).
func (r *poolRun) journalFailed(j *poolJob, err error) (unknown bool) {
	row := j.msg.Row
	stop := journalStop(row, err)
	r.mu.Lock()
	if unknown = j.bodyOpen.Load(); unknown {
		if r.unrecorded == nil {
			r.unrecorded = &UnrecordedError{Row: row, Err: err}
		}
		if !slices.Contains(r.unrecorded.Rows, row) {
			r.unrecorded.Rows = append(r.unrecorded.Rows, row)
		}
		stop = journalStop(r.unrecorded.Row, r.unrecorded)
	}
	r.mu.Unlock()
	r.setStop(stop, StopUnsent("the journal failed"))
	return unknown
}

// journalStop is the stop of a run whose journal failed (err) to record
// a result of row: a *StopError of ErrJournal naming the row. err is the
// run's UnrecordedError when a row's result is unknown for it.
func journalStop(row int, err error) *StopError {
	return &StopError{Kind: ErrJournal, Detail: fmt.Sprintf("recording row %d", row), Err: err}
}

// unrecordedResult is res, a final result the journal could not record
// (err) of a message tried in this run, as the journal reads it back:
// unknown, the server perhaps holding it.
func unrecordedResult(res Result, err error) Result {
	res.Status, res.Code, res.EnhancedCode = StatusUnknown, 0, EnhancedCode{}
	res.Detail = "its result could not be recorded, so whether the message arrived is unknown from now on (not sent again unless --resend-unknown): " + OneLine(Reason(err))
	res.Recipients = slices.Clone(res.Recipients)
	for i, rr := range res.Recipients {
		if rr.Status == StatusSent {
			res.Recipients[i].Status = StatusUnknown
		}
	}
	return res
}

// stopWith stops the run for a *StopError of kind, with detail and the
// cause err (either may be empty).
func (r *poolRun) stopWith(kind error, detail string, err error) {
	r.stopFor(&StopError{Kind: kind, Detail: detail, Err: err})
}

// cause is what unsent messages are told: why the run stopped. An
// interrupt is told, and recorded, as one also before the AfterFunc that
// records it has run (a worker can see the context end first).
func (r *poolRun) cause() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopCause == "" && r.runCtx.Err() != nil {
		r.stopCause = endCause(r.runCtx) // as the AfterFunc will, first
	}
	if r.stopCause == "" {
		return "run stopped"
	}
	return r.stopCause
}

func (r *poolRun) add() {
	r.mu.Lock()
	r.outstanding++
	r.mu.Unlock()
}

// finished is called after a job's final result was delivered.
func (r *poolRun) finished() {
	<-r.slots
	r.mu.Lock()
	r.outstanding--
	r.checkDone()
	alone := r.heldAlone()
	r.mu.Unlock()
	if alone {
		r.relayDecided()
	}
}

// checkDone closes done when nothing is left; r.mu is held.
func (r *poolRun) checkDone() {
	if r.dispatchDone && r.outstanding == 0 {
		select {
		case <-r.done:
		default:
			close(r.done)
		}
	}
}

// maxUnfinished bounds the messages a run holds at once (taken from the
// source and not yet finished): those in flight, in the finishers and the
// pipelined look-ahead, and those waiting for a retry. Without a bound a
// relay that defers everything would have the run take the whole campaign
// into memory, a goroutine and a timer each, while they wait.
func maxUnfinished(concurrency int) int { return 1024 + 64*concurrency }

// maxUnfinishedBytes bounds the data of the messages a run has taken and
// not yet finished, besides those waiting for a retry (see schedule and
// retryKeepBytes), as
// maxUnfinished bounds their number: newsletters never reach it, while
// messages with a large attachment would otherwise wait by the dozen in
// the workers' queue when a rate limit or a slow server holds them.
const maxUnfinishedBytes = 64 << 20

// messageWeight is what a message of size bytes holds of
// maxUnfinishedBytes: its size, at most a (concurrency+1)th of the bound,
// so that every connection has a message and one more waits, whatever
// their size.
func messageWeight(size, concurrency int) int64 {
	return min(int64(size), maxUnfinishedBytes/int64(concurrency+1))
}

// takeBytes waits until j's message fits under maxUnfinishedBytes and
// takes its weight, which the finisher gives back; false when the run
// halted first.
func (r *poolRun) takeBytes(j *poolJob) bool {
	w := messageWeight(j.size, r.p.cfg.Concurrency)
	if err := r.bytes.Acquire(r.haltCtx, w); err != nil {
		return false
	}
	j.weight = w
	return true
}

func (r *poolRun) dispatch(src Source) {
	defer func() {
		close(r.jobs)
		r.mu.Lock()
		r.dispatchDone = true
		r.checkDone()
		alone := r.heldAlone()
		r.mu.Unlock()
		if alone {
			r.relayDecided()
		}
	}()
	for !r.halted() {
		select {
		case r.slots <- struct{}{}:
		case <-r.haltCtx.Done():
			return
		}
		m, err := src.Next(r.haltCtx)
		if err != nil || m == nil {
			<-r.slots // nothing taken
		}
		if errors.Is(err, io.EOF) {
			return
		}
		if err == nil && m == nil {
			err = errors.New("source returned a nil message")
		}
		if err != nil {
			r.sourceFailed(err)
			return
		}
		j := newPoolJob(m)
		r.add()
		if len(j.rcpts) == 0 {
			r.finish(j)
			continue
		}
		due := r.p.cfg.RetryDue.take(m.Key)
		if wait := due.Sub(r.p.clock.Now()); wait > 0 {
			// A run before this one left it waiting for a retry: it
			// waits on as a retry does, and takes its domain's turn
			// (RetryPacer) when it is due, as a retry does.
			j.paced = -1
			r.notify(waitNotice(j, NoticeWait, due, ""))
			r.schedule(j, wait)
			continue
		}
		if !r.takeBytes(j) {
			r.finishStopped(j)
			continue
		}
		select {
		case r.jobs <- j:
		case <-r.haltCtx.Done():
			r.finishStopped(j)
		}
	}
}

// finishers is how many finishers run per connection; callbackQueue is
// how many recorded results may wait for the Run callback. Each finisher
// waits for one result to become durable, so finishers per connection bound
// how many of its results one journal batch can carry: the journal spaces
// its fsyncs (about a millisecond apart) and a fast connection turns over
// several messages in that time (2 per connection held a loopback run of 8
// connections to 10,000 messages/s; 16 let it reach 28,000, bench/). A
// waiting finisher is a parked goroutine, nothing more. Results not yet in
// the journal are what a crash would report unknown although the server
// took them; results waiting for the callback are already durable.
const (
	finishers     = 16
	callbackQueue = 4096
)

// finalResult is a job's final result on its way to the journal and the
// Run callback.
type finalResult struct {
	j   *poolJob
	res Result
}

// finish hands the job's final result to the finishers. The connection
// that carried the job goes on at once: recording the result (a journal
// fsync) and the callback (which may rewrite a report) do not hold up the
// next transaction.
func (r *poolRun) finish(j *poolJob) {
	r.finals <- finalResult{j: j, res: r.result(j, true)}
}

// finisher records final results in the journal and passes them on to
// the callbacks. Several run per connection, so the journal's group commit
// batches their records; none waits for the Run callback, so a slow one (a
// report rewrite) does not keep results from becoming durable.
func (r *poolRun) finisher() {
	for f := range r.finals {
		if err := r.recordResult(f.j, f.res); err != nil && r.journalFailed(f.j, err) {
			f.res = unrecordedResult(f.res, err)
		}
		r.bytes.Release(f.j.weight)
		r.recorded <- f.res
	}
}

// callbacks calls the Run callback with each recorded result, one call at
// a time.
func (r *poolRun) callbacks() {
	for res := range r.recorded {
		if r.onResult != nil {
			r.resMu.Lock()
			r.onResult(res)
			r.resMu.Unlock()
		}
		r.finished()
	}
}

// finishStopped ends a job the run will not (or no longer) try.
func (r *poolRun) finishStopped(j *poolJob) {
	for _, a := range j.rcpts {
		for i := range j.recips {
			if j.recips[i].Address == a && j.recips[i].Status != StatusFailed && j.recips[i].Status != StatusDeferred {
				j.recips[i].Status = StatusNotAttempted
			}
		}
	}
	j.detail = r.cause()
	switch {
	case j.attempts == 0 && j.detail == Interrupted:
		j.detail = InterruptedUnsent
	case j.attempts > 0:
		j.detail += beforeNextTry
		if j.decisive == nil && j.lastDetail != "" {
			j.detail += "; last try: " + j.lastDetail
		}
	}
	r.finish(j)
}

// sourceFailed stops the run for err, the source's (or Refetch's), unless
// it is halted already.
func (r *poolRun) sourceFailed(err error) {
	if r.halted() {
		return
	}
	r.mu.Lock()
	if r.srcErr == nil {
		r.srcErr = err
	}
	r.mu.Unlock()
	r.setStop(nil, StopUnsent("the message source failed"))
}

// retryKeepBytes is the default of Config.RetryKeep, which bounds the
// data that messages waiting for a retry keep in memory when the run can
// refetch it (Config.Refetch): a newsletter's deferred messages keep
// theirs, while a few with a large attachment fill it and the rest wait
// without their data. Without Refetch waiting messages are bounded by
// maxUnfinished only.
const retryKeepBytes = 16 << 20

// schedule hands j back to the workers after d, and when j was tried and
// the source paces retries (RetryPacer), once it lets j go.
func (r *poolRun) schedule(j *poolJob, d time.Duration) {
	// A message waiting for its retry gives its weight back: held, it
	// would keep new messages from every idle connection until its timer
	// (greylisted recipients, a full mailbox). It takes it again when
	// its retry is due (see unpark).
	r.bytes.Release(j.weight)
	j.weight = 0
	var kept int64
	var t Timer
	if d > 0 { // a message handed back at once keeps its data
		kept = r.park(j)
		t = r.p.clock.NewTimer(d)
		j.due = r.p.clock.Now().Add(d)
	}
	go func() {
		if t != nil {
			select {
			case <-t.C():
			case <-r.haltCtx.Done():
				t.Stop()
				r.waiting.Add(-kept)
				r.p.cfg.RetryDue.set(j.msg.Key, j.due) // for the next run
				r.finishStopped(j)
				return
			}
		}
		j.due = time.Time{}
		if r.pacer != nil && j.attempts > j.paced {
			// A retry takes a turn of its own; a message handed on
			// untried since its last turn (its worker's dial was
			// refused) had it.
			if err := r.pacer.PaceRetry(r.haltCtx, j.rcpts); err != nil {
				r.waiting.Add(-kept)
				r.finishStopped(j)
				return
			}
			j.paced = j.attempts
		}
		r.requeue(j, kept)
	}()
}

// requeue hands j, parked (park) with kept bytes of data and due to go
// again, back to the workers (unpark), or finishes it as the stop leaves
// it when the run halted first.
func (r *poolRun) requeue(j *poolJob, kept int64) {
	if !r.unpark(j, kept) {
		r.finishStopped(j)
		return
	}
	select {
	case r.retries <- j:
	case <-r.haltCtx.Done():
		r.finishStopped(j)
	}
}

// park lets go of the data of j, about to wait for a retry, when the run
// can refetch it and keeping it would take the data of the waiting
// messages past Config.RetryKeep. It returns the bytes kept, counted in
// r.waiting until unpark. j.msg stays the same pointer (the journal's
// Recorder knows a message's tries by it).
func (r *poolRun) park(j *poolJob) (kept int64) {
	if r.p.cfg.Refetch == nil {
		return 0
	}
	n := int64(j.size)
	if r.waiting.Add(n) <= r.p.cfg.RetryKeep {
		return n
	}
	r.waiting.Add(-n)
	j.msg.Data, j.parked = nil, true // j's own copy (newPoolJob): same pointer for every try
	return 0
}

// unpark readies j, whose retry is due, to go back to the workers: it
// takes j's byte weight again, then its data if park let it go. False when
// the run halted first or the refetch failed, which stops the run (the
// message is journaled as deferred, so a later run tries it). Kept data
// counts as waiting until j holds its weight again.
func (r *poolRun) unpark(j *poolJob, kept int64) bool {
	took := r.takeBytes(j)
	r.waiting.Add(-kept)
	if !took {
		return false
	}
	if !j.parked {
		return true
	}
	data, err := r.p.cfg.Refetch(r.haltCtx, j.msg)
	if err == nil && len(data) != j.size {
		err = fmt.Errorf("%d bytes where the message had %d", len(data), j.size)
	}
	if err != nil {
		r.sourceFailed(fmt.Errorf("refetching the message of row %d: %w", j.msg.Row, err))
		return false
	}
	j.msg.Data, j.parked = data, false
	return true
}

// backoff is the delay before retry n (1-based): base·2^(n-1), ×0.5–1.5.
func (r *poolRun) backoff(n int) time.Duration {
	d := r.p.cfg.RetryBackoff << min(n-1, 10)
	return time.Duration(float64(d) * (0.5 + rand.Float64()))
}

// throttle cuts the run's rate for a reply that asks to slow down
// (reason): the notice says the cut is the pool's own (Notice.Own) when
// the server took nothing since the limiter's last, in this run or a
// run before that shared the limiter (Limiter.Cut).
func (r *poolRun) throttle(reason string) {
	if c := r.p.lim.Cut(); c.Changed {
		r.notify(Notice{Kind: NoticeThrottle, Rate: c.Rate, Was: c.Was, Own: c.Own, Text: fmt.Sprintf("the server asks to slow down (%s): rate now %s", reason, RateText(c.Rate))})
	}
}
