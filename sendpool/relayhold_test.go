package sendpool_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// relayServer is a test server for tr that refuses to relay to
// refused.test, as Postfix words it, counting those RCPTs in refused.
func relayServer(t *testing.T, tr pooltest.Transport, refused *atomic.Int64) *smtptest.Server {
	return tr.Server(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if strings.HasSuffix(to, "@refused.test") {
			refused.Add(1)
			return smtptest.Reply(554, "5.7.1", "<"+to+">: Relay access denied")
		}
		return nil
	}))
}

// TestPoolRelayHoldsBounded: rows to a domain the server refuses to
// relay to wait untried for its answer on relaying while the run goes
// on, but not without end: past the messages a run holds (half of those
// it keeps unfinished) with no other domain taken, the run stops for a
// login as it does once nothing else is left, every row not attempted,
// the server asked about one recipient or so.
func TestPoolRelayHoldsBounded(t *testing.T) { pooltest.Each(t, testPoolRelayHoldsBounded) }

func testPoolRelayHoldsBounded(t *testing.T, tr pooltest.Transport) {
	var refused atomic.Int64
	srv := relayServer(t, tr, &refused)
	cfg := tr.Config(srv)
	cfg.Concurrency = 1
	const n = 700 // more than half of maxUnfinished(1), 1088
	msgs := make([]*render.Message, 0, n+1)
	for i := range n {
		msgs = append(msgs, pooltest.Message(i+2, fmt.Sprintf("r%d@refused.test", i)))
	}
	msgs = append(msgs, pooltest.Message(n+2, "a@partner.test"))
	res, err := pooltest.Run(t, cfg, msgs)
	if !errors.Is(err, sendpool.ErrAuth) {
		t.Fatalf("run error %v, want a login refusal", err)
	}
	// The rows the run did not take from its source have no result
	// (the send reports them as the stop left them).
	if by := res.ByStatus(); len(by) != 1 || len(by[sendpool.StatusNotAttempted]) < 500 {
		t.Errorf("results by status %v, want 500 and more not attempted, none else", by)
	}
	if k := refused.Load(); k > 3 {
		t.Errorf("the server was asked about %d recipients of refused.test", k)
	}
	if k := len(srv.Messages()); k != 0 {
		t.Errorf("the server took %d messages", k)
	}
}

// TestPoolRelayHeldCc: a message the server took for its sender's domain's
// recipient and refused to relay to its Cc waits for its answer on
// relaying; with no other domain taken the run stops, and the message is
// sent, its Cc deferred with the server's words (as a stop leaves a
// recipient refused so), none failed.
func TestPoolRelayHeldCc(t *testing.T) { pooltest.Each(t, testPoolRelayHeldCc) }

func testPoolRelayHeldCc(t *testing.T, tr pooltest.Transport) {
	var refused atomic.Int64
	srv := relayServer(t, tr, &refused)
	cfg := tr.Config(srv)
	res, err := pooltest.Run(t, cfg, []*render.Message{pooltest.Message(2, "a@example.org", "c@refused.test")})
	if !errors.Is(err, sendpool.ErrAuth) {
		t.Fatalf("run error %v, want a login refusal", err)
	}
	r := res.Get(2)
	if r.Status != sendpool.StatusSent || len(r.Recipients) != 2 {
		t.Fatalf("result %+v, want sent", r)
	}
	if cc := r.Recipients[1]; cc.Status != sendpool.StatusDeferred || cc.Code != 554 || !strings.Contains(cc.Detail, "Relay access denied") {
		t.Errorf("the Cc's result %+v, want deferred with the refusal", cc)
	}
	if k := srv.Received("a@example.org"); k != 1 {
		t.Errorf("a@example.org received %d messages", k)
	}
}

// TestPoolRelayEarlierSendsOnly: earlier sends through the server took
// two other domains' mail (Config.SentDomains), but in this run it refuses
// to relay to every domain, as a relay does that stopped trusting this
// machine's address (the campaign carried on from another network, the
// relay's mynetworks changed): the run stops for a login, every row not
// attempted, where every row failed as a policy refusal on the earlier
// runs' word alone.
func TestPoolRelayEarlierSendsOnly(t *testing.T) { pooltest.Each(t, testPoolRelayEarlierSendsOnly) }

