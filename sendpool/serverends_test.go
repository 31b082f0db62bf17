package sendpool_test

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/pooltest"
	"golang.org/x/time/rate"
)

// TestCloseRightAfterReply: a server that ends the session right after
// its final reply, without a 421 (a limit of messages a session, a
// restart), never took the next message: with CHUNKING its group would
// carry the body before any reply, so the close must be noticed before the
// group is written, or the message ends unknown and is never sent again.
func TestCloseRightAfterReply(t *testing.T) {
	for _, ext := range [][]string{{"PIPELINING", "CHUNKING"}, {"PIPELINING"}, nil} {
		t.Run(strings.Join(append([]string{"ext"}, ext...), "+"), func(t *testing.T) {
			s := newScripted(t, ext, func(c int, cmd string, b []byte) string {
				if cmd == "." || strings.HasPrefix(cmd, "BDAT") {
					return "250 2.0.0 queued" + closeAfter
				}
				return okAll(c, cmd, b)
			})
			res, err := pooltest.Run(t, scriptedConfig(s, campaign.TransportAuto), pooltest.Messages(4))
			if err != nil {
				t.Fatal(err)
			}
			// With DATA a group rides behind the body before it, so a
			// message can meet the close twice (a retry spent); with
			// CHUNKING a group waits for the reply before it.
			dataPiped := len(ext) == 1
			for row := 2; row <= 5; row++ {
				if r := res.Get(row); r.Status != sendpool.StatusSent || r.Attempts != 1 && !dataPiped {
					t.Errorf("row %d: %v after %d attempts (%s), want sent after 1\n%s", row, r.Status, r.Attempts, r.Detail, strings.Join(s.Log(), "\n"))
				}
			}
			if n := s.conns.Load(); n != 4 {
				t.Errorf("%d connections, want 4 (a message each)", n)
			}
		})
	}
}

// TestThrottleAtMailOnReusedConnection: "421 4.7.0 Try again later,
// closing connection" to MAIL on a connection that carried a message
// asks the sender to slow down (Gmail): the pool lowers its rate and
// waits before the message goes again, rather than taking it for an
// idle connection the server dropped (which goes again at once, for
// free). A 421 that limits the session (a cap of messages a connection)
// is such a drop.
func TestThrottleAtMailOnReusedConnection(t *testing.T) {
	for _, tr := range []campaign.Transport{campaign.TransportPlain, campaign.TransportPipelined} {
		for _, tc := range []struct {
			reply     string
			throttled bool
		}{
			{"421 4.7.0 Try again later, closing connection. (MAIL) - gsmtp", true},
			{"421 4.7.0 too many messages on this connection, closing", false},
		} {
			t.Run(tr.String()+"/"+tc.reply[:18], func(t *testing.T) {
				var mu sync.Mutex
				mails := 0
				s := newScripted(t, []string{"PIPELINING"}, func(c int, cmd string, b []byte) string {
					mu.Lock()
					defer mu.Unlock()
					if strings.HasPrefix(cmd, "MAIL") {
						if mails++; mails == 2 {
							return tc.reply
						}
					}
					return okAll(c, cmd, b)
				})
				cfg := scriptedConfig(s, tr)
				cfg.Rate = 1000
				p, err := sendpool.New(cfg.PoolConfig(t))
				if err != nil {
					t.Fatal(err)
				}
				res := pooltest.NewResults(t)
				if err := p.Run(context.Background(), sendpool.SliceSource(pooltest.Messages(2)), res.Add); err != nil {
					t.Fatal(err)
				}
				r := res.Get(3)
				if r.Status != sendpool.StatusSent {
					t.Fatalf("row 3: %v (%s), want sent\n%s", r.Status, r.Detail, strings.Join(s.Log(), "\n"))
				}
				if slowed := p.Limiter().Rate() < 1000; slowed != tc.throttled {
					t.Errorf("rate after the 421: %v, want it lowered: %v", p.Limiter().Rate(), tc.throttled)
				}
				if want := map[bool]int{true: 2, false: 1}[tc.throttled]; r.Attempts != want {
					t.Errorf("row 3: %d attempts, want %d (a drop of an idle connection costs no retry)", r.Attempts, want)
				}
			})
		}
	}
}

