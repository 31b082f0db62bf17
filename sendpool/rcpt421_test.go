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
// the others sent. Over every transport, with the server keeping the
// session after the 421 and with one closing it, as Postfix does.
func TestRcpt421OneAddressEnds(t *testing.T) {
	const reply = "Try again later, closing connection."
	pooltest.Each(t, func(t *testing.T, tr pooltest.Transport) {
		t.Run("kept", func(t *testing.T) {
			srv := tr.Server(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
				if to == "user3@example.org" {
					return smtptest.Reply(421, "4.7.0", reply)
				}
				return nil
			}))
			rcpt421Ends(t, tr.Config(srv))
		})
		t.Run("closed", func(t *testing.T) {
			if tr.Chunking {
				t.Skip("the scripted server offers no CHUNKING; pipelined-data covers the pipelined exchange")
			}
			s := newScripted(t, []string{"PIPELINING"}, func(c int, cmd string, b []byte) string {
				if strings.HasPrefix(cmd, "RCPT") && strings.Contains(cmd, "user3@") {
					return "421 4.7.0 " + reply + closeAfter
				}
				return okAll(c, cmd, b)
			})
			rcpt421Ends(t, scriptedConfig(s, tr.Setting))
		})
	})
}

// rcpt421Ends runs rows 2-6 through cfg with retries 0, the server
// refusing row 3 with 421, and checks the run ends by itself.
func rcpt421Ends(t *testing.T, cfg pooltest.Config) {
	cfg.Retries = 0
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
	if r := res.Get(3); r.Status != sendpool.StatusDeferred || r.Attempts != 2 {
		t.Errorf("row 3: %v after %d tries (%s), want deferred after 2 (retries 0)", r.Status, r.Attempts, r.Detail)
	}
	for _, row := range []int{2, 4, 5, 6} {
		if r := res.Get(row); r.Status != sendpool.StatusSent {
			t.Errorf("row %d: %v (%s), want sent", row, r.Status, r.Detail)
		}
	}
}
