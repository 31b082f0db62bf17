package sendpool_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// scriptDialer dials, for its dial number n (1-based), the dialer
// script names, and main past the script's end: real servers behind one
// pool, in an order the test sets.
type scriptDialer struct {
	sendpool.Dialer
	script []sendpool.Dialer
	dials  atomic.Int64
}

func (d *scriptDialer) Dial(ctx context.Context) (sendpool.Conn, error) {
	if n := int(d.dials.Add(1)); n <= len(d.script) && d.script[n-1] != nil {
		return d.script[n-1].Dial(ctx)
	}
	return d.Dialer.Dial(ctx)
}

// TestPoolCapHeldAfterOutage: the server held 3 connections at once;
// then, an outage's 451s at connect made workers give up their places,
// and the refusal over its cap (Microsoft 365's 432 4.3.2) that came
// next told the workers left (1), which send's summary advised as
// send.concurrency. The cap's notices, and the run's NoticeHeld at its
// end, say the most the server held at once: 3. One of the three stays
// open until the cap's refusal came, so that a worker may give its
// place up to it (one connection open, see givesUpPlace) whatever the
// order the others end and dial in.
func TestPoolCapHeldAfterOutage(t *testing.T) {
	const capReply = "432 4.3.2 Concurrent connections limit exceeded. Visit https://aka.ms/concurrent_sending for more information."
	gate, last := make(chan struct{}), make(chan struct{})
	arrived := make(chan struct{}, 3)
	var mails atomic.Int64
	srv := smtptest.NewServer(t, smtptest.WithMaxSessions(3), smtptest.WithCapReply(capReply), smtptest.OnMail(func(smtptest.Session, string) error {
		switch mails.Add(1) {
		case 1, 2:
			arrived <- struct{}{}
			<-gate
		case 3:
			arrived <- struct{}{}
			<-last
		}
		return nil
	}))
	down := smtptest.NewServer(t, smtptest.RefuseWith("451 4.3.0 Temporary failure, please try again later"))
	capped := smtptest.NewServer(t, smtptest.RefuseWith(capReply))
	dialer := func(s *smtptest.Server) sendpool.Dialer {
		d, err := smtpclient.NewDialer(pooltest.NewConfig(s).SMTP)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	main, out, over := dialer(srv), dialer(down), dialer(capped)
	cfg := pooltest.NewConfig(srv)
	// Dials 1 to 3 hold a message each on the server (4 meets the
	// outage while they do); each connection carries one message, and
	// of the dials that replace the first two, one meets the outage and
	// one the cap, while the third holds its message still.
	cfg.Dialer = &scriptDialer{Dialer: main, script: []sendpool.Dialer{nil, nil, nil, out, out, over}}
	cfg.Concurrency, cfg.PerConnection = 4, 1
	var mu sync.Mutex
	var caps, held []sendpool.Notice
	capSeen := make(chan struct{})
	cfg.Notify = func(n sendpool.Notice) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case n.Kind == sendpool.NoticeReconnect && n.Cap:
			if caps = append(caps, n); len(caps) == 1 {
				close(capSeen)
			}
		case n.Kind == sendpool.NoticeHeld:
			held = append(held, n)
		}
	}
	_, _, _, done := pooltest.Start(t, cfg, pooltest.Messages(12))
	for range 3 {
		<-arrived
	}
	close(gate)
	select {
	case <-capSeen:
	case err := <-done:
		t.Fatalf("the run ended (%v) before a worker gave up its place to the cap", err)
	}
	close(last)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 12 {
		t.Errorf("server received %d messages, want 12", n)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, n := range caps {
		if n.Conns != 3 {
			t.Errorf("cap notice %q: Conns %d, want 3, the most the server held at once", n.Text, n.Conns)
		}
	}
	if len(held) != 1 || held[0].Conns != 3 || held[0].Text != "" {
		t.Errorf("NoticeHeld: %+v, want one, Conns 3, no words", held)
	}
}
