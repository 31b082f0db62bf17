// Package pooltest holds what the tests of sendpool and its transports
// share: small messages, a pool configuration against a test server
// (sendpool/smtptest) over each client exchange, a result collector that
// fails a test on a second or non-final result, and a manual clock. It is
// for tests only.
package pooltest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// Message builds a small message for sheet row row to rcpts (the first
// is the key).
func Message(row int, rcpts ...string) *render.Message {
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

// BigMessage is Message with about a megabyte of body more; freed is
// closed once its data was garbage collected (see WaitFreed).
func BigMessage(row int, rcpt string) (m *render.Message, freed <-chan struct{}) {
	m = Message(row, rcpt)
	m.Data = append(m.Data, bytes.Repeat([]byte("x\r\n"), (1<<20)/3)...)
	ch := make(chan struct{})
	runtime.AddCleanup(&m.Data[:1][0], func(ch chan struct{}) { close(ch) }, ch)
	return m, ch
}

// WaitFreed collects garbage until freed is closed (see BigMessage), and
// fails the test with why when that has not happened after 10 seconds.
func WaitFreed(t testing.TB, freed <-chan struct{}, why string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		runtime.GC()
		select {
		case <-freed:
			return
		case <-deadline:
			t.Fatal(why)
		default:
			runtime.Gosched()
		}
	}
}

// Messages builds n messages for rows 2..n+1 to userN@example.org.
func Messages(n int) []*render.Message {
	msgs := make([]*render.Message, n)
	for i := range msgs {
		msgs[i] = Message(i+2, fmt.Sprintf("user%d@example.org", i+2))
	}
	return msgs
}

// Config is a pool configuration for tests: the pool's settings and the
// SMTP client settings its Dialer is made from (unless Config.Dialer is
// set already).
type Config struct {
	sendpool.Config
	SMTP smtpclient.Config
}

// PoolConfig returns the pool's settings with the Dialer made from SMTP
// when none is set.
func (c Config) PoolConfig(t testing.TB) sendpool.Config {
	t.Helper()
	cfg := c.Config
	if cfg.Dialer == nil {
		d, err := smtpclient.NewDialer(c.SMTP)
		if err != nil {
			t.Fatalf("smtpclient.NewDialer: %v", err)
		}
		cfg.Dialer = d
	}
	return cfg
}

// NewConfig is a fast pool configuration for srv (plaintext, loopback)
// with the plain exchange; the integration tests run over every transport
// (Each), tests that build on NewConfig keep the exchange whose transcript
// they check.
func NewConfig(srv *smtptest.Server) Config {
	return Config{
		SMTP: smtpclient.Config{
			Host:      srv.Host,
			Port:      srv.Port,
			Security:  campaign.SecurityNone,
			Timeout:   5 * time.Second,
			Transport: campaign.TransportPlain,
		},
		Config: sendpool.Config{
			Concurrency:   2,
			PerConnection: 100,
			Retries:       3,
			RetryBackoff:  time.Millisecond,
		},
	}
}

// Transport is one client exchange the integration tests run over: the
// transport setting and what the test server must (not) offer for it.
type Transport struct {
	Name    string
	Setting campaign.Transport
	// Opts are what the test server needs for it.
	Opts []smtptest.Option
	// Pipelined: commands go out in groups; Chunking: with BDAT.
	Pipelined, Chunking bool
}

// Transports: go-smtp's lockstep client; pipelined with BDAT (go-smtp's
// server offers CHUNKING); pipelined with DATA and the next transaction
// behind each body (a server without CHUNKING).
var Transports = []Transport{
	{Name: "plain", Setting: campaign.TransportPlain},
	{Name: "pipelined-bdat", Setting: campaign.TransportPipelined, Pipelined: true, Chunking: true},
	{Name: "pipelined-data", Setting: campaign.TransportPipelined, Pipelined: true, Opts: []smtptest.Option{smtptest.WithoutChunking()}},
}

// Each runs f once per transport.
func Each(t *testing.T, f func(*testing.T, Transport)) {
	for _, tr := range Transports {
		t.Run(tr.Name, func(t *testing.T) { f(t, tr) })
	}
}

// EachTLS runs f over the transports whose server can do TLS (hiding
// EHLO keywords works on plaintext sessions only).
func EachTLS(t *testing.T, f func(*testing.T, Transport)) {
	for _, tr := range Transports {
		if len(tr.Opts) == 0 {
			t.Run(tr.Name, func(t *testing.T) { f(t, tr) })
		}
	}
}

// Server starts a test server for the transport with opts.
func (tr Transport) Server(t testing.TB, opts ...smtptest.Option) *smtptest.Server {
	t.Helper()
	return smtptest.NewServer(t, append(opts, tr.Opts...)...)
}

// Config is NewConfig with the transport set.
func (tr Transport) Config(srv *smtptest.Server) Config {
	cfg := NewConfig(srv)
	cfg.SMTP.Transport = tr.Setting
	return cfg
}

// Results collects the results of a run by row; safe for the callback.
type Results struct {
	mu sync.Mutex
	m  map[int]sendpool.Result
	t  testing.TB
}

func NewResults(t testing.TB) *Results { return &Results{m: map[int]sendpool.Result{}, t: t} }

func (r *Results) Add(res sendpool.Result) {
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

func (r *Results) Get(row int) sendpool.Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	res, ok := r.m[row]
	if !ok {
		r.t.Fatalf("no result for row %d", row)
	}
	return res
}

