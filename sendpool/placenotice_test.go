package sendpool_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// routeDialer dials other for its dial number at, and main for the rest:
// two real servers behind one pool.
type routeDialer struct {
	sendpool.Dialer
	other sendpool.Dialer
	at    int64
	dials atomic.Int64
}

func (d *routeDialer) Dial(ctx context.Context) (sendpool.Conn, error) {
	if d.dials.Add(1) == d.at {
		return d.other.Dial(ctx)
	}
	return d.Dialer.Dial(ctx)
}

// TestPoolRepeatedRefusalShort: the second refusal of a connection of the
// same kind (Microsoft 365's cap, which a long send meets every 30 s as a
// worker tries to take its place back) is one short line marked Again,
// where before each repeated the ~200-character notice in full; a
// refusal of another kind (another server's 421 4.3.2) is still told in
// full.
func TestPoolRepeatedRefusalShort(t *testing.T) {
	const capReply = "432 4.3.2 Concurrent connections limit exceeded. Visit https://aka.ms/concurrent_sending for more information."
	gate := make(chan struct{})
	srv := smtptest.NewServer(t, smtptest.WithMaxSessions(1), smtptest.WithCapReply(capReply), smtptest.HoldData(gate))
	down := smtptest.NewServer(t, smtptest.RefuseWith("421 4.3.2 Service not available, closing transmission channel"))
	cfg := pooltest.NewConfig(srv)
	main, err := smtpclient.NewDialer(cfg.SMTP)
	if err != nil {
		t.Fatal(err)
	}
	other, err := smtpclient.NewDialer(pooltest.NewConfig(down).SMTP)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var places []sendpool.Notice
	three := make(chan struct{})
	cfg.Dialer = &routeDialer{Dialer: main, other: other, at: 2}
	cfg.Concurrency = 4
	cfg.Notify = func(n sendpool.Notice) {
		if n.Kind != sendpool.NoticeReconnect || !n.Redial.IsZero() {
			return // not a worker giving up its place
		}
		mu.Lock()
		defer mu.Unlock()
		if places = append(places, n); len(places) == 3 {
			close(three)
		}
	}
	_, _, _, done := pooltest.Start(t, cfg, pooltest.Messages(4))
	<-srv.Held()
	<-three // the three other workers gave up their places
	close(gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	var full, again []string
	for _, n := range places {
		t.Logf("note: %s (again %t, conns %d)", n.Text, n.Again, n.Conns)
		if n.Again {
			again = append(again, n.Text)
		} else {
			full = append(full, n.Text)
		}
	}
	if len(full) != 2 || len(again) != 1 {
		t.Fatalf("%d notices in full and %d short, want 2 (one of each kind) and 1", len(full), len(again))
	}
	told := strings.Join(full, "\n")
	for _, want := range []string{"421 4.3.2 Service not available", "432 4.3.2 Concurrent connections limit exceeded"} {
		if !strings.Contains(told, want) {
			t.Errorf("the notices in full lack %q", want)
		}
	}
	if a := again[0]; len(a) > 100 || !strings.Contains(a, "432 4.3.2") {
		t.Errorf("the repeated refusal's notice %q, want a short line naming 432 4.3.2", a)
	}
}