func testPoolRelayEarlierSendsOnly(t *testing.T, tr pooltest.Transport) {
	var refused atomic.Int64
	srv := tr.Server(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if !strings.HasSuffix(to, "@example.org") {
			refused.Add(1)
			return smtptest.Reply(554, "5.7.1", "<"+to+">: Relay access denied")
		}
		return nil
	}))
	cfg := tr.Config(srv)
	cfg.Concurrency = 1
	cfg.SentDomains = []string{"partner.test", "partner2.test"}
	var msgs []*render.Message
	for i, d := range []string{"gmail.test", "yahoo.test", "gmail.test", "outlook.test", "aol.test", "yahoo.test"} {
		msgs = append(msgs, pooltest.Message(i+2, fmt.Sprintf("u%d@%s", i, d)))
	}
	res, err := pooltest.Run(t, cfg, msgs)
	if !errors.Is(err, sendpool.ErrAuth) {
		t.Fatalf("run error %v, want a login refusal", err)
	}
	if by := res.ByStatus(); len(by[sendpool.StatusFailed]) > 0 {
		t.Errorf("results by status %v, want none failed", by)
	}
	if k := refused.Load(); k >= int64(len(msgs)) {
		t.Errorf("the server was asked about %d recipients of %d rows: the run did not stop", k, len(msgs))
	}
}

// TestPoolRelayRefusesEarlierDomain: an earlier send through the server
// took gmail.test's and yahoo.test's mail (Config.SentDomains); now it
// refuses to relay to gmail.test, the only domain the run has left. It
// no longer relays for this client as it did (trust withdrawn, a login
// now wanted): the run stops for a login, the rows not attempted, where
// the earlier sends' word failed them as refusals of their own.
func TestPoolRelayRefusesEarlierDomain(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		return smtptest.Reply(554, "5.7.1", "<"+to+">: Relay access denied")
	}))
	cfg := pooltest.NewConfig(srv)
	cfg.SentDomains = []string{"gmail.test", "yahoo.test"}
	res, err := pooltest.Run(t, cfg, []*render.Message{pooltest.Message(2, "u@gmail.test"), pooltest.Message(3, "v@Gmail.test")})
	if !errors.Is(err, sendpool.ErrAuth) {
		t.Fatalf("run error %v, want a login refusal", err)
	}
	if by := res.ByStatus(); len(by[sendpool.StatusNotAttempted]) != 2 {
		t.Errorf("results by status %v, want both not attempted", by)
	}
}

// TestPoolRelayUnasked: a server that relays for this client to some
// domains only refuses refused.test before the run knows it relays (the
// rows to refused.test held), or after (relay known first). Once it is
// known to relay, the rows to refused.test not yet tried fail at once
// with the refusal the server gave for the first, their detail saying
// they were not asked and naming that row, not its recipient (a user
// read another row's address on row 7's line): it answers relaying by
// domain, and asking about each in a row met Postfix's error tarpit
// (TestRealMTARelayUnaskedTarpit). The server is asked about one
// recipient of refused.test, or two when a pipelined connection took the
// next ahead; none is sent anything twice, none skipped.
func TestPoolRelayUnasked(t *testing.T) { pooltest.Each(t, testPoolRelayUnasked) }

func testPoolRelayUnasked(t *testing.T, tr pooltest.Transport) {
	for _, tc := range []struct {
		name          string
		first, others int // the rows to refused.test before the partner rows and after
	}{
		{"held first", 30, 0},
		{"relay known first", 0, 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var refused atomic.Int64
			srv := relayServer(t, tr, &refused)
			cfg := tr.Config(srv)
			cfg.Concurrency = 1
			var msgs []*render.Message
			add := func(to string) { msgs = append(msgs, pooltest.Message(len(msgs)+2, to)) }
			for i := range tc.first {
				add(fmt.Sprintf("r%d@refused.test", i))
			}
			add("a@partner.test")
			add("b@partner2.test")
			for i := range tc.others {
				add(fmt.Sprintf("s%d@refused.test", i))
			}
			res, err := pooltest.Run(t, cfg, msgs)
			if err != nil {
				t.Fatalf("run error %v", err)
			}
			checkUnasked(t, res, msgs, refused.Load())
			pooltest.ExactlyOnce(t, srv, msgs[tc.first:tc.first+2])
		})
	}
}

