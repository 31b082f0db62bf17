package sendpool_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// timedDialer notes the time of every dial it makes.
type timedDialer struct {
	sendpool.Dialer
	mu   sync.Mutex
	last time.Time
}

func (d *timedDialer) Dial(ctx context.Context) (sendpool.Conn, error) {
	d.mu.Lock()
	d.last = time.Now()
	d.mu.Unlock()
	return d.Dialer.Dial(ctx)
}

// TestRedialWaitsAnnounced: a server stopped mid-run leaves four workers
// dialing again, a second apart. Each wait a "connecting again in …" notice announces is
// waited out before the run stops as unreachable, and the attempts that
// stop it are rounds, one announced wait each: the four failed dials of
// four workers used to announce 30s, 1m, 2m and 4m and stop the run at
// the next failure, after the shortest ("connecting again in 3m28s", stopped
// after 20 s: the review's mailpit stopped 2 s into a send).
func TestRedialWaitsAnnounced(t *testing.T) {
	gate := make(chan struct{})
	srv := smtptest.NewServer(t, smtptest.HoldData(gate))
	cfg := pooltest.NewConfig(srv)
	inner, err := smtpclient.NewDialer(cfg.SMTP)
	if err != nil {
		t.Fatal(err)
	}
	d := &timedDialer{Dialer: inner}
	var mu sync.Mutex
	var redials []time.Time
	// Waits of 25–75 ms, 50–150, 100–300 and 200–600 on the system
	// clock, whose times the notices and the dials compare.
	cfg.Dialer, cfg.Concurrency, cfg.Retries, cfg.RetryBackoff = d, 4, 3, 50*time.Millisecond
	cfg.Notify = func(n sendpool.Notice) {
		if n.Kind == sendpool.NoticeReconnect {
			mu.Lock()
			redials = append(redials, n.Redial)
			mu.Unlock()
		}
	}
	_, _, _, done := pooltest.Start(t, cfg, pooltest.Messages(10))
	<-srv.Held() // a message on the wire: the run is under way
	srv.Close()
	if err := <-done; !errors.Is(err, sendpool.ErrUnreachable) {
		t.Fatalf("run ended with %v, want ErrUnreachable", err)
	}
	mu.Lock()
	defer mu.Unlock()
	d.mu.Lock()
	defer d.mu.Unlock()
	// retries 3: 5 failed attempts stop the run, 4 waits before them
	// (more when a dial got through while the server was closing).
	if len(redials) < 4 {
		t.Errorf("%d reconnect notices, want 4: %v", len(redials), redials)
	}
	for i, at := range redials {
		if at.IsZero() || d.last.Before(at) {
			t.Errorf("notice %d announced dialing again at %v; the last dial was at %v", i+1, at.Format(time.StampMilli), d.last.Format(time.StampMilli))
		}
	}
}
