package sendpool_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestPoolThrottleOwnCuts: a server that took two messages, then answered
// every MAIL "slow down" for a while and took nothing, had the run cut
// its rate again and again, and each cut's notice gave the rate before
// it as the rate the server asked to slow down from (Notice.Was), so
// send's summary advised a send.rate below the pool's own last cut. Only
// the first cut's is the server's answer to a rate it was sent at; the
// later ones, with nothing taken since, are marked Own.
func TestPoolThrottleOwnCuts(t *testing.T) {
	var mu sync.Mutex
	mails := 0
	srv := smtptest.NewServer(t, smtptest.OnMail(func(smtptest.Session, string) error {
		mu.Lock()
		defer mu.Unlock()
		if mails++; mails > 2 && mails <= 7 {
			return smtptest.Reply(450, "4.7.0", "Message submission rate for this client has exceeded the configured limit, rate limited")
		}
		return nil
	}))
	clock := pooltest.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cfg := pooltest.NewConfig(srv)
	cfg.Clock, cfg.Concurrency, cfg.Rate, cfg.RetryBackoff = clock, 1, 50, 2*time.Second
	var nmu sync.Mutex
	var cuts []sendpool.Notice
	cfg.Notify = func(n sendpool.Notice) {
		if n.Kind == sendpool.NoticeThrottle {
			nmu.Lock()
			cuts = append(cuts, n)
			nmu.Unlock()
		}
	}
	_, _, _, done := pooltest.Start(t, cfg, pooltest.Messages(4))
	var ended atomic.Bool
	var runErr error
	go func() {
		runErr = <-done
		ended.Store(true)
		clock.Broadcast()
	}()
	for clock.WaitPending(func() int {
		if ended.Load() {
			return 0
		}
		return 1
	}) > 0 {
		clock.AdvanceToNext()
	}
	if runErr != nil {
		t.Fatal(runErr)
	}
	if n := len(srv.Messages()); n != 4 {
		t.Errorf("server received %d messages, want 4", n)
	}
	nmu.Lock()
	defer nmu.Unlock()
	if len(cuts) < 2 {
		t.Fatalf("%d cuts of the rate, want 2 or more: the test did not cut it while the server took nothing", len(cuts))
	}
	for i, n := range cuts {
		t.Logf("cut %d: was %v, now %v, own %t", i, n.Was, n.Rate, n.Own)
		if want := i > 0; n.Own != want {
			t.Errorf("cut %d (from %v): Own %t, want %t", i, n.Was, n.Own, want)
		}
	}
	if cuts[0].Was != 50 {
		t.Errorf("the first cut from %v, want 50/s, the rate the server was sent at", cuts[0].Was)
	}
}

// runOnClock runs a pool of cfg over msgs to its end, moving clock to
// each timer the run waits on, and returns the run's error.
func runOnClock(t *testing.T, clock *pooltest.FakeClock, cfg pooltest.Config, msgs []*render.Message) error {
	t.Helper()
	_, _, _, done := pooltest.Start(t, cfg, msgs)
	var ended atomic.Bool
	var runErr error
	go func() {
		runErr = <-done
		ended.Store(true)
		clock.Broadcast()
	}()
	for clock.WaitPending(func() int {
		if ended.Load() {
			return 0
		}
		return 1
	}) > 0 {
		clock.AdvanceToNext()
	}
	return runErr
}

// TestPoolThrottleOwnOverParts: a long send runs in parts, one pool run
// each, that share the limiter (its rate carries over); a server that
// took two messages, then answered "slow down" to everything through the
// end of one part and into the next had the next part's first cut told
// as the server's (Notice.Own false), from the rate the part before cut
// itself to, which send's summary then advised. The server took nothing
// since the cut before, in whichever part: Own.
func TestPoolThrottleOwnOverParts(t *testing.T) {
	var mails atomic.Int64
	srv := smtptest.NewServer(t, smtptest.OnMail(func(smtptest.Session, string) error {
		if n := mails.Add(1); n > 2 && n <= 30 {
			return smtptest.Reply(450, "4.7.0", "Message submission rate for this client has exceeded the configured limit, rate limited")
		}
		return nil
	}))
	clock := pooltest.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cfg := pooltest.NewConfig(srv)
	cfg.Clock, cfg.Concurrency, cfg.Rate, cfg.RetryBackoff, cfg.MaxThrottled = clock, 1, 50, 2*time.Second, 1
	cfg.Limiter = sendpool.NewLimiter(cfg.Rate, 1, clock)
	var mu sync.Mutex
	var cuts []sendpool.Notice
	cfg.Notify = func(n sendpool.Notice) {
		if n.Kind == sendpool.NoticeThrottle {
			mu.Lock()
			cuts = append(cuts, n)
			mu.Unlock()
		}
	}
	if err := runOnClock(t, clock, cfg, pooltest.Messages(3)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	first := len(cuts)
	mu.Unlock()
	if first == 0 || mails.Load() >= 30 {
		t.Fatalf("the first part: %d cuts, %d MAILs: want a cut, and the server still answering slow down", first, mails.Load())
	}
	if err := runOnClock(t, clock, cfg, pooltest.Messages(2)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(cuts) == first {
		t.Fatal("the second part cut the rate nowhere: the test did not reach it")
	}
	for i, n := range cuts {
		if want := i > 0; n.Own != want {
			t.Errorf("cut %d (from %v to %v, part %d): Own %t, want %t", i, n.Was, n.Rate, 1+min(1, i/first), n.Own, want)
		}
	}
}