// checkUnasked checks the results of msgs, sent through relayServer that
// was asked about asked recipients of refused.test: those to partner
// domains sent, those to refused.test failed with its refusal, those
// not asked saying so and naming the domain and the row asked, with the
// reply quoted without the address it was to, and its codes.
func checkUnasked(t *testing.T, res *pooltest.Results, msgs []*render.Message, asked int64) {
	t.Helper()
	if asked < 1 || asked > 2 {
		t.Errorf("the server was asked about %d recipients of refused.test, want 1 (2 pipelined)", asked)
	}
	var unasked int64
	for _, m := range msgs {
		r := res.Get(m.Row)
		if !strings.HasSuffix(m.Recipients[0], "@refused.test") {
			if r.Status != sendpool.StatusSent {
				t.Errorf("row %d: %v %s, want sent", m.Row, r.Status, r.Detail)
			}
			continue
		}
		if r.Status != sendpool.StatusFailed || r.Code != 554 || !strings.Contains(r.Detail, "Relay access denied") || !sendpool.IsRelayRefusal(r.Code, r.Detail) {
			t.Errorf("row %d: %v %d %q, want failed with the refusal to relay", m.Row, r.Status, r.Code, r.Detail)
		}
		if r.Attempts == 0 {
			unasked++
			if !strings.HasPrefix(r.Detail, "not asked: the server refused to relay to refused.test for row ") || !strings.Contains(r.Detail, "(554 5.7.1 Relay access denied); once it relays there, send --retry-failed asks it again") ||
				strings.Contains(r.Detail, "@refused.test") || !strings.Contains(r.Recipients[0].Detail, "not asked") || r.EnhancedCode.String() != "5.7.1" {
				t.Errorf("row %d: detail %q (%s), want it not asked, naming the domain and the row asked, not its recipient", m.Row, r.Detail, r.EnhancedCode)
			}
		}
	}
	if unasked+asked != 30 {
		t.Errorf("%d rows not asked, %d asked, want 30 in all", unasked, asked)
	}
}

// TestPoolRelayUnaskedTookAddress: a server that relays for this client
// to some addresses of a domain and not to others (Sendmail's access
// table, "To:ok@refused.test RELAY") answers relaying by address there,
// not by domain: once it took an address of the domain in the run, a
// refusal to relay to another one fails that row only, and a later row
// to the domain is asked, not failed unasked with that refusal (this
// review, by reading 89be512).
func TestPoolRelayUnaskedTookAddress(t *testing.T) {
	pooltest.Each(t, testPoolRelayUnaskedTookAddress)
}

func testPoolRelayUnaskedTookAddress(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if strings.HasSuffix(to, "@refused.test") && !strings.HasPrefix(to, "ok") {
			return smtptest.Reply(550, "5.7.1", "<"+to+">... Relaying denied")
		}
		return nil
	}))
	cfg := tr.Config(srv)
	cfg.Concurrency = 1
	var msgs []*render.Message
	for _, to := range []string{"ok@refused.test", "a@partner.test", "b@partner2.test", "x@refused.test", "ok2@refused.test", "y@refused.test"} {
		msgs = append(msgs, pooltest.Message(len(msgs)+2, to))
	}
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatalf("run error %v", err)
	}
	for _, m := range msgs {
		r, to := res.Get(m.Row), m.Recipients[0]
		want := sendpool.StatusSent
		if to == "x@refused.test" || to == "y@refused.test" {
			want = sendpool.StatusFailed
		}
		if r.Status != want || r.Attempts == 0 || strings.Contains(r.Detail, "not asked") {
			t.Errorf("row %d (%s): %v after %d tries %q, want %v, asked", m.Row, to, r.Status, r.Attempts, r.Detail, want)
		}
	}
	pooltest.ExactlyOnce(t, srv, []*render.Message{msgs[0], msgs[1], msgs[2], msgs[4]})
}

