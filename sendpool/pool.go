package sendpool

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
)

// Config configures a Pool.
type Config struct {
	// SMTP says how to reach the server; unused when Dialer is set.
	SMTP SMTPConfig
	// Rate is the shared limit in messages per second for the whole pool
	// (campaign.Rate.PerSecond()); 0 means unlimited.
	Rate float64
	// Burst is the token bucket's size; 0 means 1.
	Burst int
	// Concurrency is the most connections open at once; 0 means 4.
	Concurrency int
	// PerConnection is how many transactions a connection carries before
	// it is replaced; 0 means 100.
	PerConnection int
	// Retries is how many times a temporary failure is retried (0: none).
	Retries int
	// RetryBackoff is the first retry's delay; each further one doubles,
	// with jitter (×0.5 to ×1.5). 0 means 30s.
	RetryBackoff time.Duration
	// MaxThrottled bounds the tries one message may spend on throttling
	// replies, which do not count as retries; 0 means 10.
	MaxThrottled int
	// Journal, when set, records attempts and results (see Journal).
	Journal Journal
	// SMTPUTF8Rows lists the rows of the run whose messages need SMTPUTF8
	// (RFC 6531: non-ASCII addresses). A server that does not offer it
	// stops the run at its first connection, naming them, before anything
	// goes through it, rather than refusing them one by one after other
	// mail went out.
	SMTPUTF8Rows []int
	// Clock drives the limiter and the backoff; nil means the system clock.
	Clock Clock
	// Dialer replaces the SMTP transport (tests, the pipelined transport).
	Dialer Dialer
	// Notify, when set, receives notices worth showing the user (throttling,
	// retries, reconnects). It is called from the pool's goroutines, one
	// call at a time.
	Notify func(Notice)
}

// ConfigFrom builds a Config from a loaded campaign (whose settings have
// their defaults filled in by campaign.Load) and the password the caller read
// from the environment variable smtp.password_env names.
func ConfigFrom(c *campaign.Campaign, password string) Config {
	return Config{
		SMTP:          SMTPConfigFrom(c.SMTP, password),
		Rate:          c.Send.Rate.PerSecond(),
		Burst:         c.Send.Burst,
		Concurrency:   c.Send.Concurrency,
		PerConnection: c.Send.PerConnection,
		Retries:       c.Send.MaxRetries(),
		RetryBackoff:  time.Duration(c.Send.RetryBackoff),
	}
}

// NoticeKind says what a Notice is about.
type NoticeKind int

// Kinds of notice.
const (
	NoticeWarning   NoticeKind = iota // a setting the user must know about
	NoticeThrottle                    // the server asked to slow down; Rate is the new rate
	NoticeRetry                       // a message will be retried
	NoticeReconnect                   // connecting failed and will be tried again
)

// Notice is something the pool tells the user while it runs.
type Notice struct {
	Kind NoticeKind
	Text string
	// Rate is the rate in force after a NoticeThrottle (0 = unlimited).
	Rate float64
}

// Source yields the messages to deliver. Next returns io.EOF after the
// last one; any other error stops the run. Next must return when ctx ends.
// The pool calls Next from one goroutine only.
type Source interface {
	Next(ctx context.Context) (*render.Message, error)
}

// SourceFunc adapts a function to Source.
type SourceFunc func(ctx context.Context) (*render.Message, error)

// Next implements Source.
func (f SourceFunc) Next(ctx context.Context) (*render.Message, error) { return f(ctx) }

// SliceSource yields msgs in order.
func SliceSource(msgs []*render.Message) Source {
	i := 0
	return SourceFunc(func(context.Context) (*render.Message, error) {
		if i >= len(msgs) {
			return nil, io.EOF
		}
		i++
		return msgs[i-1], nil
	})
}

// ChanSource yields what arrives on ch until it is closed.
func ChanSource(ch <-chan *render.Message) Source {
	return SourceFunc(func(ctx context.Context) (*render.Message, error) {
		select {
		case m, ok := <-ch:
			if !ok {
				return nil, io.EOF
			}
			return m, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	})
}

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
}

