package sendpool_test

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// spMessage builds a small message for sheet row row to rcpts (the first
// is the key).
func spMessage(row int, rcpts ...string) *render.Message {
	data := fmt.Sprintf("From: Sender <sender@example.org>\r\nTo: %s\r\nSubject: row %d\r\nMessage-ID: <row%d@example.org>\r\n\r\nHello, row %d.\r\n", rcpts[0], row, row, row)
	return &render.Message{
		Row:          row,
		Key:          rcpts[0],
		EnvelopeFrom: "sender@example.org",
		Recipients:   rcpts,
		To:           rcpts[0],
		Subject:      fmt.Sprintf("row %d", row),
		MessageID:    fmt.Sprintf("row%d@example.org", row),
		Data:         []byte(data),
	}
}

// spMessages builds n messages for rows 2..n+1 to userN@example.org.
func spMessages(n int) []*render.Message {
	msgs := make([]*render.Message, n)
	for i := range msgs {
		msgs[i] = spMessage(i+2, fmt.Sprintf("user%d@example.org", i+2))
	}
	return msgs
}

// spConfig is a fast pool configuration for srv (plaintext, loopback)
// with the plain exchange; the integration tests in pool_test.go run over
// every transport (spEach), tests elsewhere that build on spConfig keep the
// exchange whose transcript they check.
func spConfig(srv *smtptest.Server) sendpool.Config {
	return sendpool.Config{
		SMTP: sendpool.SMTPConfig{
			Host:      srv.Host,
			Port:      srv.Port,
			Security:  campaign.SecurityNone,
			Timeout:   5 * time.Second,
			Transport: sendpool.TransportPlain,
		},
		Concurrency:   2,
		PerConnection: 100,
		Retries:       3,
		RetryBackoff:  time.Millisecond,
	}
}

// spTransport is one client exchange the integration tests run over: the
// transport setting and what the test server must (not) offer for it.
type spTransport struct {
	name      string
	transport string
	opts      []smtptest.Option
	// pipelined: commands go out in groups; chunking: with BDAT.
	pipelined, chunking bool
}

// spTransports: go-smtp's lockstep client; pipelined with BDAT (go-smtp's
// server offers CHUNKING); pipelined with DATA and the next transaction
// behind each body (a server without CHUNKING).
var spTransports = []spTransport{
	{name: "plain", transport: sendpool.TransportPlain},
	{name: "pipelined-bdat", transport: sendpool.TransportPipelined, pipelined: true, chunking: true},
	{name: "pipelined-data", transport: sendpool.TransportPipelined, pipelined: true, opts: []smtptest.Option{smtptest.WithoutChunking()}},
}

// spEach runs f once per transport.
func spEach(t *testing.T, f func(*testing.T, spTransport)) {
	for _, tr := range spTransports {
		t.Run(tr.name, func(t *testing.T) { f(t, tr) })
	}
}

// spEachTLS runs f over the transports whose server can do TLS (hiding
// EHLO keywords works on plaintext sessions only).
func spEachTLS(t *testing.T, f func(*testing.T, spTransport)) {
	for _, tr := range spTransports {
		if len(tr.opts) == 0 {
			t.Run(tr.name, func(t *testing.T) { f(t, tr) })
		}
	}
}

// server starts a test server for the transport with opts.
func (tr spTransport) server(t testing.TB, opts ...smtptest.Option) *smtptest.Server {
	t.Helper()
	return smtptest.NewServer(t, append(opts, tr.opts...)...)
}

// config is spConfig with the transport set.
func (tr spTransport) config(srv *smtptest.Server) sendpool.Config {
	cfg := spConfig(srv)
	cfg.SMTP.Transport = tr.transport
	return cfg
}

// spResults collects the results of a run by row; safe for the callback.
type spResults struct {
	mu sync.Mutex
	m  map[int]sendpool.Result
	t  testing.TB
}

func newSPResults(t testing.TB) *spResults { return &spResults{m: map[int]sendpool.Result{}, t: t} }

func (r *spResults) add(res sendpool.Result) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.m[res.Row]; dup {
		r.t.Errorf("row %d: second result %+v", res.Row, res)
	}
	if !res.Final {
		r.t.Errorf("row %d: result handed to Run's callback is not final", res.Row)
	}
	r.m[res.Row] = res
}