// TestTooManyRecipients552: RFC 5321 4.5.3.1.10: a 552 "too many
// recipients" to RCPT is taken as 452, temporary: the recipients over
// the server's limit get the message in another transaction.
func TestTooManyRecipients552(t *testing.T) {
	for _, tr := range []campaign.Transport{campaign.TransportPlain, campaign.TransportPipelined} {
		t.Run(tr.String(), func(t *testing.T) {
			var mu sync.Mutex
			rcpts := map[int]int{}
			s := newScripted(t, []string{"PIPELINING"}, func(c int, cmd string, b []byte) string {
				mu.Lock()
				defer mu.Unlock()
				switch {
				case strings.HasPrefix(cmd, "MAIL"):
					rcpts[c] = 0
				case strings.HasPrefix(cmd, "RCPT"):
					if rcpts[c]++; rcpts[c] > 1 {
						return "552 5.5.3 Too many recipients"
					}
				}
				return okAll(c, cmd, b)
			})
			res, err := pooltest.Run(t, scriptedConfig(s, tr), []*render.Message{pooltest.Message(2, "to@example.org", "cc@example.org")})
			if err != nil {
				t.Fatal(err)
			}
			r := res.Get(2)
			for _, rr := range r.Recipients {
				if rr.Status != sendpool.StatusSent {
					t.Errorf("%s: %v %d %s, want sent in a second transaction\n%s", rr.Address, rr.Status, rr.Code, rr.Detail, strings.Join(s.Log(), "\n"))
				}
			}
		})
	}
}

// TestSlowLinkLargeBody: a body goes as long as the server keeps taking
// it, however long the whole takes; the timeout bounds a stall, not the
// body. 16 MB at 8 MB/s (what the kernel's buffers take aside, over a
// second of writing) with a timeout of 1 s.
func TestSlowLinkLargeBody(t *testing.T) {
	for _, tr := range []campaign.Transport{campaign.TransportPlain, campaign.TransportPipelined} {
		t.Run(tr.String(), func(t *testing.T) {
			s := newScripted(t, []string{"PIPELINING"}, okAll, paced(rate.NewLimiter(8<<20, 64<<10)))
			cfg := scriptedConfig(s, tr)
			cfg.SMTP.Timeout = time.Second
			cfg.Retries = 0
			m := pooltest.Message(2, "big@example.org")
			m.Data = append(m.Data, bytes.Repeat([]byte(strings.Repeat("x", 998)+"\r\n"), 16<<10)...)
			res, err := pooltest.Run(t, cfg, []*render.Message{m})
			if err != nil {
				t.Fatal(err)
			}
			if r := res.Get(2); r.Status != sendpool.StatusSent {
				t.Errorf("16 MB at 8 MB/s: %v (%s), want sent", r.Status, r.Detail)
			}
		})
	}
}

