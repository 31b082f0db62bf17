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

// TestPoolThrottleEveryThirtieth: a relay that says "slow down" (450
// 4.7.0) to every 30th MAIL and takes the rest takes messages between
// its answers, so each cut of the rate is its answer to a rate it was
// sent at: none is the pool's own (Notice.Own), and send's summary
// advises from them all. On the pool's fake clock, so that the limiter's
// waits and the retries' backoff take no time.
func TestPoolThrottleEveryThirtieth(t *testing.T) {
	var mails atomic.Int64
	srv := smtptest.NewServer(t, smtptest.OnMail(func(smtptest.Session, string) error {
		if mails.Add(1)%30 == 0 {
			return smtptest.Reply(450, "4.7.0", "Message submission rate for this client has exceeded the configured limit, rate limited")
		}
		return nil
	}))
	clock := pooltest.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cfg := pooltest.NewConfig(srv)
	cfg.Clock, cfg.Concurrency, cfg.Rate, cfg.RetryBackoff = clock, 2, 50, 2*time.Second
	var mu sync.Mutex
	var cuts []sendpool.Notice
	cfg.Notify = func(n sendpool.Notice) {
		if n.Kind == sendpool.NoticeThrottle {
			mu.Lock()
			cuts = append(cuts, n)
			mu.Unlock()
		}
	}
	msgs := pooltest.Messages(100)
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
	if runErr != nil {
		t.Fatal(runErr)
	}
	pooltest.ExactlyOnce(t, srv, msgs)
	mu.Lock()
	defer mu.Unlock()
	if len(cuts) < 2 {
		t.Fatalf("%d cuts of the rate, want one for each of the relay's answers but those within the limiter's gap", len(cuts))
	}
	for i, n := range cuts {
		if n.Own {
			t.Errorf("cut %d (from %v to %v): Own, but the relay took messages since the cut before", i, n.Was, n.Rate)
		}
	}
}