// TestPoolRelayUnaskedOtherSender: a server that relays for some senders
// only (Postfix's check_sender_access before reject_unauth_destination,
// Microsoft 365's relay for its accepted domains) refused to relay to a
// domain for one row's sender: a later row to that domain from another
// sender (a from: written with a column) is asked, not failed unasked
// with that refusal (this review, by reading 89be512).
func TestPoolRelayUnaskedOtherSender(t *testing.T) {
	pooltest.Each(t, testPoolRelayUnaskedOtherSender)
}

func testPoolRelayUnaskedOtherSender(t *testing.T, tr pooltest.Transport) {
	var from sync.Map // the MAIL FROM of each connection's transaction
	srv := tr.Server(t, smtptest.OnMail(func(s smtptest.Session, f string) error {
		from.Store(s.Conn, f)
		return nil
	}), smtptest.OnRcpt(func(s smtptest.Session, to string) error {
		if f, _ := from.Load(s.Conn); strings.HasSuffix(to, "@refused.test") && f != "ok@trusted.test" {
			return smtptest.Reply(554, "5.7.1", "<"+to+">: Relay access denied")
		}
		return nil
	}))
	cfg := tr.Config(srv)
	cfg.Concurrency = 1
	var msgs []*render.Message
	for _, to := range []string{"a@partner.test", "b@partner2.test", "x@refused.test", "y@refused.test", "z@refused.test"} {
		msgs = append(msgs, pooltest.Message(len(msgs)+2, to))
	}
	msgs[3].EnvelopeFrom = "ok@trusted.test"
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatalf("run error %v", err)
	}
	if r := res.Get(5); r.Status != sendpool.StatusSent || r.Attempts == 0 {
		t.Errorf("row 5, from ok@trusted.test: %v after %d tries %q, want sent", r.Status, r.Attempts, r.Detail)
	}
	// Row 6 is asked too, the server having taken an address of the
	// domain (row 5's): it fails with the refusal.
	if r := res.Get(6); r.Status != sendpool.StatusFailed || !strings.Contains(r.Detail, "Relay access denied") {
		t.Errorf("row 6, from the sender of row 4: %v %q, want failed", r.Status, r.Detail)
	}
	pooltest.ExactlyOnce(t, srv, []*render.Message{msgs[0], msgs[1], msgs[3]})
}

// TestPoolRelayUnaskedPartlySent: a message the server took for one
// recipient and deferred for its Cc, whose domain it refused to relay to
// for another row since, is asked about the Cc on its retry: failed
// unasked, the row read sent with its Cc "not asked (… send
// --retry-failed asks it again)", which no send does for a row that went
// (this review, by reading 8dafb64).
func TestPoolRelayUnaskedPartlySent(t *testing.T) {
	pooltest.Each(t, testPoolRelayUnaskedPartlySent)
}

func testPoolRelayUnaskedPartlySent(t *testing.T, tr pooltest.Transport) {
	var asked atomic.Int64 // RCPTs of b@later.test
	srv := tr.Server(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		switch {
		case to == "b@later.test" && asked.Add(1) == 1:
			return smtptest.Reply(450, "4.7.1", "<"+to+">: Recipient address rejected: try again later")
		case to == "c@later.test":
			return smtptest.Reply(554, "5.7.1", "<"+to+">: Relay access denied")
		}
		return nil
	}))
	cfg := tr.Config(srv)
	cfg.Concurrency = 1
	msgs := []*render.Message{
		pooltest.Message(2, "x@partner.test"),
		pooltest.Message(3, "c@later.test"),
		pooltest.Message(4, "a@ok.test", "b@later.test"),
	}
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatalf("run error %v", err)
	}
	if r := res.Get(4); r.Status != sendpool.StatusSent || strings.Contains(r.Detail, "not asked") || asked.Load() != 2 {
		t.Errorf("row 4: %v %q, b@later.test asked %d times; want sent to both, b asked again", r.Status, r.Detail, asked.Load())
	}
}