// TestSlowLinkReplyAfterBodyLeft: the wait for the reply to a body counts
// from when the body has left, not from when the kernel took the last of
// it: over a slow link (a hotel's Wi-Fi, a phone's tethering) the system
// holds megabytes of a body written "at once" and sends them for minutes,
// and a message the server takes in the end must not be given up as
// unknown meanwhile. 2 MB at 256 KB/s with a timeout of 1 s (a reply
// wait of 4 s), the kernel's send buffer holding most of it. Linux and
// macOS alone tell how much of a body has left (README), so elsewhere
// the wait stays as it was set and the test is skipped.
func TestSlowLinkReplyAfterBodyLeft(t *testing.T) {
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("the system does not tell how much of a body is still leaving (Linux and macOS do)")
	}
	for _, tr := range []campaign.Transport{campaign.TransportPlain, campaign.TransportPipelined} {
		t.Run(tr.String(), func(t *testing.T) {
			s := newScripted(t, []string{"PIPELINING"}, okAll, paced(rate.NewLimiter(256<<10, 64<<10)))
			cfg := scriptedConfig(s, tr)
			cfg.SMTP.Timeout = time.Second
			cfg.Retries = 0
			m := pooltest.Message(2, "slow@example.org")
			m.Data = append(m.Data, bytes.Repeat([]byte(strings.Repeat("x", 998)+"\r\n"), 2<<10)...)
			res, err := pooltest.Run(t, cfg, []*render.Message{m})
			if err != nil {
				t.Fatal(err)
			}
			if r := res.Get(2); r.Status != sendpool.StatusSent {
				t.Errorf("2 MB at 256 KB/s: %v (%s), want sent", r.Status, r.Detail)
			}
		})
	}
}

// TestStallBeforeEndLeft: a link that stalls, or a network that goes (a
// laptop's Wi-Fi switching networks: no FIN, no reset), while a body still
// goes out leaves its end in this machine's send buffer: the server cannot
// have had the message, so it is not delivered and goes again on a new
// connection, one copy, rather than unknown, which no send re-sends
// unasked. The first connection stops reading 64 KiB into a 2 MB body.
// Linux alone tells what of a body never left (README), so elsewhere
// such a message stays unknown and the test is skipped.
func TestStallBeforeEndLeft(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the system does not tell what of a body never left this machine (Linux does)")
	}
	for _, tr := range []campaign.Transport{campaign.TransportPlain, campaign.TransportPipelined} {
		t.Run(tr.String(), func(t *testing.T) {
			res, s, copies := sendStalled(t, tr, stallsBody(1))
			if r := res.Get(2); r.Status != sendpool.StatusSent || copies.Load() != 1 {
				t.Errorf("stalled mid-body on the first connection: %v (%s), %d copies taken; want sent, one copy\n%s",
					r.Status, r.Detail, copies.Load(), strings.Join(s.Log(), "\n"))
			}
		})
	}
}

// TestStallBeforeEndLeftNeverLeavesLater: a message judged not delivered
// because the end of its body never left this machine (TestStallBeforeEndLeft)
// must never leave it later: closed as usual, its connection would have
// the system send what it still held, the end with it, once the link moves
// again, and the server take the message its retry sends again. The first
// connection reads on once the retry's connection came, and must get no
// second copy.
func TestStallBeforeEndLeftNeverLeavesLater(t *testing.T) {
	for _, tr := range []campaign.Transport{campaign.TransportPlain, campaign.TransportPipelined} {
		t.Run(tr.String(), func(t *testing.T) {
			res, s, copies := sendStalled(t, tr, stallsBodyUntilRetry())
			select {
			case <-s.stallDone:
			case <-time.After(30 * time.Second):
				t.Fatalf("the stalled connection did not end its body within 30 s\n%s", strings.Join(s.Log(), "\n"))
			}
			if r := res.Get(2); r.Status != sendpool.StatusSent || copies.Load() != 1 {
				t.Errorf("stalled mid-body, the link moving again after the retry: %v (%s), %d copies taken; want sent, one copy\n%s",
					r.Status, r.Detail, copies.Load(), strings.Join(s.Log(), "\n"))
			}
		})
	}
}