func (r *spResults) get(row int) sendpool.Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	res, ok := r.m[row]
	if !ok {
		r.t.Fatalf("no result for row %d", row)
	}
	return res
}

func (r *spResults) len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.m)
}

func (r *spResults) byStatus() map[sendpool.Status][]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[sendpool.Status][]int{}
	for row, res := range r.m {
		out[res.Status] = append(out[res.Status], row)
	}
	for _, rows := range out {
		sort.Ints(rows)
	}
	return out
}

// spStart runs a Pool made from cfg over msgs on a goroutine, as a run
// that a test interrupts: it returns the Pool (for Abort), the cancel of
// the run's context, the results and the channel that receives Run's error.
func spStart(t testing.TB, cfg sendpool.Config, msgs []*render.Message) (*sendpool.Pool, context.CancelFunc, *spResults, <-chan error) {
	t.Helper()
	p, err := sendpool.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	results := newSPResults(t)
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, sendpool.SliceSource(msgs), results.add) }()
	return p, cancel, results, done
}

// spRun runs a pool over msgs and returns the results and Run's error.
func spRun(t testing.TB, cfg sendpool.Config, msgs []*render.Message) (*spResults, error) {
	t.Helper()
	p, err := sendpool.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	res := newSPResults(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = p.Run(ctx, sendpool.SliceSource(msgs), res.add)
	return res, err
}

// spExactlyOnce asserts every message's recipients got it exactly once.
func spExactlyOnce(t testing.TB, srv *smtptest.Server, msgs []*render.Message) {
	t.Helper()
	for _, m := range msgs {
		for _, r := range m.Recipients {
			if n := srv.Received(r); n != 1 {
				t.Errorf("row %d: %s received %d times, want 1", m.Row, r, n)
			}
		}
	}
}

// spFakeClock is a manual clock: timers fire only when the test advances
// time to them.
type spFakeClock struct {
	mu     sync.Mutex
	cond   *sync.Cond
	now    time.Time
	timers []*spFakeTimer
}

type spFakeTimer struct {
	c     *spFakeClock
	at    time.Time
	ch    chan time.Time
	fired bool
}

func newSPFakeClock(start time.Time) *spFakeClock {
	c := &spFakeClock{now: start}
	c.cond = sync.NewCond(&c.mu)
	return c
}

func (c *spFakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *spFakeClock) NewTimer(d time.Duration) sendpool.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &spFakeTimer{c: c, at: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.fired = true
		t.ch <- c.now
		return t
	}
	c.timers = append(c.timers, t)
	c.cond.Broadcast()
	return t
}

func (t *spFakeTimer) C() <-chan time.Time { return t.ch }

func (t *spFakeTimer) Stop() bool {
	c := t.c
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, x := range c.timers {
		if x == t {
			c.timers = append(c.timers[:i], c.timers[i+1:]...)
			c.cond.Broadcast()
			return true
		}
	}
	return false
}

// pending is the number of timers not fired yet; c.mu is held.
func (c *spFakeClock) pendingLocked() int { return len(c.timers) }

// waitPending blocks until at least n timers are pending or cond() says to
// stop waiting (cond is evaluated with c.mu held).
func (c *spFakeClock) waitPending(n func() int) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		want := n()
		if want <= 0 || c.pendingLocked() >= want {
			return want
		}
		c.cond.Wait()
	}
}

// broadcast wakes waitPending (after state it depends on changed).
func (c *spFakeClock) broadcast() {
	c.mu.Lock()
	c.cond.Broadcast()
	c.mu.Unlock()
}

// advanceToNext moves the clock to the earliest pending timer and fires
// every timer due by then.
func (c *spFakeClock) advanceToNext() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.timers) == 0 {
		return
	}
	sort.Slice(c.timers, func(i, j int) bool { return c.timers[i].at.Before(c.timers[j].at) })
	if c.timers[0].at.After(c.now) {
		c.now = c.timers[0].at
	}
	keep := c.timers[:0]
	for _, t := range c.timers {
		if !t.at.After(c.now) {
			t.fired = true
			t.ch <- c.now
			continue
		}
		keep = append(keep, t)
	}
	c.timers = keep
}

// advance moves the clock by d, firing due timers.
func (c *spFakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	keep := c.timers[:0]
	for _, t := range c.timers {
		if !t.at.After(c.now) {
			t.fired = true
			t.ch <- c.now
			continue
		}
		keep = append(keep, t)
	}
	c.timers = keep
}