func (r *Results) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.m)
}

func (r *Results) ByStatus() map[sendpool.Status][]int {
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

// Start runs a Pool made from cfg over msgs on a goroutine, as a run
// that a test interrupts: it returns the Pool (for Abort), the cancel of
// the run's context, the results and the channel that receives Run's error.
func Start(t testing.TB, cfg Config, msgs []*render.Message) (*sendpool.Pool, context.CancelFunc, *Results, <-chan error) {
	t.Helper()
	p, err := sendpool.New(cfg.PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	results := NewResults(t)
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx, sendpool.SliceSource(msgs), results.Add) }()
	return p, cancel, results, done
}

// Run runs a pool over msgs and returns the results and Run's error.
func Run(t testing.TB, cfg Config, msgs []*render.Message) (*Results, error) {
	t.Helper()
	p, err := sendpool.New(cfg.PoolConfig(t))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	res := NewResults(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = p.Run(ctx, sendpool.SliceSource(msgs), res.Add)
	return res, err
}

// ExactlyOnce asserts every message's recipients got it exactly once.
func ExactlyOnce(t testing.TB, srv *smtptest.Server, msgs []*render.Message) {
	t.Helper()
	for _, m := range msgs {
		for _, r := range m.Recipients {
			if n := srv.Received(r); n != 1 {
				t.Errorf("row %d: %s received %d times, want 1", m.Row, r, n)
			}
		}
	}
}

// FakeClock is a manual clock: timers fire only when the test advances
// time to them.
type FakeClock struct {
	mu     sync.Mutex
	cond   *sync.Cond
	now    time.Time
	timers []*FakeTimer
}

type FakeTimer struct {
	c     *FakeClock
	at    time.Time
	ch    chan time.Time
	fired bool
}

func NewFakeClock(start time.Time) *FakeClock {
	c := &FakeClock{now: start}
	c.cond = sync.NewCond(&c.mu)
	return c
}

func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *FakeClock) NewTimer(d time.Duration) sendpool.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &FakeTimer{c: c, at: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.fired = true
		t.ch <- c.now
		return t
	}
	c.timers = append(c.timers, t)
	c.cond.Broadcast()
	return t
}

func (t *FakeTimer) C() <-chan time.Time { return t.ch }

func (t *FakeTimer) Stop() bool {
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

// pendingLocked is the number of timers not fired yet; c.mu is held.
func (c *FakeClock) pendingLocked() int { return len(c.timers) }

// WaitPending blocks until at least n timers are pending or cond() says to
// stop waiting (cond is evaluated with c.mu held).
func (c *FakeClock) WaitPending(n func() int) int {
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

// Broadcast wakes WaitPending (after state it depends on changed).
func (c *FakeClock) Broadcast() {
	c.mu.Lock()
	c.cond.Broadcast()
	c.mu.Unlock()
}

// AdvanceToNext moves the clock to the earliest pending timer and fires
// every timer due by then.
func (c *FakeClock) AdvanceToNext() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.timers) == 0 {
		return
	}
	sort.Slice(c.timers, func(i, j int) bool { return c.timers[i].at.Before(c.timers[j].at) })
	if c.timers[0].at.After(c.now) {
		c.now = c.timers[0].at
	}
	c.fireDue()
}

// Advance moves the clock by d, firing due timers.
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	c.fireDue()
}

// fireDue fires the timers due by now; c.mu is held.
func (c *FakeClock) fireDue() {
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

// Journal records the order of journal calls and checks that an attempt
// is recorded before the server has the message.
type Journal struct {
	Srv *smtptest.Server
	T   testing.TB
	// FailFor is a row whose attempt fails ("disk full"); 0 for none.
	FailFor int

	mu sync.Mutex
	// Events lists the calls in order: "attempt 3", "result 3 sent
	// final=true". Read it after the run.
	Events []string
}

func (j *Journal) Attempt(_ context.Context, m *render.Message) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.Srv.Received(m.Key) != 0 {
		j.T.Errorf("row %d: attempt recorded after the server had the message", m.Row)
	}
	j.Events = append(j.Events, fmt.Sprintf("attempt %d", m.Row))
	if m.Row == j.FailFor {
		return errors.New("disk full")
	}
	return nil
}

func (j *Journal) Result(_ context.Context, m *render.Message, r sendpool.Result) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.Events = append(j.Events, fmt.Sprintf("result %d %v final=%v", m.Row, r.Status, r.Final))
	return nil
}

// Map returns a copy of the results by row.
func (r *Results) Map() map[int]sendpool.Result {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.m)
}

// DialerBase gives a test's own sendpool.Dialer the methods it does not
// care about: Server is Addr ("test:0" when empty), no warnings, and
// AuthError naming the server and user "test".
type DialerBase struct{ Addr string }

// Server implements sendpool.Dialer.
func (b DialerBase) Server() string {
	if b.Addr == "" {
		return "test:0"
	}
	return b.Addr
}

// Warnings implements sendpool.Dialer.
func (DialerBase) Warnings() []string { return nil }

// AuthError implements sendpool.Dialer.
func (b DialerBase) AuthError(reply *sendpool.SMTPError) *sendpool.AuthError {
	return &sendpool.AuthError{Host: b.Server(), Username: "test", Reply: reply}
}