// New checks cfg, fills in defaults and builds the SMTP dialer (unless
// cfg.Dialer is set). Warnings about the settings (certificate checks off,
// plaintext) are sent to cfg.Notify when Run starts.
func New(cfg Config) (*Pool, error) {
	if cfg.Rate < 0 {
		return nil, errors.New("sendpool: rate must not be negative")
	}
	if cfg.Concurrency < 0 || cfg.PerConnection < 0 || cfg.Retries < 0 || cfg.Burst < 0 || cfg.RetryBackoff < 0 || cfg.MaxThrottled < 0 {
		return nil, errors.New("sendpool: concurrency, per_connection, retries, burst, retry_backoff must not be negative")
	}
	if cfg.Concurrency == 0 {
		cfg.Concurrency = 4
	}
	if cfg.PerConnection == 0 {
		cfg.PerConnection = 100
	}
	if cfg.Burst == 0 {
		cfg.Burst = 1
	}
	if cfg.RetryBackoff == 0 {
		cfg.RetryBackoff = 30 * time.Second
	}
	if cfg.MaxThrottled == 0 {
		cfg.MaxThrottled = 10
	}
	if cfg.Clock == nil {
		cfg.Clock = SystemClock{}
	}
	if cfg.Journal == nil {
		cfg.Journal = NopJournal{}
	}
	p := &Pool{cfg: cfg, clock: cfg.Clock, journal: cfg.Journal, aborted: make(chan struct{})}
	if cfg.Dialer != nil {
		p.dialer = cfg.Dialer
		p.server = cfg.SMTP.Addr()
		if cfg.SMTP.Host == "" {
			p.server = ""
		}
	} else {
		d, err := NewSMTPDialer(cfg.SMTP)
		if err != nil {
			return nil, err
		}
		p.dialer, p.server = d, cfg.SMTP.Addr()
	}
	p.lim = NewLimiter(cfg.Rate, cfg.Burst, cfg.Clock)
	return p, nil
}

// Limiter is the pool's shared limiter.
func (p *Pool) Limiter() *Limiter { return p.lim }

// Abort cuts a Run short (a second Ctrl-C): connections are closed at once;
// a message whose body was already sent is reported unknown, the others
// not-attempted. After Abort the Pool is spent. Safe to call from any
// goroutine, more than once.
func (p *Pool) Abort() { p.abortOnce.Do(func() { close(p.aborted) }) }

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
// *TLSError (ErrTLS), an error wrapping ErrUnreachable or ErrJournal, the
// source's error, or ErrInterrupted / ErrAborted.
func (p *Pool) Run(ctx context.Context, src Source, onResult func(Result)) error {
	if !p.running.CompareAndSwap(false, true) {
		return errors.New("sendpool: Run called while another Run of the same Pool is running")
	}
	defer p.running.Store(false)
	inflight, cancelInflight := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelInflight()
	haltCtx, halt := context.WithCancel(inflight)
	defer halt()

	r := &poolRun{
		p:        p,
		onResult: onResult,
		inflight: inflight,
		haltCtx:  haltCtx,
		halt:     halt,
		runCtx:   ctx,
		jobs:     make(chan *poolJob, 2*p.cfg.Concurrency),
		retries:  make(chan *poolJob),
		slots:    make(chan struct{}, maxUnfinished(p.cfg.Concurrency)),
		finals:   make(chan finalResult, p.cfg.Concurrency),
		recorded: make(chan Result, callbackQueue),
		done:     make(chan struct{}),
	}
	stopAbort := context.AfterFunc(ctx, func() {
		r.setStop(nil, "run interrupted")
		halt()
	})
	defer stopAbort()
	go func() {
		select {
		case <-p.aborted:
			r.abortedFlag.Store(true)
			r.setStop(nil, "run aborted")
			cancelInflight()
		case <-r.done:
		}
	}()

	if d, ok := p.dialer.(*SMTPDialer); ok {
		for _, w := range d.cfg.Warnings() {
			r.notify(Notice{Kind: NoticeWarning, Text: w})
		}
	}

	var fwg sync.WaitGroup
	for i := 0; i < finishers*p.cfg.Concurrency; i++ {
		fwg.Add(1)
		go func() {
			defer fwg.Done()
			r.finisher()
		}()
	}
	callbacksDone := make(chan struct{})
	go func() {
		defer close(callbacksDone)
		r.callbacks()
	}()
	var wg sync.WaitGroup
	r.workers.Store(int32(p.cfg.Concurrency))
	for i := 0; i < p.cfg.Concurrency; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			(&poolWorker{r: r}).loop()
		}()
	}
	r.dispatch(src)
	wg.Wait()
	// Every job is finished (done is closed), so nothing is sent on
	// finals or recorded any more.
	close(r.finals)
	fwg.Wait()
	close(r.recorded)
	<-callbacksDone

	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.stopErr != nil:
		return r.stopErr
	case r.abortedFlag.Load():
		return ErrAborted
	case ctx.Err() != nil:
		return fmt.Errorf("%w: %w", ErrInterrupted, context.Cause(ctx))
	case r.srcErr != nil:
		return fmt.Errorf("sendpool: reading the messages: %w", r.srcErr)
	}
	return nil
}

