package sendpool

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/semaphore"
)

// Pool delivers rendered messages over at most Concurrency connections at
// a shared rate, retrying temporary failures and classifying every outcome.
// A Pool runs one Run at a time.
type Pool struct {
	cfg     Config
	dialer  Dialer
	lim     *Limiter
	clock   Clock
	journal Journal
	server  string

	abortOnce sync.Once
	aborted   chan struct{}
	running   atomic.Bool
	// current is the Run under way, for Stop; nil between runs.
	current atomic.Pointer[poolRun]
}

// New checks cfg and fills in its defaults. The settings warnings of the
// Dialer (certificate checks off, plaintext) are sent to cfg.Notify when
// Run starts.
func New(cfg Config) (*Pool, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	p := &Pool{cfg: cfg, dialer: cfg.Dialer, clock: cfg.Clock, journal: cfg.Journal,
		server: cfg.Dialer.Server(), aborted: make(chan struct{})}
	p.lim = cfg.Limiter
	if p.lim == nil {
		p.lim = NewLimiter(cfg.Rate, cfg.Burst, cfg.Clock)
	}
	return p, nil
}

// Limiter is the pool's shared limiter.
func (p *Pool) Limiter() *Limiter { return p.lim }

// Abort cuts a Run short (a second Ctrl-C): connections are closed at once;
// a message whose body was already sent is reported unknown, the others
// not-attempted. After Abort the Pool is spent. Safe to call from any
// goroutine, more than once.
func (p *Pool) Abort() { p.abortOnce.Do(func() { close(p.aborted) }) }

// Stop stops the Run under way for err, as a refused login does: nothing
// more is dispatched, messages in flight finish, the others get their
// Result at once (not attempted, told err's reason), and Run returns err.
// It does nothing when no Run is under way. Safe to call from any
// goroutine, also from the Run callback.
func (p *Pool) Stop(err error) {
	if r := p.current.Load(); r != nil {
		r.stopFor(err)
	}
}

// Run delivers every message src yields and calls onResult (which may be
// nil) once with the final Result of each, never concurrently.
//
// Cancelling ctx (Ctrl-C) stops dispatching: messages in flight finish on a
// context that only Abort cancels, messages waiting for a retry and any
// handed in but not started get their Result at once, and Run returns an
// error wrapping ErrInterrupted. Every message Next returned gets exactly one
// Result; the caller accounts for the ones never taken from its source.
//
// Run returns nil when the source was exhausted and every message has a
// Result (whatever its status). It returns early, after in-flight messages
// finish, with an error that stops the run: *AuthError (errors.Is ErrAuth),
// *TLSError (ErrTLS), a *StopError about ErrUnreachable, ErrServerLacks or
// ErrJournal, the source's error, or ErrInterrupted / ErrAborted.
func (p *Pool) Run(ctx context.Context, src Source, onResult func(Result)) error {
	if !p.running.CompareAndSwap(false, true) {
		return errors.New("sendpool: Run called while another Run of the same Pool is running")
	}
	defer p.running.Store(false)
	r, stop := p.newRun(ctx, onResult)
	defer stop()
	r.pacer, _ = src.(RetryPacer)
	p.current.Store(r)
	defer p.current.Store(nil)
	for _, w := range p.dialer.Warnings() {
		r.notify(Notice{Kind: NoticeWarning, Text: w})
	}
	r.start()
	r.dispatch(src)
	r.wait()
	if r.capped.Load() {
		r.notify(Notice{Kind: NoticeHeld, Conns: int(r.mostConns.Load())})
	}
	return r.err(ctx)
}