// sendStalled sends row 2, a 2 MB message, over tr with smtp.timeout 1 s
// to a scripted server whose first connection stalls in the body as stall
// says; it returns the run's results, the server and the bodies the
// server took.
func sendStalled(t *testing.T, tr campaign.Transport, stall scriptOption) (*pooltest.Results, *scripted, *atomic.Int32) {
	t.Helper()
	copies := new(atomic.Int32)
	s := newScripted(t, []string{"PIPELINING"}, func(conn int, cmd string, body []byte) string {
		if cmd == "." {
			copies.Add(1)
		}
		return okAll(conn, cmd, body)
	}, stall)
	cfg := scriptedConfig(s, tr)
	cfg.SMTP.Timeout = time.Second
	m := pooltest.Message(2, "member@example.org")
	m.Data = append(m.Data, bytes.Repeat([]byte(strings.Repeat("x", 998)+"\r\n"), 2<<10)...)
	res, err := pooltest.Run(t, cfg, []*render.Message{m})
	if err != nil {
		t.Fatal(err)
	}
	return res, s, copies
}

// TestDomainLimitHoldsRetries: a retry counts against send.domains as a
// first try does: qq.com limited to one message every 600 ms, a@qq.com
// greylisted once with a retry due after 300 ms: the retry waits for
// its domain's turn instead of going 300 ms after b@qq.com's message.
func TestDomainLimitHoldsRetries(t *testing.T) {
	var mu sync.Mutex
	var got []time.Time // when each message's MAIL came
	greylisted := false
	s := newScripted(t, []string{"PIPELINING"}, func(c int, cmd string, b []byte) string {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case strings.HasPrefix(cmd, "MAIL"):
			got = append(got, time.Now())
		case strings.Contains(cmd, "a@qq.com") && !greylisted:
			greylisted = true
			return "450 4.2.0 greylisted, try again later"
		}
		return okAll(c, cmd, b)
	})
	cfg := scriptedConfig(s, campaign.TransportPlain)
	cfg.RetryBackoff = 300 * time.Millisecond
	cfg.Concurrency = 2
	res := runQQ(t, cfg, pooltest.Message(2, "a@qq.com"), pooltest.Message(3, "b@qq.com"), pooltest.Message(4, "c@qq.com"))
	for _, row := range []int{2, 3, 4} {
		if r := res.Get(row); r.Status != sendpool.StatusSent {
			t.Errorf("row %d: %v (%s)", row, r.Status, r.Detail)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 4 {
		t.Fatalf("%d transactions, want 4 (a twice)", len(got))
	}
	for i := 1; i < len(got); i++ {
		// 600 ms apart, less what the clocks of the two ends jitter.
		if gap := got[i].Sub(got[i-1]); gap < 500*time.Millisecond {
			t.Errorf("transactions %d and %d to qq.com went %v apart; the limit is one every 600 ms", i, i+1, gap.Round(time.Millisecond))
		}
	}
}

// TestWithdrawBeforeRedial: messages whose journal attempts were recorded
// ahead (the journal is slower than the loopback server) and whose
// connection then ended (a 421 at an earlier message's RCPT) have those
// attempts taken back before the worker dials again, however long the
// dial waits (the server down: its greeting refused): a crash then leaves
// them not attempted, to send, never unknown. The journal is read as a
// resumed run would read it while the worker waits to dial.
func TestWithdrawBeforeRedial(t *testing.T) {
	stateDir := t.TempDir()
	down, up := make(chan struct{}), make(chan struct{})
	var once sync.Once
	s := newScripted(t, []string{"PIPELINING"}, func(c int, cmd string, b []byte) string {
		if c == 1 && strings.Contains(cmd, "user12@") {
			return "421 4.3.2 shutting down"
		}
		return okAll(c, cmd, b)
	}, greeting(func(c int) string {
		select {
		case <-up:
			return "220 back"
		default:
		}
		if c == 1 {
			return "220 ready"
		}
		once.Do(func() { close(down) })
		return "421 4.3.2 maintenance"
	}))
	lock, err := journal.AcquireLock(stateDir)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	w, err := journal.Open(t.Context(), lock, journal.Run{PID: 1, Started: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	cfg := scriptedConfig(s, campaign.TransportPipelined)
	cfg.Journal = journal.NewRecorder(w)
	cfg.Retries = 10
	cfg.RetryBackoff = 50 * time.Millisecond
	msgs := pooltest.Messages(30)
	p, err := sendpool.New(cfg.PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	res := pooltest.NewResults(t)
	go func() { done <- p.Run(t.Context(), sendpool.SliceSource(msgs), res.Add) }()
	select {
	case <-down:
	case err := <-done:
		t.Fatalf("the run ended before the server went down: %v", err)
	}
	st, err := journal.Load(t.Context(), stateDir)
	if err != nil {
		t.Fatal(err)
	}
	var unknown []int
	for _, m := range msgs {
		if e, err := st.Entry(m.Key); err != nil {
			t.Fatal(err)
		} else if e != nil && e.Status == sendpool.StatusUnknown {
			unknown = append(unknown, m.Row)
		}
	}
	st.Close()
	close(up)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(unknown) > 0 {
		t.Errorf("while the server was down the journal had rows %v unknown: a crash then would have left them so, though none reached the server", unknown)
	}
	for _, m := range msgs {
		if r := res.Get(m.Row); r.Status != sendpool.StatusSent {
			t.Errorf("row %d: %v (%s)", m.Row, r.Status, r.Detail)
		}
	}
}

// TestHandBackKeepsItsTurn: a message a worker hands on untried (its dial
// refused by a cap on connections) had its domain's turn when the source
// gave it out: it does not take a second one. qq.com at one message every
// 600 ms; the first message's reply waits until the second worker's dial
// was refused, so that worker has the second message to hand on: it goes
// about 600 ms after the first, not 1.2 s.
func TestHandBackKeepsItsTurn(t *testing.T) {
	var mu sync.Mutex
	var got []time.Time // when each MAIL came
	refused := make(chan struct{})
	var once sync.Once
	s := newScripted(t, []string{"PIPELINING"}, func(c int, cmd string, b []byte) string {
		if cmd == "." && c == 1 {
			select {
			case <-refused: // the other worker has handed its message on
			case <-t.Context().Done():
			}
		}
		mu.Lock()
		defer mu.Unlock()
		if strings.HasPrefix(cmd, "MAIL") {
			got = append(got, time.Now())
		}
		return okAll(c, cmd, b)
	}, greeting(func(c int) string {
		if c == 1 {
			return "220 ready"
		}
		once.Do(func() { close(refused) })
		return "421 4.7.0 too many connections from your IP (HL:ICC)"
	}))
	cfg := scriptedConfig(s, campaign.TransportPlain)
	cfg.Concurrency = 2
	runQQ(t, cfg, pooltest.Message(2, "a@qq.com"), pooltest.Message(3, "b@qq.com"))
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || s.conns.Load() < 2 {
		t.Fatalf("%d transactions over %d connections, want 2 and a refused dial", len(got), s.conns.Load())
	}
	if gap := got[1].Sub(got[0]); gap > 900*time.Millisecond {
		t.Errorf("the second message went %v after the first; the domain's turn is 600 ms", gap.Round(time.Millisecond))
	}
}

// runQQ runs a pool of cfg over msgs through a DomainScheduler that
// limits qq.com to one message every 600 ms.
func runQQ(t *testing.T, cfg pooltest.Config, msgs ...*render.Message) *pooltest.Results {
	t.Helper()
	sched, err := sendpool.NewDomainScheduler(sendpool.SliceSource(msgs), map[string]campaign.Rate{"qq.com": {N: 1, Per: 600 * time.Millisecond}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := sendpool.New(cfg.PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	res := pooltest.NewResults(t)
	if err := p.Run(t.Context(), sched, res.Add); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestUnaskedRefusalEndsSession: with CHUNKING, an unasked 5xx found
// before the next BDAT group (the session then closed) refuses no message:
// the next one, none of which was sent, goes on a new connection. (With
// DATA the next message's MAIL went out behind the body, and the line
// reads as its reply: a refusal, as a server that says 554 to MAIL means.)
func TestUnaskedRefusalEndsSession(t *testing.T) {
	for _, ext := range [][]string{{"PIPELINING", "CHUNKING"}} {
		t.Run(strings.Join(ext, "+"), func(t *testing.T) {
			var mu sync.Mutex
			ends := 0
			s := newScripted(t, ext, func(c int, cmd string, b []byte) string {
				mu.Lock()
				defer mu.Unlock()
				if cmd == "." || strings.HasPrefix(cmd, "BDAT") {
					if ends++; ends == 1 {
						return "250 2.0.0 queued\r\n554 5.7.1 Too many errors, closing connection" + closeAfter
					}
				}
				return okAll(c, cmd, b)
			})
			res, err := pooltest.Run(t, scriptedConfig(s, campaign.TransportPipelined), pooltest.Messages(2))
			if err != nil {
				t.Fatal(err)
			}
			if r := res.Get(3); r.Status != sendpool.StatusSent {
				t.Errorf("row 3: %v (%s), want sent on a new connection", r.Status, r.Detail)
			}
		})
	}
}

// TestUnaskedThrottleBeforeBDAT: with CHUNKING, an unasked "421 4.7.0
// Try again later" found before the next BDAT group, on one line or on
// several ("421-…" first), asks the sender to slow down: the pool lowers
// its rate and the next message, none of which was sent, goes again
// after a wait on a new connection; each message reaches the server
// once.
func TestUnaskedThrottleBeforeBDAT(t *testing.T) {
	for name, reply := range map[string]string{
		"single-line": "421 4.7.0 Try again later, closing connection",
		"multi-line":  "421-4.7.0 Try again later,\r\n421-4.7.0 please slow down\r\n421 4.7.0 closing connection",
	} {
		t.Run(name, func(t *testing.T) {
			var mu sync.Mutex
			bdats := 0
			s := newScripted(t, []string{"PIPELINING", "CHUNKING"}, func(c int, cmd string, b []byte) string {
				mu.Lock()
				defer mu.Unlock()
				if strings.HasPrefix(cmd, "BDAT") {
					if bdats++; bdats == 1 {
						return "250 2.0.0 queued\r\n" + reply + closeAfter
					}
				}
				return okAll(c, cmd, b)
			})
			cfg := scriptedConfig(s, campaign.TransportPipelined)
			cfg.Rate = 1000
			p, err := sendpool.New(cfg.PoolConfig(t))
			if err != nil {
				t.Fatal(err)
			}
			res := pooltest.NewResults(t)
			if err := p.Run(t.Context(), sendpool.SliceSource(pooltest.Messages(2)), res.Add); err != nil {
				t.Fatal(err)
			}
			for _, row := range []int{2, 3} {
				if r := res.Get(row); r.Status != sendpool.StatusSent {
					t.Fatalf("row %d: %v (%s), want sent\n%s", row, r.Status, r.Detail, strings.Join(s.Log(), "\n"))
				}
			}
			if rate := p.Limiter().Rate(); rate >= 1000 {
				t.Errorf("rate after the unasked 421: %v, want it lowered", rate)
			}
			if r := res.Get(3); r.Attempts != 2 {
				t.Errorf("row 3: %d attempts, want 2 (a wait, not a free redial)", r.Attempts)
			}
			mu.Lock()
			defer mu.Unlock()
			if bdats != 2 {
				t.Errorf("the server got %d messages, want 2, each once\n%s", bdats, strings.Join(s.Log(), "\n"))
			}
		})
	}
}

// TestQuotaAtConnect: a server that says at its greeting, or to the
// login, that the sender's quota for the day or its credits are used up
// stops the run for the quota (ErrQuota), not after so many failed dials
// nor as a server that refuses service; the message is not attempted.
func TestQuotaAtConnect(t *testing.T) {
	for _, tc := range []struct {
		name  string
		greet string
		auth  string
	}{
		{"greeting", "554 5.7.0 Daily message limit reached for this account, try again tomorrow", ""},
		{"AUTH", "220 ready", "451 Authentication failed: Maximum credits exceeded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScripted(t, []string{"PIPELINING", "AUTH PLAIN"}, func(c int, cmd string, b []byte) string {
				if strings.HasPrefix(cmd, "AUTH") {
					return tc.auth
				}
				return okAll(c, cmd, b)
			}, greeting(func(int) string { return tc.greet }))
			cfg := scriptedConfig(s, campaign.TransportPlain)
			cfg.SMTP.Username, cfg.SMTP.Password = "me", "secret"
			p, err := sendpool.New(cfg.PoolConfig(t))
			if err != nil {
				t.Fatal(err)
			}
			res := pooltest.NewResults(t)
			err = p.Run(t.Context(), sendpool.SliceSource([]*render.Message{pooltest.Message(2, "a@example.org")}), res.Add)
			if !errors.Is(err, sendpool.ErrQuota) {
				t.Fatalf("Run: %v, want the run stopped for the quota", err)
			}
			if r := res.Get(2); r.Status != sendpool.StatusNotAttempted {
				t.Errorf("row 2: %+v, want not attempted", r)
			}
			if n := s.conns.Load(); n != 1 {
				t.Errorf("%d connections, want 1: a used-up quota is not dialed again", n)
			}
		})
	}
}

// TestBareReplyCode: a server that answers with bare reply codes ("250",
// RFC 5321 4.2 makes the text optional), also at the end of a multi-line
// reply, delivers in every exchange (lockstep, pipelined with DATA and
// with CHUNKING): each message is sent, not lost with its reply read as
// a broken connection, and no reply is taken for the next one's.
func TestBareReplyCode(t *testing.T) {
	for _, tc := range []struct {
		name      string
		ext       []string
		transport campaign.Transport
	}{
		{"plain", nil, campaign.TransportPlain},
		{"pipelined", []string{"PIPELINING"}, campaign.TransportPipelined},
		{"pipelined+chunking", []string{"PIPELINING", "CHUNKING"}, campaign.TransportPipelined},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newScripted(t, tc.ext, func(c int, cmd string, b []byte) string {
				switch {
				case strings.HasPrefix(cmd, "DATA"):
					return "354 go ahead"
				case strings.HasPrefix(cmd, "MAIL"):
					return "250-sender ok\r\n250"
				}
				return "250"
			})
			res, err := pooltest.Run(t, scriptedConfig(s, tc.transport), pooltest.Messages(3))
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range []int{2, 3, 4} {
				if r := res.Get(row); r.Status != sendpool.StatusSent || r.Code != 250 {
					t.Errorf("row %d: %v %d %q, want sent", row, r.Status, r.Code, r.Detail)
				}
			}
		})
	}
}

// TestQuotaOnReusedConnection: a 421 that says the quota is used up, on
// a connection that carried a message before, stops the run at once: it
// is no idle drop to dial again for.
func TestQuotaOnReusedConnection(t *testing.T) {
	var mails atomic.Int32
	s := newScripted(t, []string{"PIPELINING"}, func(c int, cmd string, b []byte) string {
		if strings.HasPrefix(cmd, "MAIL") && mails.Add(1) == 2 {
			return "421 4.7.0 Daily user sending quota exceeded, closing connection"
		}
		return okAll(c, cmd, b)
	})
	p, err := sendpool.New(scriptedConfig(s, campaign.TransportPlain).PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	res := pooltest.NewResults(t)
	err = p.Run(t.Context(), sendpool.SliceSource(pooltest.Messages(3)), res.Add)
	if !errors.Is(err, sendpool.ErrQuota) || s.conns.Load() != 1 {
		t.Errorf("Run: %v over %d connections; want the run stopped for the quota on the first", err, s.conns.Load())
	}
	if r := res.Get(2); r.Status != sendpool.StatusSent {
		t.Errorf("row 2: %v, want sent", r.Status)
	}
}