// poolRun is the state of one Run.
type poolRun struct {
	p        *Pool
	onResult func(Result)
	inflight context.Context // cancelled only by Abort
	haltCtx  context.Context // cancelled by ctx, a stop error or Abort
	halt     context.CancelFunc
	// runCtx is Run's ctx. haltCtx follows it through context.AfterFunc,
	// which runs on its own goroutine; halted also reads runCtx, so a
	// Ctrl-C is seen the moment it happens.
	runCtx  context.Context
	jobs    chan *poolJob
	retries chan *poolJob
	// slots holds a token for every message taken and not yet finished
	// (see maxUnfinished).
	slots    chan struct{}
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
	dialFails    int
	abortedFlag  atomic.Bool
	// connected is set by the run's first connection.
	connected atomic.Bool
	// conns counts the open connections, dialing the dials under way;
	// workers counts the workers still taking messages (see
	// poolWorker.yields).
	conns, dialing, workers atomic.Int32
}

func (r *poolRun) notify(n Notice) {
	if r.p.cfg.Notify == nil {
		return
	}
	r.notifyMu.Lock()
	defer r.notifyMu.Unlock()
	r.p.cfg.Notify(n)
}

// setStop records why the run stops and halts it. The first cause is
// what unsent messages are told; the first error is what Run returns (an
// error after an interruption, such as a failing journal, still counts).
// halted reports whether the run stops dispatching: Run's context was
// cancelled, a stop error came, or Abort was called.
func (r *poolRun) halted() bool {
	return r.runCtx.Err() != nil || r.haltCtx.Err() != nil
}

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

// stopFor stops the run for err, which is also what unsent messages are
// told (without the package prefix).
func (r *poolRun) stopFor(err error) {
	r.setStop(err, "run stopped: "+strings.TrimPrefix(err.Error(), "sendpool: "))
}

// authError is the run's *AuthError for a login refused with reply.
func (r *poolRun) authError(reply *SMTPError) *AuthError {
	return &AuthError{Host: r.p.server, Username: r.p.cfg.SMTP.Username, Reply: reply, Hint: authHint(r.p.cfg.SMTP.Host)}
}

func (r *poolRun) cause() string {
	r.mu.Lock()
	defer r.mu.Unlock()
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
	r.mu.Unlock()
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

func (r *poolRun) dispatch(src Source) {
	defer func() {
		close(r.jobs)
		r.mu.Lock()
		r.dispatchDone = true
		r.checkDone()
		r.mu.Unlock()
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
			if !r.halted() {
				r.mu.Lock()
				r.srcErr = err
				r.mu.Unlock()
				r.setStop(nil, "run stopped: the message source failed")
			}
			return
		}
		j := newPoolJob(m)
		r.add()
		if len(j.rcpts) == 0 {
			r.finish(j)
			continue
		}
		select {
		case r.jobs <- j:
		case <-r.haltCtx.Done():
			r.finishStopped(j)
		}
	}
}

