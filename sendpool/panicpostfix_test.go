package sendpool_test

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestTransportPanicBehindPostfix is TestTransportPanicBehind against a
// real Postfix, which discards what it takes: with DATA (CHUNKING not
// offered) row 3's envelope went behind row 2's body when its Begin
// panicked, and the connection closed in its DATA phase; Postfix keeps
// no half transaction, so row 3's retry is its one copy. With BDAT the
// panic is after row 3's whole group went, and Postfix delivers it
// though no reply was read: unknown, never sent again (a retry there
// was a second copy: checked).
func TestTransportPanicBehindPostfix(t *testing.T) {
	for _, chunking := range []bool{false, true} {
		t.Run(fmt.Sprint("chunking=", chunking), func(t *testing.T) {
			main := map[string]string{
				"smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
				"default_transport":        "discard:the panic test",
			}
			if !chunking {
				main["smtpd_discard_ehlo_keywords"] = "chunking"
			}
			mta := smtptest.StartPostfix(t, smtptest.PostfixOptions{Main: main})
			cfg := pooltest.Config{SMTP: smtpclient.Config{Host: "127.0.0.1", Port: mta.SMTPPort, Security: campaign.SecurityNone,
				Timeout: 10 * time.Second, Transport: campaign.TransportPipelined}}
			cfg.Config = sendpool.Config{Concurrency: 1, PerConnection: 100, Retries: 1, RetryBackoff: time.Millisecond}
			pc := cfg.PoolConfig(t)
			pc.Dialer = &panicOnceDialer{Dialer: pc.Dialer, row: 3, afterBegin: true}
			cfg.Config = pc
			msgs := []*render.Message{pooltest.Message(2, "user2@example.org"), pooltest.Message(3, "user3@example.org"), pooltest.Message(4, "user4@example.org")}
			res, err := pooltest.Run(t, cfg, msgs)
			if err != nil {
				t.Fatal(err)
			}
			r3 := res.Get(3)
			for row := 2; row <= 4; row++ {
				t.Logf("row %d: %v after %d attempts (%s)", row, res.Get(row).Status, res.Get(row).Attempts, res.Get(row).Detail)
			}
			delivered := func(addr string) int {
				return len(regexp.MustCompile(`to=<`+regexp.QuoteMeta(addr)+`>.*status=sent`).FindAllString(mta.Log(), -1))
			}
			// Each row the pool saw sent is in the log once it is
			// discarded; wait for those, then for the queue to empty.
			for deadline := time.Now().Add(30 * time.Second); delivered("user2@example.org") < 1 || delivered("user4@example.org") < 1 ||
				r3.Status == sendpool.StatusSent && delivered("user3@example.org") < 1 || mta.Queued(t) > 0; {
				if time.Now().After(deadline) {
					t.Fatalf("Postfix did not deliver within 30 s:\n%s", mta.Log())
				}
				time.Sleep(50 * time.Millisecond) // polling Postfix's log: nothing to wait on
			}
			got3 := delivered("user3@example.org")
			if delivered("user2@example.org") != 1 || delivered("user4@example.org") != 1 {
				t.Errorf("rows 2 and 4 delivered %d and %d times, want once each", delivered("user2@example.org"), delivered("user4@example.org"))
			}
			switch {
			case chunking && (r3.Status != sendpool.StatusUnknown || got3 > 1):
				t.Errorf("row 3: %v, delivered %d times; want unknown, never twice", r3.Status, got3)
			case !chunking && (r3.Status != sendpool.StatusSent || r3.Attempts != 2 || got3 != 1):
				t.Errorf("row 3: %v after %d attempts, delivered %d times; want sent once on its retry", r3.Status, r3.Attempts, got3)
			}
			t.Logf("row 3 delivered %d times", got3)
		})
	}
}
