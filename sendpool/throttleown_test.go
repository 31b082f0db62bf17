package sendpool_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

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