// poolJob is one message on its way.
type poolJob struct {
	msg        *render.Message
	rcpts      []string // still owed
	recips     []RecipientResult
	attempts   int
	tempFails  int
	throttles  int
	started    time.Time
	server     string
	sentReply  *SMTPError // the final reply of the try that delivered
	decisive   *SMTPError // the last refusing reply
	detail     string     // explanation besides (or instead of) decisive
	temporary  bool       // the last failure was temporary
	lastDetail string     // the last try's error, for stop messages
}

func newPoolJob(m *render.Message) *poolJob {
	j := &poolJob{msg: m, rcpts: append([]string(nil), m.Recipients...)}
	j.recips = make([]RecipientResult, len(m.Recipients))
	for i, a := range m.Recipients {
		j.recips[i] = RecipientResult{Address: a, Status: StatusNotAttempted}
	}
	return j
}

func (j *poolJob) mark(addr string, st Status, se *SMTPError, detail string) {
	for i := range j.recips {
		if j.recips[i].Address != addr {
			continue
		}
		rr := &j.recips[i]
		rr.Status, rr.Code, rr.EnhancedCode, rr.Detail = st, 0, EnhancedCode{}, detail
		if se != nil {
			rr.Code, rr.EnhancedCode, rr.Detail = se.Code, se.EnhancedCode, oneLine(se.Message)
		}
	}
}

// result builds the job's Result from its recipients.
func (r *poolRun) result(j *poolJob, final bool) Result {
	now := r.p.clock.Now()
	res := Result{
		Row:        j.msg.Row,
		Key:        j.msg.Key,
		To:         j.msg.To,
		MessageID:  j.msg.MessageID,
		Attempts:   j.attempts,
		Server:     j.server,
		Final:      final,
		Recipients: append([]RecipientResult(nil), j.recips...),
	}
	if res.Server == "" {
		res.Server = r.p.server
	}
	if !j.started.IsZero() {
		res.StartedAt, res.FinishedAt = j.started, now
		res.Duration = now.Sub(j.started)
	}
	var sent, failed, unknown int
	var refused []string
	for _, rr := range j.recips {
		switch rr.Status {
		case StatusSent:
			sent++
		case StatusFailed:
			failed++
			refused = append(refused, fmt.Sprintf("%s (%s)", rr.Address, strings.TrimSpace(fmt.Sprintf("%d %s %s", rr.Code, rr.EnhancedCode, rr.Detail))))
		case StatusUnknown:
			unknown++
		}
	}
	setReply := func(se *SMTPError) {
		if se != nil {
			res.Code, res.EnhancedCode, res.Detail = se.Code, se.EnhancedCode, oneLine(se.Message)
		}
	}
	switch {
	case len(j.recips) == 0:
		res.Status = StatusFailed
		res.Detail = "the message has no envelope recipients"
	case unknown > 0:
		res.Status = StatusUnknown
		res.Detail = ErrReplyLost.Error()
	case sent > 0:
		res.Status = StatusSent
		setReply(j.sentReply)
		if failed > 0 {
			res.Detail = joinDetail(res.Detail, "not accepted for "+strings.Join(refused, ", "), "; ")
		}
	case failed > 0:
		res.Status = StatusFailed
		res.Temporary = j.temporary
		setReply(j.decisive)
		res.Detail = joinDetail(j.detail, res.Detail, ": ")
	default:
		res.Status = StatusNotAttempted
		res.Temporary = j.temporary
		res.Detail = j.detail
	}
	return res
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
		if err := r.p.journal.Result(r.inflight, f.j.msg, f.res); err != nil {
			r.setStop(fmt.Errorf("%w: recording row %d: %w", ErrJournal, f.j.msg.Row, err), "run stopped: the journal failed")
		}
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
			if j.recips[i].Address == a && j.recips[i].Status != StatusFailed {
				j.recips[i].Status = StatusNotAttempted
			}
		}
	}
	j.detail = r.cause()
	if j.attempts > 0 {
		j.temporary = true
		j.detail += " before the next try"
		if j.decisive == nil && j.lastDetail != "" {
			j.detail += "; last try: " + j.lastDetail
		}
	}
	r.finish(j)
}