// newRun sets up the state of one Run; stop releases what it holds.
func (p *Pool) newRun(ctx context.Context, onResult func(Result)) (r *poolRun, stop func()) {
	inflight, cancelInflight := context.WithCancel(context.WithoutCancel(ctx))
	haltCtx, halt := context.WithCancel(inflight)
	n := p.cfg.Concurrency
	r = &poolRun{
		p:        p,
		onResult: onResult,
		inflight: inflight,
		record:   context.WithoutCancel(ctx),
		haltCtx:  haltCtx,
		halt:     halt,
		runCtx:   ctx,
		jobs:     make(chan *poolJob, 2*n),
		retries:  make(chan *poolJob),
		slots:    make(chan struct{}, maxUnfinished(n)),
		bytes:    semaphore.NewWeighted(maxUnfinishedBytes),
		finals:   make(chan finalResult, n),
		recorded: make(chan Result, callbackQueue),
		done:     make(chan struct{}),
		relayed:  make(chan struct{}),
	}
	stopInterrupt := context.AfterFunc(ctx, func() {
		r.setStop(nil, endCause(ctx))
		halt()
	})
	go func() {
		select {
		case <-p.aborted:
			r.abortedFlag.Store(true)
			r.setStop(nil, "run aborted")
			cancelInflight()
		case <-r.done:
		}
	}()
	return r, func() {
		stopInterrupt()
		halt()
		cancelInflight()
	}
}

// endCause is what unsent messages are told when ctx, Run's, has ended:
// Interrupted, unless its deadline passed, which is no interrupt: the
// deadline's cause, which says what ended (a part of a long send whose
// time ran out: the run may go on with a next part, so "run stopped"
// would not be true), or StopUnsent of the deadline's error for a
// deadline given no cause.
func endCause(ctx context.Context) string {
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return Interrupted
	}
	cause := context.Cause(ctx)
	if cause == context.DeadlineExceeded {
		return StopUnsent(OneLine(cause.Error()))
	}
	return OneLine(cause.Error())
}

// start starts the finishers, the callback goroutine and the workers.
func (r *poolRun) start() {
	n := r.p.cfg.Concurrency
	for i := 0; i < finishers*n; i++ {
		r.finishersWG.Add(1)
		go func() {
			defer r.finishersWG.Done()
			r.finisher()
		}()
	}
	r.callbacksDone = make(chan struct{})
	go func() {
		defer close(r.callbacksDone)
		r.callbacks()
	}()
	r.workers.Store(int32(n))
	for i := 0; i < n; i++ {
		r.workersWG.Add(1)
		go func() {
			defer r.workersWG.Done()
			(&poolWorker{r: r}).loop()
		}()
	}
}

// wait waits until every job is finished and every result passed on.
func (r *poolRun) wait() {
	r.workersWG.Wait()
	// Every job is finished (done is closed), so nothing is sent on
	// finals or recorded any more.
	close(r.finals)
	r.finishersWG.Wait()
	close(r.recorded)
	<-r.callbacksDone
}

// withUnrecorded is err, the run's stop, with the run's UnrecordedError
// (r.mu held): a stop the journal's failure to record a result did not
// make itself (the next row's attempt, which the same full disk failed
// first, or another cause) loses the rows it left unknown otherwise. A
// stop of the journal gives way to it; another stays first.
func (r *poolRun) withUnrecorded(err error) error {
	u := r.unrecorded
	if u == nil {
		return err
	}
	slices.Sort(u.Rows)
	if errors.As(err, new(*UnrecordedError)) {
		return err
	}
	stop := journalStop(u.Row, u)
	if errors.Is(err, ErrJournal) {
		return stop
	}
	return errors.Join(err, stop)
}

// err is what Run returns once the run is over.
func (r *poolRun) err(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.stopErr != nil:
		return r.withUnrecorded(r.stopErr)
	case r.abortedFlag.Load():
		return ErrAborted
	case ctx.Err() != nil:
		return fmt.Errorf("%w: %w", ErrInterrupted, context.Cause(ctx))
	case r.srcErr != nil:
		return fmt.Errorf("sendpool: reading the messages: %w", r.srcErr)
	}
	return nil
}
