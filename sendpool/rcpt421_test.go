package sendpool_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestRcpt421OneAddressEnds: a server answering one recipient's RCPT
// with "421 4.7.0" every time, and taking the rest, held the run: each
// of the row's MaxThrottled tries was taken as the server slowing the
// run, halving the rate (down to a sixty-fourth) and spending no retry,
// so with retries 0 the run still waited minutes for it. The row's
// second throttled try, the server having taken others since its first
// and no other try throttled, is its own temporary refusal: with
// retries 0 the row ends deferred after two tries and the run ends,
// the others sent; so too when it is the last row left. Over every
// transport, with the server keeping the session after the 421 and with
// one closing it, as Postfix does.
func TestRcpt421OneAddressEnds(t *testing.T) {
	const reply = "Try again later, closing connection."
	pooltest.Each(t, func(t *testing.T, tr pooltest.Transport) {
		kept := func(bad string) *smtptest.Server {
			return tr.Server(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
				if to == bad {
					return smtptest.Reply(421, "4.7.0", reply)
				}
				return nil
			}))
		}
		t.Run("kept", func(t *testing.T) {
			rcpt421Ends(t, tr.Config(kept("user3@example.org")), 3)
		})
		t.Run("last", func(t *testing.T) {
			// One connection: the row's first try begins once
			// every other row was sent, nothing left to tell by.
			cfg := tr.Config(kept("user6@example.org"))
			cfg.Concurrency = 1
			rcpt421Ends(t, cfg, 6)
		})
		t.Run("closed", func(t *testing.T) {
			ext := []string{"PIPELINING"}
			if tr.Chunking {
				ext = append(ext, "CHUNKING")
			}
			s := newScripted(t, ext, func(c int, cmd string, b []byte) string {
				if strings.HasPrefix(cmd, "RCPT") && strings.Contains(cmd, "user3@") {
					return "421 4.7.0 " + reply + closeAfter
				}
				return okAll(c, cmd, b)
			})
			rcpt421Ends(t, scriptedConfig(s, tr.Setting), 3)
		})
	})
}

// rcpt421Ends runs rows 2-6 through cfg with retries 0, the server
// refusing row bad with 421, and checks the run ends by itself.
func rcpt421Ends(t *testing.T, cfg pooltest.Config, bad int) {
	cfg.Retries = 0
	start := time.Now()
	cfg.Notify = func(n sendpool.Notice) { t.Logf("%s: %s", time.Since(start).Round(time.Millisecond), n.Text) }
	p, err := sendpool.New(cfg.PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	res := pooltest.NewResults(t)
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	if err := p.Run(ctx, sendpool.SliceSource(pooltest.Messages(5)), res.Add); err != nil {
		t.Fatalf("Run: %v, want it to end by itself; %v", err, res.ByStatus())
	}
	for row := 2; row <= 6; row++ {
		r := res.Get(row)
		if row == bad && (r.Status != sendpool.StatusDeferred || r.Attempts != 2) {
			t.Errorf("row %d: %v after %d tries (%s), want deferred after 2 (retries 0)", row, r.Status, r.Attempts, r.Detail)
		}
		if row != bad && r.Status != sendpool.StatusSent {
			t.Errorf("row %d: %v (%s), want sent", row, r.Status, r.Detail)
		}
	}
}