// schedule hands j back to the workers after d.
func (r *poolRun) schedule(j *poolJob, d time.Duration) {
	var t Timer
	if d > 0 {
		t = r.p.clock.NewTimer(d)
	}
	go func() {
		if t != nil {
			select {
			case <-t.C():
			case <-r.haltCtx.Done():
				t.Stop()
				r.finishStopped(j)
				return
			}
		}
		select {
		case r.retries <- j:
		case <-r.haltCtx.Done():
			r.finishStopped(j)
		}
	}()
}

// backoff is the delay before retry n (1-based): base·2^(n-1), ×0.5–1.5.
func (r *poolRun) backoff(n int) time.Duration {
	d := r.p.cfg.RetryBackoff << min(n-1, 10)
	return time.Duration(float64(d) * (0.5 + rand.Float64()))
}

func (r *poolRun) throttle(reason string) {
	rate, changed := r.p.lim.Throttle()
	if changed {
		r.notify(Notice{Kind: NoticeThrottle, Rate: rate, Text: fmt.Sprintf("the server asks to slow down (%s): rate now %.3g/s", reason, rate)})
	}
}

// poolWorker owns at most one connection at a time.
type poolWorker struct {
	r         *poolRun
	jobs      chan *poolJob // r.jobs until it is closed, then nil
	conn      Conn
	sent      int // transactions on conn
	needReset bool
	dead      bool // conn failed; dropped once nothing is in flight on it
	retired   bool // gave up its place (see yields) until rejoin
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
		w.conn, w.sent, w.needReset = nil, 0, false
		w.r.conns.Add(-1)
	}
	w.dead = false
}

// ready makes sure the worker has a usable connection. It returns false
// when the job was finished instead (the run stopped).
func (w *poolWorker) ready(j *poolJob) bool {
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
		if w.conn != nil && w.sent >= r.p.cfg.PerConnection {
			w.drop() // close the old one before dialing its replacement
		}
		if w.conn != nil && w.needReset {
			if err := w.conn.Reset(r.inflight); err != nil {
				w.drop() // dead idle connection: redial, no retry spent
			} else {
				w.needReset = false
			}
		}
		if w.conn != nil {
			return true
		}
		r.dialing.Add(1)
		c, err := r.p.dialer.Dial(r.haltCtx)
		r.dialing.Add(-1)
		if err == nil && !r.serves(c) {
			c.Close()
			r.finishStopped(j)
			return false
		}
		if err == nil {
			r.mu.Lock()
			r.dialFails = 0
			r.mu.Unlock()
			w.conn, w.sent, w.needReset = c, 0, false
			r.conns.Add(1)
			r.connected.Store(true)
			return true
		}
		if r.halted() {
			r.finishStopped(j)
			return false
		}
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) && dnsErr.IsNotFound {
			// The name does not exist (NXDOMAIN): a setting to fix,
			// not a server that may come back. (A resolver that fails
			// or times out is retried below.)
			serr := fmt.Errorf("%w: the host name %s does not resolve (check smtp.host): %w", ErrUnreachable, dnsErr.Name, err)
			r.stopFor(serr)
			r.finishStopped(j)
			return false
		}
		if d, ok := r.p.dialer.(*SMTPDialer); ok && !r.connected.Load() && (errors.Is(err, syscall.ECONNREFUSED) || isTimeout(err)) && !errors.As(err, &dnsErr) {
			// The run's first connection: a refused or silent port
			// is a setting to fix (host, port, security), not a
			// server that comes back in minutes.
			serr := fmt.Errorf("%w: %s", ErrUnreachable, explain(err, &d.cfg))
			r.stopFor(serr)
			r.finishStopped(j)
			return false
		}
		if w.yields(err) {
			w.retired = true
			r.notify(Notice{Kind: NoticeReconnect, Text: fmt.Sprintf("%v; going on with %d connection(s) for now", err, r.workers.Load())})
			r.schedule(j, 0) // another worker takes it
			return false
		}
		if errors.Is(err, ErrNoPipelining) {
			serr := fmt.Errorf("%w: %w", ErrUnreachable, err)
			r.setStop(serr, "run stopped: "+strings.TrimPrefix(err.Error(), "sendpool: "))
			r.finishStopped(j)
			return false
		}
		switch Classify(err) {
		case ClassAuth:
			var ae *AuthError
			if !errors.As(err, &ae) {
				var se *SMTPError
				errors.As(err, &se)
				ae = r.authError(se)
			}
			r.stopFor(ae)
			r.finishStopped(j)
			return false
		case ClassTLS:
			r.stopFor(err)
			r.finishStopped(j)
			return false
		case ClassPermanent:
			// A 5xx greeting or EHLO refusal: the server will not serve
			// this client; dialing again does not help.
			serr := fmt.Errorf("%w: the server refuses service: %w", ErrUnreachable, err)
			r.stopFor(serr)
			r.finishStopped(j)
			return false
		case ClassThrottled:
			r.throttle(err.Error())
		}
		r.mu.Lock()
		r.dialFails++
		n := r.dialFails
		r.mu.Unlock()
		if limit := max(3, r.p.cfg.Retries+2); n >= limit {
			serr := fmt.Errorf("%w: %d connection attempts in a row failed, last: %w", ErrUnreachable, n, err)
			r.stopFor(serr)
			r.finishStopped(j)
			return false
		}
		d := r.backoff(n)
		r.notify(Notice{Kind: NoticeReconnect, Text: fmt.Sprintf("%v; connecting again in %s", err, d.Round(time.Millisecond))})
		t := r.p.clock.NewTimer(d)
		select {
		case <-t.C():
		case <-r.haltCtx.Done():
			t.Stop()
		}
	}
}

