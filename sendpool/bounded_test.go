package sendpool_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// boundedSource hands out n messages and records taking one more than
// bound beyond those finished.
type boundedSource struct {
	mu              sync.Mutex
	n, taken, bound int
	finished        int
	over            bool
}

func (s *boundedSource) Next(context.Context) (*render.Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.taken == s.n {
		return nil, io.EOF
	}
	s.taken++
	if s.taken-s.finished > s.bound {
		s.over = true
	}
	to := fmt.Sprintf("user%d@example.org", s.taken)
	return &render.Message{Row: s.taken + 1, Key: to, EnvelopeFrom: "sender@example.org", Recipients: []string{to}, To: to,
		Data: []byte("From: sender@example.org\r\nTo: " + to + "\r\nSubject: s\r\n\r\nHi\r\n")}, nil
}

// TestRunHoldsBoundedMessages: a relay that defers every message does not
// make the run take the whole source into memory while they wait for
// their retries: it stops taking messages at maxUnfinished.
func TestRunHoldsBoundedMessages(t *testing.T) {
	bound := sendpool.MaxUnfinished(1)
	reached := make(chan struct{})
	var rcpts atomic.Int64
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(smtptest.Session, string) error {
		if rcpts.Add(1) == int64(bound) {
			close(reached)
		}
		return smtptest.Reply(451, "4.3.0", "temporary local problem")
	}))
	cfg := pooltest.NewConfig(srv)
	cfg.SMTP.Transport = campaign.TransportPipelined
	cfg.Concurrency, cfg.PerConnection, cfg.Retries, cfg.RetryBackoff = 1, 1<<20, 3, time.Hour
	p, err := sendpool.New(cfg.PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	src := &boundedSource{n: 3 * bound, bound: bound}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- p.Run(ctx, src, func(sendpool.Result) {
			src.mu.Lock()
			src.finished++
			src.mu.Unlock()
		})
	}()
	<-reached // every message taken so far has had its try; a run that
	// took messages past the bound has taken the next ones already
	src.mu.Lock()
	over, taken := src.over, src.taken
	src.mu.Unlock()
	cancel()
	if err := <-done; !errors.Is(err, sendpool.ErrInterrupted) {
		t.Errorf("Run: %v", err)
	}
	if over || taken != bound {
		t.Errorf("took %d messages with none finished, bound %d", taken, bound)
	}
}