// utf8Offerer is a connection that tells whether its server offers
// SMTPUTF8 (both SMTP transports are).
type utf8Offerer interface{ offersSMTPUTF8() bool }

// serves reports whether c's server offers what the run's messages need;
// if not, it stops the run.
func (r *poolRun) serves(c Conn) bool {
	rows := r.p.cfg.SMTPUTF8Rows
	u, ok := c.(utf8Offerer)
	if len(rows) == 0 || !ok || u.offersSMTPUTF8() {
		return true
	}
	need := "needs it for its non-ASCII address"
	if len(rows) > 1 {
		need = "need it for their non-ASCII addresses"
	}
	err := fmt.Errorf("%w: %s does not offer SMTPUTF8 (RFC 6531); %s %s; nothing was sent through it: fix or remove those rows, or send through a server that offers it",
		ErrServerLacks, c.Server(), rowList(rows), need)
	r.stopFor(err)
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

// rejoinAfter is how long a worker that gave up its place (see yields)
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

// yields reports whether the worker gives up its place after its dial
// failed with err: a 4xx refusal of the connection (a server's cap on
// connections at once, 163's "421 HL:ICC") while other connections are
// open or being opened. The run goes on with one connection fewer instead
// of counting the refusal toward stopping; one worker always stays, and its
// refusals count as before (a server refusing everyone still stops the run).
func (w *poolWorker) yields(err error) bool {
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
	if err := r.p.lim.Wait(r.haltCtx); err != nil {
		r.finishStopped(j)
		return
	}
	if !w.ready(j) {
		return
	}
	if _, ok := w.conn.(PipelinedConn); ok {
		w.pipeline(j)
		return
	}
	w.send(j, nil)
}

// send delivers j over w.conn (ready) with one transaction at a time
// (Conn.Send), redialing once for free when a reused connection turns out
// dead before anything of the message was sent. The journal attempt is
// recorded when the body is due (BeforeBody), unless f, a flight the
// pipelined exchange took ahead and whose attempt it already recorded
// (settled: the attempt returned), is passed: then that one stands for
// this try (a try records one attempt).
func (w *poolWorker) send(j *poolJob, f *flight) {
	r := w.r
	recorded := f != nil && f.attemptDone != nil
	attempted := recorded
	tx := &Tx{Msg: j.msg, Rcpts: j.rcpts, BeforeBody: func(ctx context.Context) error {
		attempted = true
		var err error
		if recorded {
			err = f.attemptErr // settled before send was called
		} else {
			err = r.p.journal.Attempt(ctx, j.msg)
		}
		if err != nil {
			return fmt.Errorf("%w: recording the attempt for row %d: %w", ErrJournal, j.msg.Row, err)
		}
		return nil
	}}
	var (
		d   *Delivery
		err error
	)
	free := true
	for {
		if !w.ready(j) {
			return
		}
		if j.started.IsZero() {
			j.started = r.p.clock.Now()
		}
		reused := w.sent > 0
		d, err = r.safeSend(w.conn, tx)
		w.sent++
		j.server = w.conn.Server()
		// Stage MAIL or before: the body was not due, so whether an
		// attempt is on record does not matter (a redial reuses it).
		var txe *TxError
		deadIdle := err != nil && reused && free && isConnBroken(err) &&
			errors.As(err, &txe) && txe.Stage <= StageMail && r.inflight.Err() == nil
		if deadIdle {
			// The server dropped the idle connection; nothing of this
			// message was sent, so the redial does not spend a retry.
			free = false
			w.drop()
			continue
		}
		break
	}
	j.attempts++
	var txe *TxError
	switch {
	case err == nil:
	case isConnBroken(err):
		w.drop()
	case errors.As(err, &txe) && txe.Stage == StagePrepare:
	default:
		w.needReset = true
	}
	r.absorb(j, d, err, attempted)
}

// safeSend calls c.Send, turning a panic in the transport into an error
// (the connection is then dropped; the stack goes to Notify) and making
// sure the Delivery has one entry per recipient of tx.
func (r *poolRun) safeSend(c Conn, tx *Tx) (d *Delivery, err error) {
	defer func() {
		if p := recover(); p != nil {
			d, err = nil, &TxError{Stage: StagePrepare, Err: fmt.Errorf("transport panic: %v", p)}
			r.notify(Notice{Kind: NoticeWarning, Text: fmt.Sprintf("transport panic on row %d: %v\n%s", tx.Msg.Row, p, debug.Stack())})
		}
		if d == nil {
			d = &Delivery{}
		}
		if len(d.Rcpts) != len(tx.Rcpts) {
			d.Rcpts = make([]RcptReply, len(tx.Rcpts))
			for i, a := range tx.Rcpts {
				d.Rcpts[i].Addr = a
			}
		}
	}()
	return c.Send(r.inflight, tx)
}

// absorb updates j with the outcome of one try and decides what is next.
func (r *poolRun) absorb(j *poolJob, d *Delivery, err error, attempted bool) {
	if err != nil {
		j.lastDetail = strings.TrimPrefix(err.Error(), "sendpool: ")
	}
	if errors.Is(err, ErrJournal) {
		if r.inflight.Err() != nil && errors.Is(err, context.Canceled) {
			// Aborted while waiting for the attempt to be recorded:
			// the body was not sent, and the journal did not fail.
			r.finishStopped(j)
			return
		}
		r.setStop(err, "run stopped: the journal failed")
		r.finishStopped(j)
		return
	}
	if err == nil || errors.Is(err, ErrNoRecipients) {
		r.absorbRcpts(j, d, err == nil, attempted)
		return
	}
	var se *SMTPError
	errors.As(err, &se)
	class := Classify(err)
	if r.inflight.Err() != nil && class != ClassAmbiguous {
		// Aborted: the connection was cut on purpose.
		r.finishStopped(j)
		return
	}
	switch class {
	case ClassAmbiguous:
		for _, rr := range d.Rcpts {
			if rr.Err != nil {
				// Refused at RCPT (or in its own LMTP reply): this
				// recipient certainly does not have the message.
				j.mark(rr.Addr, StatusFailed, rr.Err, "")
				continue
			}
			j.mark(rr.Addr, StatusUnknown, nil, ErrReplyLost.Error())
		}
		r.finish(j)
	case ClassPermanent:
		j.decisive, j.detail, j.temporary = se, localDetail(se, err), false
		for _, a := range j.rcpts {
			j.mark(a, StatusFailed, se, j.detail)
		}
		r.finish(j)
	case ClassAuth, ClassTLS:
		stopErr := err
		var ae *AuthError
		if class == ClassAuth && !errors.As(err, &ae) {
			stopErr = r.authError(se)
		}
		r.stopFor(stopErr)
		r.finishStopped(j)
	default: // ClassThrottled, ClassTemporary, ClassNetwork
		j.decisive, j.detail = se, localDetail(se, err)
		for _, a := range j.rcpts {
			j.mark(a, StatusFailed, se, j.detail)
		}
		if class == ClassThrottled {
			r.throttle(se.Reply())
		}
		r.retryLater(j, class == ClassThrottled, attempted)
	}
}

// localDetail explains an error that is not a server reply.
func localDetail(se *SMTPError, err error) string {
	if se != nil {
		return ""
	}
	return strings.TrimPrefix(err.Error(), "sendpool: ")
}

func (r *poolRun) absorbRcpts(j *poolJob, d *Delivery, completed, attempted bool) {
	var again []string
	throttled, sentNow := false, false
	var last *SMTPError
	for _, rr := range d.Rcpts {
		if rr.Err == nil {
			if completed {
				reply := d.Reply
				j.mark(rr.Addr, StatusSent, &reply, "")
				sentNow = true
			}
			continue
		}
		last = rr.Err
		switch ClassifyReply(rr.Err.Code, rr.Err.EnhancedCode, rr.Err.Message) {
		case ClassPermanent:
			j.mark(rr.Addr, StatusFailed, rr.Err, "")
		case ClassAuth:
			ae := r.authError(rr.Err)
			r.stopFor(ae)
			again = append(again, rr.Addr)
		case ClassThrottled:
			throttled = true
			j.mark(rr.Addr, StatusFailed, rr.Err, "")
			again = append(again, rr.Addr)
		default:
			j.mark(rr.Addr, StatusFailed, rr.Err, "")
			again = append(again, rr.Addr)
		}
	}
	if sentNow {
		reply := d.Reply
		j.sentReply = &reply
	}
	if last != nil {
		j.decisive, j.detail = last, ""
	}
	if len(again) == 0 {
		j.temporary = false
		r.finish(j)
		return
	}
	j.rcpts = again
	if throttled {
		r.throttle(last.Reply())
	}
	r.retryLater(j, throttled, attempted)
}

// maxThrottleWait bounds the wait before a throttled message's next try;
// with the default retry_backoff (30s) and MaxThrottled (10) a message
// stays with the run for about half an hour of throttling.
const maxThrottleWait = 5 * time.Minute

// retryLater schedules the next try of j, or finishes it when its budget
// is spent.
func (r *poolRun) retryLater(j *poolJob, throttled, attempted bool) {
	j.temporary = true
	cfg := &r.p.cfg
	var delay time.Duration
	if throttled {
		j.throttles++
		if j.throttles > cfg.MaxThrottled {
			j.detail = fmt.Sprintf("still throttled after %d tries", j.throttles)
			r.finish(j)
			return
		}
		// Wait before the next try as after a temporary failure (but
		// at most maxThrottleWait): the limiter, now slower, spaces
		// new messages, but a retry at once would meet the same
		// refusal and spend MaxThrottled in seconds.
		delay = min(r.backoff(j.throttles), maxThrottleWait)
	} else {
		j.tempFails++
		if j.tempFails > cfg.Retries {
			if cfg.Retries > 0 {
				j.detail = joinDetail(fmt.Sprintf("gave up after %d retries", cfg.Retries), j.detail, ": ")
			}
			r.finish(j)
			return
		}
		delay = r.backoff(j.tempFails)
		r.notify(Notice{Kind: NoticeRetry, Text: fmt.Sprintf("row %d: %s; retry %d of %d in %s", j.msg.Row, j.lastDetail, j.tempFails, cfg.Retries, delay.Round(time.Millisecond))})
	}
	if attempted {
		if err := r.p.journal.Result(r.inflight, j.msg, r.result(j, false)); err != nil {
			r.setStop(fmt.Errorf("%w: recording row %d: %w", ErrJournal, j.msg.Row, err), "run stopped: the journal failed")
			r.finishStopped(j)
			return
		}
	}
	r.schedule(j, delay)
}

func joinDetail(a, b, sep string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + sep + b
}
