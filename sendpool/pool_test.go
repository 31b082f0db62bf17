package sendpool_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
)

func TestPoolDeliversEachMessageOnce(t *testing.T) { pooltest.Each(t, testPoolDeliversEachMessageOnce) }

func testPoolDeliversEachMessageOnce(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t)
	cfg := tr.Config(srv)
	cfg.Concurrency = 4
	cfg.PerConnection = 10
	msgs := pooltest.Messages(50)
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	pooltest.ExactlyOnce(t, srv, msgs)
	for _, m := range msgs {
		r := res.Get(m.Row)
		if r.Status != sendpool.StatusSent || r.Attempts != 1 || r.Code != 250 {
			t.Errorf("row %d: %v attempts %d code %d (%s), want sent once with 250", m.Row, r.Status, r.Attempts, r.Code, r.Detail)
		}
		if r.Key != m.Key || r.MessageID != m.MessageID || r.Server != srv.Addr || r.StartedAt.IsZero() || r.FinishedAt.Before(r.StartedAt) {
			t.Errorf("row %d: result fields %+v", m.Row, r)
		}
	}
	if got := srv.MaxConcurrent(); got > 4 {
		t.Errorf("server saw %d connections at once, concurrency is 4", got)
	}
	// 50 messages, 10 per connection, 4 connections: 5 to 9 connections.
	if got := srv.Connections(); got < 5 || got > 9 {
		t.Errorf("connections %d, want 5..9", got)
	}
	// The data arrived as rendered, with the SIZE parameter.
	for _, m := range srv.Messages() {
		if m.Size != int64(len(m.Data)) {
			t.Errorf("SIZE=%d for %d bytes", m.Size, len(m.Data))
		}
	}
}

func TestPoolRecyclesAfterPerConnection(t *testing.T) {
	pooltest.Each(t, testPoolRecyclesAfterPerConnection)
}

func testPoolRecyclesAfterPerConnection(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t)
	cfg := tr.Config(srv)
	cfg.Concurrency = 1
	cfg.PerConnection = 10
	msgs := pooltest.Messages(25)
	if _, err := pooltest.Run(t, cfg, msgs); err != nil {
		t.Fatal(err)
	}
	pooltest.ExactlyOnce(t, srv, msgs)
	if got := srv.Connections(); got != 3 {
		t.Errorf("connections %d, want 3 (10+10+5)", got)
	}
	if got := srv.Commands("QUIT"); got != 3 {
		t.Errorf("QUIT %d times, want 3 (each connection ended politely)", got)
	}
	// The messages on each connection: 10, 10, 5.
	per := map[int]int{}
	for _, m := range srv.Messages() {
		per[m.Conn]++
	}
	if per[1] != 10 || per[2] != 10 || per[3] != 5 {
		t.Errorf("messages per connection %v, want 10, 10, 5", per)
	}
}

// TestPoolNeverExceedsConcurrency runs against a server that refuses any
// connection beyond the cap (as NetEase does with 421 HL:ICC): replacing
// connections every two messages must never overlap an old and a new one.
func TestPoolNeverExceedsConcurrency(t *testing.T) { pooltest.Each(t, testPoolNeverExceedsConcurrency) }

func testPoolNeverExceedsConcurrency(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t, smtptest.WithMaxSessions(3))
	cfg := tr.Config(srv)
	cfg.Concurrency = 3
	cfg.PerConnection = 2
	cfg.Retries = 0
	msgs := pooltest.Messages(60)
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	pooltest.ExactlyOnce(t, srv, msgs)
	if got := srv.Rejected(); got != 0 {
		t.Errorf("server refused %d connections over its cap of 3", got)
	}
	if got := srv.MaxConcurrent(); got > 3 {
		t.Errorf("max concurrent %d > 3", got)
	}
	if got := res.ByStatus()[sendpool.StatusSent]; len(got) != 60 {
		t.Errorf("%d sent, want 60", len(got))
	}
	if got := srv.Connections(); got < 30 {
		t.Errorf("connections %d, want at least 30 (2 messages each)", got)
	}
}

func TestPoolRetriesTemporaryRcptFailures(t *testing.T) {
	pooltest.Each(t, testPoolRetriesTemporaryRcptFailures)
}

func testPoolRetriesTemporaryRcptFailures(t *testing.T, tr pooltest.Transport) {
	var mu sync.Mutex
	seen := map[string]int{}
	srv := tr.Server(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		mu.Lock()
		defer mu.Unlock()
		seen[to]++
		if strings.HasPrefix(to, "busy") && seen[to] <= 2 {
			return smtptest.Reply(451, "4.3.0", "mailbox busy, try again")
		}
		return nil
	}))
	cfg := tr.Config(srv)
	cfg.Retries = 3
	msgs := []*render.Message{pooltest.Message(2, "busy1@example.org"), pooltest.Message(3, "ok@example.org"), pooltest.Message(4, "busy2@example.org")}
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	pooltest.ExactlyOnce(t, srv, msgs)
	for row, attempts := range map[int]int{2: 3, 3: 1, 4: 3} {
		r := res.Get(row)
		if r.Status != sendpool.StatusSent || r.Attempts != attempts {
			t.Errorf("row %d: %v after %d attempts, want sent after %d", row, r.Status, r.Attempts, attempts)
		}
	}
}

func TestPoolGivesUpAfterRetries(t *testing.T) { pooltest.Each(t, testPoolGivesUpAfterRetries) }

func testPoolGivesUpAfterRetries(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		return smtptest.Reply(451, "4.3.0", "mailbox busy, try again")
	}))
	cfg := tr.Config(srv)
	cfg.Retries = 2
	res, err := pooltest.Run(t, cfg, []*render.Message{pooltest.Message(2, "busy@example.org")})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Get(2)
	if r.Status != sendpool.StatusDeferred || r.Attempts != 3 || r.Code != 451 || r.EnhancedCode.String() != "4.3.0" {
		t.Fatalf("result %+v, want deferred after 3 attempts with 451 4.3.0", r)
	}
	if !strings.Contains(r.Detail, "gave up after 2 retries") || !strings.Contains(r.Detail, "mailbox busy") {
		t.Errorf("detail %q", r.Detail)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server accepted %d messages", n)
	}
}

func TestPoolPermanentFailureNotRetried(t *testing.T) {
	pooltest.Each(t, testPoolPermanentFailureNotRetried)
}

func testPoolPermanentFailureNotRetried(t *testing.T, tr pooltest.Transport) {
	var rcpts atomic.Int64
	srv := tr.Server(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if strings.HasPrefix(to, "nobody") {
			rcpts.Add(1)
			return smtptest.Reply(550, "5.1.1", "user unknown")
		}
		return nil
	}))
	cfg := tr.Config(srv)
	cfg.Concurrency = 1
	msgs := []*render.Message{pooltest.Message(2, "a@example.org"), pooltest.Message(3, "nobody@example.org"), pooltest.Message(4, "b@example.org")}
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Get(3)
	if r.Status != sendpool.StatusFailed || r.Attempts != 1 || r.Code != 550 || r.EnhancedCode != (sendpool.EnhancedCode{5, 1, 1}) || r.Detail != "user unknown" {
		t.Errorf("row 3: %+v, want failed once 550 5.1.1 user unknown", r)
	}
	if rcpts.Load() != 1 {
		t.Errorf("RCPT for the unknown user %d times, want 1", rcpts.Load())
	}
	if srv.Received("nobody@example.org") != 0 {
		t.Error("the refused recipient got the message")
	}
	pooltest.ExactlyOnce(t, srv, []*render.Message{msgs[0], msgs[2]})
	// One connection carried all three: the failed transaction was reset.
	if srv.Connections() != 1 || srv.Commands("RSET") != 1 {
		t.Errorf("connections %d, RSET %d; want 1 and 1", srv.Connections(), srv.Commands("RSET"))
	}
}

func TestPoolPartialRecipients(t *testing.T) { pooltest.Each(t, testPoolPartialRecipients) }

func testPoolPartialRecipients(t *testing.T, tr pooltest.Transport) {
	var mu sync.Mutex
	tries := map[string]int{}
	srv := tr.Server(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		mu.Lock()
		defer mu.Unlock()
		tries[to]++
		switch {
		case strings.HasPrefix(to, "gone"):
			return smtptest.Reply(550, "5.1.1", "no such user")
		case strings.HasPrefix(to, "later") && tries[to] == 1:
			return smtptest.Reply(452, "4.2.2", "mailbox full")
		}
		return nil
	}))
	cfg := tr.Config(srv)
	cfg.Concurrency = 1
	msgs := []*render.Message{
		pooltest.Message(2, "to@example.org", "gone@example.org", "cc@example.org"),
		pooltest.Message(3, "first@example.org", "later@example.org"),
	}
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Get(2)
	if r.Status != sendpool.StatusSent || !strings.Contains(r.Detail, "not accepted for gone@example.org (550 5.1.1 no such user)") {
		t.Errorf("row 2: %v %q, want sent with the refusal in detail", r.Status, r.Detail)
	}
	if len(r.Recipients) != 3 || r.Recipients[1].Status != sendpool.StatusFailed || r.Recipients[0].Status != sendpool.StatusSent {
		t.Errorf("row 2 recipients %+v", r.Recipients)
	}
	r = res.Get(3)
	if r.Status != sendpool.StatusSent || r.Attempts != 2 {
		t.Errorf("row 3: %v after %d, want sent after 2", r.Status, r.Attempts)
	}
	for _, a := range []string{"to@example.org", "cc@example.org", "first@example.org", "later@example.org"} {
		if n := srv.Received(a); n != 1 {
			t.Errorf("%s received %d times, want 1", a, n)
		}
	}
	// The retry went to the deferred recipient alone.
	var last smtptest.Message
	for _, m := range srv.Messages() {
		last = m
	}
	if len(last.To) != 1 || last.To[0] != "later@example.org" {
		t.Errorf("retry envelope %v, want only later@example.org", last.To)
	}
}

func TestPoolNoRecipientAccepted(t *testing.T) { pooltest.Each(t, testPoolNoRecipientAccepted) }

func testPoolNoRecipientAccepted(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		return smtptest.Reply(550, "5.7.1", "Recipient address rejected: Access denied")
	}))
	res, err := pooltest.Run(t, tr.Config(srv), []*render.Message{pooltest.Message(2, "x@example.org", "y@example.org")})
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Get(2); r.Status != sendpool.StatusFailed || r.Code != 550 {
		t.Errorf("%+v, want failed 550", r)
	}
	if len(srv.Messages()) != 0 {
		t.Error("the server accepted a message although it accepted no recipient")
	}
	switch {
	case !tr.Pipelined:
		// The plain exchange does not send DATA then.
		if srv.Commands("DATA") != 0 {
			t.Error("DATA sent although no recipient was accepted")
		}
	case !tr.Chunking:
		// DATA went in the group and was refused: no body may follow
		// (the server would read it as commands).
		if srv.Commands("DATA") != 1 || srv.UnknownCommands() != 0 {
			t.Errorf("DATA %d times, %d unknown commands: a body was sent after the refused DATA", srv.Commands("DATA"), srv.UnknownCommands())
		}
	default:
		if srv.Commands("BDAT") != 1 || srv.UnknownCommands() != 0 {
			t.Errorf("BDAT %d times, %d unknown commands", srv.Commands("BDAT"), srv.UnknownCommands())
		}
	}
}

// TestPool421AfterNMessages: the server answers 421 and closes after 3
// messages per connection; the idle connection it dropped is replaced
// without spending a retry.
func TestPool421AfterNMessages(t *testing.T) { pooltest.Each(t, testPool421AfterNMessages) }

func testPool421AfterNMessages(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t, smtptest.With421After(3), smtptest.WithMaxSessions(2))
	cfg := tr.Config(srv)
	cfg.Retries = 0 // a spent retry would fail the message
	msgs := pooltest.Messages(20)
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	pooltest.ExactlyOnce(t, srv, msgs)
	for _, m := range msgs {
		if r := res.Get(m.Row); r.Status != sendpool.StatusSent || r.Attempts != 1 {
			t.Errorf("row %d: %v after %d attempts", m.Row, r.Status, r.Attempts)
		}
	}
	if srv.Rejected() != 0 {
		t.Errorf("%d connections over the cap: the 421'd connection overlapped its replacement", srv.Rejected())
	}
	if srv.Connections() < 7 {
		t.Errorf("connections %d, want at least 7 (3 messages each)", srv.Connections())
	}
}

// TestPoolFewerSessionsThanConcurrency: a server that takes fewer
// connections at once than the pool's concurrency (163 answers 421 HL:ICC
// to the ones over its cap) gets every message over the connections it
// allows; the refused workers give up their places instead of stopping the
// run as unreachable.
func TestPoolFewerSessionsThanConcurrency(t *testing.T) {
	pooltest.Each(t, testPoolFewerSessionsThanConcurrency)
}

func testPoolFewerSessionsThanConcurrency(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t, smtptest.WithMaxSessions(2))
	cfg := tr.Config(srv)
	cfg.Concurrency = 6
	cfg.Retries = 0
	msgs := pooltest.Messages(120)
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	pooltest.ExactlyOnce(t, srv, msgs)
	for row, r := range res.Map() {
		if r.Status != sendpool.StatusSent {
			t.Errorf("row %d: %v %s", row, r.Status, r.Detail)
		}
	}
	if got := srv.MaxConcurrent(); got > 2 {
		t.Errorf("max concurrent %d > 2", got)
	}
}

// capDialer refuses every dial but the first with 421 HL:ICC while refuse
// is set, as a server at its connection cap, and says so on refused.
type capDialer struct {
	sendpool.Dialer
	dials   atomic.Int64
	refuse  atomic.Bool
	refused chan struct{}
}

func (d *capDialer) Dial(ctx context.Context) (sendpool.Conn, error) {
	if d.dials.Add(1) > 1 && d.refuse.Load() {
		select {
		case d.refused <- struct{}{}:
		default:
		}
		return nil, &sendpool.SMTPError{Command: "CONNECT", Code: 421, EnhancedCode: sendpool.EnhancedCode{4, 7, 0}, Message: "HL:ICC too many connections"}
	}
	return d.Dialer.Dial(ctx)
}

// TestPoolWorkerRejoins: a worker that gave up its place when the server
// was at its connection cap takes it back later: the run gets its
// concurrency back once the cap is gone (another client's connections
// were passing).
func TestPoolWorkerRejoins(t *testing.T) {
	gate := make(chan struct{})
	srv := smtptest.NewServer(t, smtptest.HoldData(gate))
	cfg := pooltest.NewConfig(srv)
	inner, err := smtpclient.NewDialer(cfg.SMTP)
	if err != nil {
		t.Fatal(err)
	}
	d := &capDialer{Dialer: inner, refused: make(chan struct{}, 1)}
	d.refuse.Store(true)
	clock := pooltest.NewFakeClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	cfg.Dialer, cfg.Clock, cfg.Concurrency, cfg.Retries = d, clock, 2, 0
	_, _, results, done := pooltest.Start(t, cfg, pooltest.Messages(3))
	<-srv.Held() // one message on the one connection, its reply held
	<-d.refused  // the other worker was refused and gave up its place
	d.refuse.Store(false)
	clock.WaitPending(func() int { return 1 }) // its wait to rejoin
	clock.AdvanceToNext()
	<-srv.Held() // a second message at once: the worker is back
	close(gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for row, r := range results.Map() {
		if r.Status != sendpool.StatusSent {
			t.Errorf("row %d: %v %s", row, r.Status, r.Detail)
		}
	}
	if got := srv.MaxConcurrent(); got != 2 {
		t.Errorf("max concurrent connections %d, want 2", got)
	}
}

// TestPoolEveryConnectionRefusedStops: a server that answers every
// connection 421 still stops the run as unreachable (the workers give up
// their places down to one, whose refusals count), nothing sent.
func TestPoolEveryConnectionRefusedStops(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.RefuseWith("421 4.7.0 HL:ICC too many connections from your IP"))
	cfg := pooltest.NewConfig(srv)
	cfg.Concurrency = 4
	res, err := pooltest.Run(t, cfg, pooltest.Messages(10))
	if !errors.Is(err, sendpool.ErrUnreachable) {
		t.Fatalf("err %v, want ErrUnreachable", err)
	}
	for row, r := range res.Map() {
		if r.Status != sendpool.StatusNotAttempted {
			t.Errorf("row %d: %v", row, r.Status)
		}
	}
}

// TestPoolReplyLostIsUnknown: the connection drops after the body, before
// the reply. That message is unknown and never sent again.
func TestPoolReplyLostIsUnknown(t *testing.T) { pooltest.Each(t, testPoolReplyLostIsUnknown) }

func testPoolReplyLostIsUnknown(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t, smtptest.DropReply(func(_ smtptest.Session, m *smtptest.Message) bool {
		return m.To[0] == "lost@example.org"
	}))
	cfg := tr.Config(srv)
	msgs := []*render.Message{pooltest.Message(2, "a@example.org"), pooltest.Message(3, "lost@example.org"), pooltest.Message(4, "b@example.org"), pooltest.Message(5, "c@example.org")}
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Get(3)
	if r.Status != sendpool.StatusUnknown || r.Attempts != 1 || r.Detail != sendpool.ErrReplyLost.Error() {
		t.Errorf("row 3: %+v, want unknown after 1 attempt", r)
	}
	pooltest.ExactlyOnce(t, srv, msgs) // lost@ once: no automatic retry
	for _, row := range []int{2, 4, 5} {
		if r := res.Get(row); r.Status != sendpool.StatusSent {
			t.Errorf("row %d: %v", row, r.Status)
		}
	}
}

// TestPoolReplyTimeoutIsUnknown: the server reads the body and then says
// nothing, the connection open. The client gives up after the wait
// smtp.timeout sets; the message is unknown, never sent again, and its
// detail says the server did not answer in time, not that the connection
// was lost (which sends an operator looking at the network).
func TestPoolReplyTimeoutIsUnknown(t *testing.T) { pooltest.Each(t, testPoolReplyTimeoutIsUnknown) }

func testPoolReplyTimeoutIsUnknown(t *testing.T, tr pooltest.Transport) {
	gate := make(chan struct{})
	srv := tr.Server(t, smtptest.HoldData(gate))
	t.Cleanup(func() { close(gate) }) // before the server's own cleanup: it waits for the held session
	cfg := tr.Config(srv)
	cfg.SMTP.Timeout = 500 * time.Millisecond // the reply is waited for 4 times this; the greeting once, on a busy machine too
	msgs := []*render.Message{pooltest.Message(2, "silent@example.org")}
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Get(2)
	if r.Status != sendpool.StatusUnknown || r.Attempts != 1 || r.Detail != sendpool.ErrReplyTimedOut.Error() {
		t.Errorf("row 2: %v after %d attempts, detail %q; want unknown after 1, detail %q", r.Status, r.Attempts, r.Detail, sendpool.ErrReplyTimedOut.Error())
	}
	if !errors.Is(sendpool.ErrReplyTimedOut, sendpool.ErrReplyLost) {
		t.Error("ErrReplyTimedOut is not an ErrReplyLost")
	}
}

// TestPoolReplyLostKeepsRcptRefusals: a recipient refused at RCPT in a
// transaction whose final reply is then lost does not have the message:
// it is reported with its refusal (451: deferred, not refused for good,
// so a --resend-unknown run sends it too), the others unknown.
func TestPoolReplyLostKeepsRcptRefusals(t *testing.T) {
	pooltest.Each(t, testPoolReplyLostKeepsRcptRefusals)
}

func testPoolReplyLostKeepsRcptRefusals(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "busy@example.org" {
			return smtptest.Reply(451, "4.2.1", "mailbox busy")
		}
		return nil
	}), smtptest.DropReply(func(smtptest.Session, *smtptest.Message) bool { return true }))
	cfg := tr.Config(srv)
	cfg.Concurrency = 1
	res, err := pooltest.Run(t, cfg, []*render.Message{pooltest.Message(2, "lost@example.org", "busy@example.org")})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Get(2)
	if r.Status != sendpool.StatusUnknown || r.Attempts != 1 {
		t.Errorf("row 2: %v after %d attempts, want unknown after 1", r.Status, r.Attempts)
	}
	want := map[string]sendpool.Status{"lost@example.org": sendpool.StatusUnknown, "busy@example.org": sendpool.StatusDeferred}
	for _, rr := range r.Recipients {
		if rr.Status != want[rr.Address] || (rr.Address == "busy@example.org" && rr.Code != 451) {
			t.Errorf("%s: %v %d %s, want %v", rr.Address, rr.Status, rr.Code, rr.Detail, want[rr.Address])
		}
	}
	if n := srv.Received("busy@example.org"); n != 0 {
		t.Errorf("busy@example.org received %d", n)
	}
}

func TestPoolAuthFailureStopsRun(t *testing.T) { pooltest.Each(t, testPoolAuthFailureStopsRun) }

func testPoolAuthFailureStopsRun(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t, smtptest.WithAuth("me@example.org", "right"))
	cfg := tr.Config(srv)
	cfg.SMTP.Username, cfg.SMTP.Password = "me@example.org", "wrong-password-123"
	cfg.Concurrency = 3
	msgs := pooltest.Messages(10)
	res, err := pooltest.Run(t, cfg, msgs)
	var ae *sendpool.AuthError
	if !errors.Is(err, sendpool.ErrAuth) || !errors.As(err, &ae) {
		t.Fatalf("Run error %v, want an *AuthError", err)
	}
	if ae.Reply == nil || ae.Reply.Code != 535 || !strings.Contains(err.Error(), "535 5.7.8") {
		t.Errorf("error %q does not carry the 535 reply", err)
	}
	if strings.Contains(err.Error(), "wrong-password-123") {
		t.Error("the password appears in the error")
	}
	if len(srv.Messages()) != 0 {
		t.Error("messages were sent")
	}
	if got := srv.AuthFailures(); got > cfg.Concurrency {
		t.Errorf("%d login attempts: the run did not stop at once", got)
	}
	for row, res := range res.Map() {
		if res.Status != sendpool.StatusNotAttempted {
			t.Errorf("row %d: %v, want not-attempted", row, res.Status)
		}
	}
	if res.Len() == 0 || res.Len() > len(msgs) {
		t.Errorf("%d results", res.Len())
	}
}

func TestPoolAuthMechanisms(t *testing.T) { pooltest.Each(t, testPoolAuthMechanisms) }

func testPoolAuthMechanisms(t *testing.T, tr pooltest.Transport) {
	for _, mech := range []string{"", "plain", "login", "cram-md5", "xoauth2"} {
		t.Run("mech="+mech, func(t *testing.T) {
			srv := tr.Server(t, smtptest.WithAuth("me@example.org", "s3cret"))
			cfg := tr.Config(srv)
			cfg.SMTP.Username, cfg.SMTP.Password, cfg.SMTP.Auth = "me@example.org", "s3cret", mech
			msgs := pooltest.Messages(2)
			if _, err := pooltest.Run(t, cfg, msgs); err != nil {
				t.Fatal(err)
			}
			pooltest.ExactlyOnce(t, srv, msgs)
			for _, m := range srv.Messages() {
				if m.User != "me@example.org" {
					t.Errorf("message sent as %q", m.User)
				}
			}
		})
	}
	t.Run("mechanism not offered", func(t *testing.T) {
		srv := tr.Server(t, smtptest.WithAuth("me@example.org", "s3cret"), smtptest.WithMechanisms("PLAIN"))
		cfg := tr.Config(srv)
		cfg.SMTP.Username, cfg.SMTP.Password, cfg.SMTP.Auth = "me@example.org", "s3cret", "cram-md5"
		_, err := pooltest.Run(t, cfg, pooltest.Messages(1))
		if !errors.Is(err, sendpool.ErrAuth) || !strings.Contains(err.Error(), "CRAM-MD5") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("auth required but no username", func(t *testing.T) {
		srv := tr.Server(t, smtptest.WithAuth("me@example.org", "s3cret"))
		_, err := pooltest.Run(t, tr.Config(srv), pooltest.Messages(3))
		if !errors.Is(err, sendpool.ErrAuth) || !strings.Contains(err.Error(), "530") {
			t.Fatalf("err %v, want an auth stop with the 530", err)
		}
	})
}

func TestPoolTLS(t *testing.T) { pooltest.EachTLS(t, testPoolTLS) }

func testPoolTLS(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t, smtptest.WithTLS(), smtptest.WithAuth("me@example.org", "s3cret"))
	base := tr.Config(srv)
	base.SMTP.Security = campaign.SecurityTLS
	base.SMTP.Username, base.SMTP.Password = "me@example.org", "s3cret"

	t.Run("self-signed without CA stops the run", func(t *testing.T) {
		res, err := pooltest.Run(t, base, pooltest.Messages(5))
		var te *sendpool.TLSError
		if !errors.Is(err, sendpool.ErrTLS) || !errors.As(err, &te) {
			t.Fatalf("err %v, want a *TLSError", err)
		}
		if !strings.Contains(err.Error(), "authority") {
			t.Errorf("reason not given: %v", err)
		}
		if len(srv.Messages()) != 0 || len(res.ByStatus()[sendpool.StatusSent]) != 0 {
			t.Fatal("sent over an unverified connection")
		}
	})
	t.Run("CA file", func(t *testing.T) {
		cfg := base
		cfg.SMTP.CAFile, _ = srv.Cert.WriteFiles(t)
		msgs := pooltest.Messages(3)
		if _, err := pooltest.Run(t, cfg, msgs); err != nil {
			t.Fatal(err)
		}
		pooltest.ExactlyOnce(t, srv, msgs)
	})
	t.Run("wrong host name", func(t *testing.T) {
		cfg := base
		cfg.SMTP.RootCAs = srv.Cert.Pool
		cfg.SMTP.Host = "localhost" // the certificate also names localhost …
		other := smtptest.NewCert(t, "mail.example.org")
		srv2 := tr.Server(t, smtptest.WithTLS(), smtptest.WithCert(other))
		cfg.SMTP.Port = srv2.Port // … but this server's names only mail.example.org
		cfg.SMTP.RootCAs = other.Pool
		cfg.SMTP.Username = ""
		_, err := pooltest.Run(t, cfg, pooltest.Messages(1))
		if !errors.Is(err, sendpool.ErrTLS) || !strings.Contains(err.Error(), "not valid for") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("insecure skip verify warns", func(t *testing.T) {
		cfg := base
		cfg.SMTP.InsecureSkipVerify = true
		var notes []sendpool.Notice
		cfg.Notify = func(n sendpool.Notice) { notes = append(notes, n) }
		if _, err := pooltest.Run(t, cfg, pooltest.Messages(1)); err != nil {
			t.Fatal(err)
		}
		if len(notes) == 0 || notes[0].Kind != sendpool.NoticeWarning || !strings.Contains(notes[0].Text, "NOT verified") {
			t.Errorf("notices %+v, want a warning", notes)
		}
	})
	t.Run("implicit TLS against a plaintext port", func(t *testing.T) {
		plain := tr.Server(t)
		cfg := tr.Config(plain)
		cfg.SMTP.Security = campaign.SecurityTLS
		_, err := pooltest.Run(t, cfg, pooltest.Messages(1))
		if !errors.Is(err, sendpool.ErrTLS) || !strings.Contains(err.Error(), "starttls") || !strings.HasSuffix(err.Error(), "; for a local test server without TLS, set smtp.security: none") {
			t.Fatalf("err %v", err)
		}
	})
}

func TestPoolStartTLS(t *testing.T) { pooltest.EachTLS(t, testPoolStartTLS) }

func testPoolStartTLS(t *testing.T, tr pooltest.Transport) {
	t.Run("required but not offered", func(t *testing.T) {
		srv := tr.Server(t)
		cfg := tr.Config(srv)
		cfg.SMTP.Security = campaign.SecurityStartTLS
		_, err := pooltest.Run(t, cfg, pooltest.Messages(2))
		if !errors.Is(err, sendpool.ErrTLS) || !strings.Contains(err.Error(), "does not offer STARTTLS") || !strings.HasSuffix(err.Error(), "; for a local test server without TLS, set smtp.security: none") {
			t.Fatalf("err %v", err)
		}
		if len(srv.Messages()) != 0 {
			t.Fatal("sent in plaintext")
		}
	})
	t.Run("offered", func(t *testing.T) {
		srv := tr.Server(t, smtptest.WithStartTLS(), smtptest.WithAuth("me@example.org", "s3cret"))
		cfg := tr.Config(srv)
		cfg.SMTP.Security = campaign.SecurityStartTLS
		cfg.SMTP.RootCAs = srv.Cert.Pool
		cfg.SMTP.Username, cfg.SMTP.Password = "me@example.org", "s3cret"
		cfg.SMTP.Helo = "client.example.org"
		msgs := pooltest.Messages(4)
		if _, err := pooltest.Run(t, cfg, msgs); err != nil {
			t.Fatal(err)
		}
		pooltest.ExactlyOnce(t, srv, msgs)
		for _, m := range srv.Messages() {
			if !m.TLS || m.User != "me@example.org" {
				t.Errorf("message TLS=%v user=%q", m.TLS, m.User)
			}
		}
	})
	t.Run("unverified certificate", func(t *testing.T) {
		srv := tr.Server(t, smtptest.WithStartTLS())
		cfg := tr.Config(srv)
		cfg.SMTP.Security = campaign.SecurityStartTLS
		_, err := pooltest.Run(t, cfg, pooltest.Messages(1))
		if !errors.Is(err, sendpool.ErrTLS) {
			t.Fatalf("err %v", err)
		}
	})
}

// TestPoolInterruptLeavesTrueReport cancels the run while two messages are
// held by the server: they finish, everything else is not-attempted, and the
// report on disk says so.
func TestPoolInterruptLeavesTrueReport(t *testing.T) {
	pooltest.Each(t, testPoolInterruptLeavesTrueReport)
}

func testPoolInterruptLeavesTrueReport(t *testing.T, tr pooltest.Transport) {
	gate := make(chan struct{})
	srv := tr.Server(t, smtptest.HoldData(gate))
	cfg := tr.Config(srv)
	cfg.Concurrency = 2
	msgs := pooltest.Messages(10)
	p, err := sendpool.New(cfg.PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	rep, err := report.NewReporter(dir, report.ReporterOptions{Every: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer rep.Close()
	// The caller seeds every row, so rows never handed in are reported too.
	for _, m := range msgs {
		rep.Add(sendpool.Result{Row: m.Row, Key: m.Key, To: m.To, MessageID: m.MessageID, Status: sendpool.StatusNotAttempted, Detail: "not reached"})
	}
	ctx, cancel := context.WithCancel(context.Background())
	results := pooltest.NewResults(t)
	done := make(chan error)
	go func() {
		done <- p.Run(ctx, sendpool.SliceSource(msgs), func(r sendpool.Result) {
			results.Add(r)
			if err := rep.Add(r); err != nil {
				t.Error(err)
			}
		})
	}()
	<-srv.Held()
	<-srv.Held()
	cancel()
	// Both held messages are in flight; let them finish.
	gate <- struct{}{}
	gate <- struct{}{}
	err = <-done
	if !errors.Is(err, sendpool.ErrInterrupted) {
		t.Fatalf("Run: %v, want ErrInterrupted", err)
	}
	if err := rep.Flush(); err != nil {
		t.Fatal(err)
	}
	st := results.ByStatus()
	if len(st[sendpool.StatusSent]) != 2 {
		t.Fatalf("statuses %v, want the two in-flight messages sent", st)
	}
	for s, rows := range st {
		if s != sendpool.StatusSent && s != sendpool.StatusNotAttempted {
			t.Errorf("status %v for rows %v", s, rows)
		}
	}
	if got := len(srv.Messages()); got != 2 {
		t.Errorf("server received %d, want 2", got)
	}
	rows := readReport(t, dir)
	if len(rows) != len(msgs) {
		t.Fatalf("report has %d rows, want %d", len(rows), len(msgs))
	}
	sent := 0
	for _, r := range rows {
		switch r.Status {
		case sendpool.StatusSent:
			sent++
			if srv.Received(r.Key) != 1 {
				t.Errorf("report says row %d sent, server has %d", r.Row, srv.Received(r.Key))
			}
		case sendpool.StatusNotAttempted:
			if srv.Received(r.Key) != 0 {
				t.Errorf("report says row %d not attempted, server has it", r.Row)
			}
		default:
			t.Errorf("row %d: %v", r.Row, r.Status)
		}
	}
	if sent != 2 {
		t.Errorf("report lists %d sent, want 2", sent)
	}
}

// TestPoolAbortCutsInFlight: a second Ctrl-C (Abort) drops the held
// connection; the message whose body was sent is unknown.
func TestPoolAbortCutsInFlight(t *testing.T) { pooltest.Each(t, testPoolAbortCutsInFlight) }

func testPoolAbortCutsInFlight(t *testing.T, tr pooltest.Transport) {
	gate := make(chan struct{})
	srv := tr.Server(t, smtptest.HoldData(gate))
	cfg := tr.Config(srv)
	cfg.Concurrency = 1
	p, cancel, results, done := pooltest.Start(t, cfg, pooltest.Messages(3))
	<-srv.Held()
	cancel()
	p.Abort()
	if err := <-done; !errors.Is(err, sendpool.ErrAborted) {
		t.Fatalf("Run: %v, want ErrAborted", err)
	}
	if r := results.Get(2); r.Status != sendpool.StatusUnknown || r.Detail != sendpool.ErrAbortedAfterBody.Error() {
		t.Errorf("row 2: %v (%s), want unknown (body sent, reply cut off by the abort)", r.Status, r.Detail)
	}
	for row, r := range results.Map() {
		// A row whose try the abort cut before its body went (its MAIL
		// queued behind row 2's body when pipelined) was not tried: no
		// attempt, and no "last try" of the connection cut on purpose.
		if row != 2 && (r.Status != sendpool.StatusNotAttempted || r.Attempts != 0 || strings.Contains(r.Detail, "last try") || strings.Contains(r.Detail, "closed")) {
			t.Errorf("row %d: %v after %d attempts (%s)", row, r.Status, r.Attempts, r.Detail)
		}
	}
}

// blockingJournal's Attempt waits for its context to end (a disk that
// stalls), telling entered when the first call began.
type blockingJournal struct {
	entered chan struct{}
	once    sync.Once
}

func (j *blockingJournal) Attempt(ctx context.Context, _ *render.Message) error {
	j.once.Do(func() { close(j.entered) })
	<-ctx.Done()
	return ctx.Err()
}

func (j *blockingJournal) Result(context.Context, *render.Message, sendpool.Result) error {
	return nil
}

// TestPoolAbortWhileRecordingAttempt: an Abort while an attempt waits for
// the journal is an abort (nothing was sent, the journal did not fail),
// not a journal failure that would stop the run as unusable.
func TestPoolAbortWhileRecordingAttempt(t *testing.T) {
	pooltest.Each(t, testPoolAbortWhileRecordingAttempt)
}

func testPoolAbortWhileRecordingAttempt(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t)
	cfg := tr.Config(srv)
	cfg.Concurrency = 1
	j := &blockingJournal{entered: make(chan struct{})}
	cfg.Journal = j
	p, cancel, results, done := pooltest.Start(t, cfg, pooltest.Messages(2))
	<-j.entered
	cancel()
	p.Abort()
	err := <-done
	if !errors.Is(err, sendpool.ErrAborted) || errors.Is(err, sendpool.ErrJournal) {
		t.Fatalf("Run: %v, want ErrAborted and no journal failure", err)
	}
	for row, r := range results.Map() {
		if r.Status != sendpool.StatusNotAttempted {
			t.Errorf("row %d: %v, want not-attempted", row, r.Status)
		}
	}
	if n := srv.Messages(); len(n) != 0 {
		t.Errorf("the server received %d messages", len(n))
	}
}

// TestPoolThrottlingSlowsDown: throttling replies lower the shared rate and
// do not spend retries (Retries is 0 here).
func TestPoolThrottlingSlowsDown(t *testing.T) { pooltest.Each(t, testPoolThrottlingSlowsDown) }

func testPoolThrottlingSlowsDown(t *testing.T, tr pooltest.Transport) {
	var n atomic.Int64
	srv := tr.Server(t, smtptest.OnMail(func(smtptest.Session, string) error {
		if n.Add(1) <= 3 {
			return smtptest.Reply(451, "4.7.0", "rate limit exceeded, slow down")
		}
		return nil
	}))
	cfg := tr.Config(srv)
	cfg.Rate = 1000
	cfg.Retries = 0
	var mu sync.Mutex
	var throttles []sendpool.Notice
	cfg.Notify = func(no sendpool.Notice) {
		mu.Lock()
		defer mu.Unlock()
		if no.Kind == sendpool.NoticeThrottle {
			throttles = append(throttles, no)
		}
	}
	p, err := sendpool.New(cfg.PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	msgs := pooltest.Messages(10)
	results := pooltest.NewResults(t)
	if err := p.Run(context.Background(), sendpool.SliceSource(msgs), results.Add); err != nil {
		t.Fatal(err)
	}
	pooltest.ExactlyOnce(t, srv, msgs)
	for _, m := range msgs {
		if r := results.Get(m.Row); r.Status != sendpool.StatusSent {
			t.Errorf("row %d: %v %s", m.Row, r.Status, r.Detail)
		}
	}
	if got := p.Limiter().Rate(); got >= 1000 || got <= 0 {
		t.Errorf("rate after throttling %v, want below 1000", got)
	}
	if len(throttles) == 0 || !strings.Contains(throttles[0].Text, "rate limit exceeded") {
		t.Errorf("throttle notices %+v", throttles)
	}
}

// TestPoolThrottlingIsBounded: a server that throttles forever (QQ's
// "frequency limited") does not keep the run alive forever.
func TestPoolThrottlingIsBounded(t *testing.T) { pooltest.Each(t, testPoolThrottlingIsBounded) }

func testPoolThrottlingIsBounded(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t, smtptest.OnMail(func(smtptest.Session, string) error {
		return smtptest.Reply(550, "", "Ip frequency limited")
	}))
	cfg := tr.Config(srv)
	cfg.Rate = 5000
	cfg.MaxThrottled = 3
	res, err := pooltest.Run(t, cfg, pooltest.Messages(4))
	if err != nil {
		t.Fatal(err)
	}
	for row, r := range res.Map() {
		if r.Status != sendpool.StatusDeferred || r.Attempts != 4 || !strings.Contains(r.Detail, "still throttled") {
			t.Errorf("row %d: %+v", row, r)
		}
	}
}

func TestPoolSizeAndSMTPUTF8(t *testing.T) { pooltest.Each(t, testPoolSizeAndSMTPUTF8) }

func testPoolSizeAndSMTPUTF8(t *testing.T, tr pooltest.Transport) {
	big := pooltest.Message(3, "big@example.org")
	big.Data = append(big.Data, []byte(strings.Repeat("x", 2000)+"\r\n")...)
	utf := pooltest.Message(4, "用户@example.org")
	utf.UTF8 = true
	msgs := []*render.Message{pooltest.Message(2, "small@example.org"), big, utf}

	srv := tr.Server(t, smtptest.WithMaxSize(1000))
	cfg := tr.Config(srv)
	cfg.Concurrency = 1
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Get(2); r.Status != sendpool.StatusSent {
		t.Errorf("small: %v", r.Status)
	}
	if r := res.Get(3); r.Status != sendpool.StatusFailed || !strings.Contains(r.Detail, "server accepts at most 1000") {
		t.Errorf("big: %v %q", r.Status, r.Detail)
	}
	if r := res.Get(4); r.Status != sendpool.StatusFailed || !strings.Contains(r.Detail, "needs SMTPUTF8") {
		t.Errorf("utf8: %v %q", r.Status, r.Detail)
	}
	if len(srv.Messages()) != 1 || srv.Connections() != 1 {
		t.Errorf("server got %d messages over %d connections", len(srv.Messages()), srv.Connections())
	}

	srv = tr.Server(t, smtptest.WithSMTPUTF8())
	res, err = pooltest.Run(t, tr.Config(srv), []*render.Message{utf})
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Get(4); r.Status != sendpool.StatusSent {
		t.Errorf("utf8 with SMTPUTF8: %v %q", r.Status, r.Detail)
	}
	if ms := srv.Messages(); len(ms) != 1 || !ms[0].UTF8 {
		t.Errorf("messages %+v, want one with SMTPUTF8", ms)
	}
}

func TestPoolLMTP(t *testing.T) { pooltest.Each(t, testPoolLMTP) }

func testPoolLMTP(t *testing.T, tr pooltest.Transport) {
	var mu sync.Mutex
	tries := map[string]int{}
	srv := tr.Server(t, smtptest.WithLMTP(), smtptest.OnLMTPRcpt(func(_ smtptest.Session, rcpt string) error {
		mu.Lock()
		defer mu.Unlock()
		tries[rcpt]++
		switch {
		case strings.HasPrefix(rcpt, "full"):
			return smtptest.Reply(552, "5.2.2", "mailbox full")
		case strings.HasPrefix(rcpt, "later") && tries[rcpt] == 1:
			return smtptest.Reply(451, "4.2.0", "try again")
		}
		return nil
	}))
	cfg := tr.Config(srv)
	cfg.SMTP.Protocol = campaign.ProtocolLMTP
	cfg.Concurrency = 1
	msgs := []*render.Message{pooltest.Message(2, "a@example.org", "full@example.org", "later@example.org")}
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	r := res.Get(2)
	if r.Status != sendpool.StatusSent || r.Attempts != 2 || !strings.Contains(r.Detail, "not accepted for full@example.org (552 5.2.2 ") || r.EnhancedCode.String() != "2.0.0" {
		t.Errorf("%+v", r)
	}
	for addr, want := range map[string]int{"a@example.org": 1, "full@example.org": 0, "later@example.org": 1} {
		if got := srv.Received(addr); got != want {
			t.Errorf("%s received %d, want %d", addr, got, want)
		}
	}
}

// TestPoolUnreachable: nothing listens; the run stops after a few dials.
func TestPoolUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cfg := pooltest.Config{
		SMTP: smtpclient.Config{Host: "127.0.0.1", Port: port, Security: campaign.SecurityNone, Timeout: time.Second},
		Config: sendpool.Config{
			Retries:      1,
			RetryBackoff: time.Millisecond,
		},
	}
	res, err := pooltest.Run(t, cfg, pooltest.Messages(5))
	if !errors.Is(err, sendpool.ErrUnreachable) || !strings.Contains(err.Error(), "nothing accepts connections") || !strings.Contains(err.Error(), "465 is implicit TLS") {
		t.Fatalf("err %v, want ErrUnreachable explaining the port", err)
	}
	for row, r := range res.Map() {
		if r.Status != sendpool.StatusNotAttempted || r.Attempts != 0 {
			t.Errorf("row %d: %+v", row, r)
		}
	}
}

// TestPoolSilentPortStops: the run's first connection finds a port that
// accepts and says nothing (implicit TLS on a STARTTLS setting, say): the
// run stops after one timeout, explaining the likely cause, instead of
// dialing again for minutes.
func TestPoolSilentPortStops(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // silent until the listener closes
		}
	}()
	cfg := pooltest.Config{
		SMTP: smtpclient.Config{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port, Security: campaign.SecurityNone, Timeout: 200 * time.Millisecond},
		Config: sendpool.Config{
			Concurrency:  1,
			Retries:      3,
			RetryBackoff: time.Minute,
		},
	}
	_, err = pooltest.Run(t, cfg, pooltest.Messages(2))
	if !errors.Is(err, sendpool.ErrUnreachable) || !strings.Contains(err.Error(), "wrong smtp.security") {
		t.Fatalf("err %v, want ErrUnreachable naming smtp.security", err)
	}
}

// TestPoolUnknownHostStops: a host name that does not exist (NXDOMAIN)
// stops the run at the first dial instead of being dialed again for
// minutes. (The resolver's answer comes from a Dialer: tests reach no DNS
// server.)
func TestPoolUnknownHostStops(t *testing.T) {
	d := &nxDialer{}
	cfg := sendpool.Config{Dialer: d, Concurrency: 2, Retries: 3, RetryBackoff: time.Millisecond}
	res, err := pooltest.Run(t, pooltest.Config{Config: cfg}, pooltest.Messages(4))
	if !errors.Is(err, sendpool.ErrUnreachable) || !strings.Contains(err.Error(), "smtp.example.invalid does not resolve") {
		t.Fatalf("err %v, want ErrUnreachable naming the host", err)
	}
	if n := d.calls.Load(); n > 2 {
		t.Errorf("%d dials, want one per connection at most", n)
	}
	for row, r := range res.Map() {
		if r.Status != sendpool.StatusNotAttempted {
			t.Errorf("row %d: %v", row, r.Status)
		}
	}
}

// nxDialer fails every dial as a resolver does for a name that does not
// exist.
type nxDialer struct {
	pooltest.DialerBase
	calls atomic.Int64
}

func (d *nxDialer) Dial(context.Context) (sendpool.Conn, error) {
	d.calls.Add(1)
	err := &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "smtp.example.invalid", IsNotFound: true}}
	return nil, &sendpool.DialError{Addr: "smtp.example.invalid:25", Kind: sendpool.DialNotFound, Err: err,
		Hint: "the host name smtp.example.invalid does not resolve (check smtp.host)"}
}

// TestPoolStopsWithoutSMTPUTF8: a run with a message that needs SMTPUTF8
// stops at the first connection to a server that does not offer it,
// naming the row, before anything is sent; a server that offers it gets
// them all.
func TestPoolStopsWithoutSMTPUTF8(t *testing.T) { pooltest.Each(t, testPoolStopsWithoutSMTPUTF8) }

func testPoolStopsWithoutSMTPUTF8(t *testing.T, tr pooltest.Transport) {
	msgs := func() []*render.Message {
		intl := pooltest.Message(3, "josé@example.org")
		intl.UTF8 = true
		return []*render.Message{pooltest.Message(2, "a@example.org"), intl, pooltest.Message(4, "b@example.org")}
	}
	srv := tr.Server(t)
	cfg := tr.Config(srv)
	cfg.SMTPUTF8Rows = []int{3}
	res, err := pooltest.Run(t, cfg, msgs())
	if !errors.Is(err, sendpool.ErrServerLacks) || !strings.Contains(err.Error(), "SMTPUTF8") || !strings.Contains(err.Error(), "row 3") {
		t.Fatalf("err %v, want ErrServerLacks naming SMTPUTF8 and row 3", err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("the server received %d messages", n)
	}
	for row, r := range res.Map() {
		if r.Status != sendpool.StatusNotAttempted {
			t.Errorf("row %d: %v", row, r.Status)
		}
	}

	srv = tr.Server(t, smtptest.WithSMTPUTF8())
	cfg = tr.Config(srv)
	cfg.SMTPUTF8Rows = []int{3}
	if _, err := pooltest.Run(t, cfg, msgs()); err != nil {
		t.Fatal(err)
	}
	pooltest.ExactlyOnce(t, srv, msgs())
}

// TestPoolGreetingRefusedStops: a 5xx greeting stops the run at once.
func TestPoolGreetingRefusedStops(t *testing.T) { pooltest.EachTLS(t, testPoolGreetingRefusedStops) }

func testPoolGreetingRefusedStops(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t, smtptest.RefuseWith("554 5.7.1 Service unavailable; client host blocked"))
	cfg := tr.Config(srv)
	cfg.Concurrency = 1
	res, err := pooltest.Run(t, cfg, pooltest.Messages(3))
	if !errors.Is(err, sendpool.ErrUnreachable) || !strings.Contains(err.Error(), "554 5.7.1 Service unavailable") {
		t.Fatalf("err %v", err)
	}
	if srv.Rejected() != 1 {
		t.Errorf("%d connections, want 1", srv.Rejected())
	}
	if r := res.Get(2); r.Status != sendpool.StatusNotAttempted || !strings.Contains(r.Detail, "refuses service") {
		t.Errorf("row 2: %+v", r)
	}
	// The same with STARTTLS: the refusal is the greeting's, not STARTTLS's.
	srv = tr.Server(t, smtptest.WithStartTLS(), smtptest.RefuseWith("554 5.7.1 client host blocked"))
	cfg = tr.Config(srv)
	cfg.SMTP.Security = campaign.SecurityStartTLS
	_, err = pooltest.Run(t, cfg, pooltest.Messages(1))
	if !errors.Is(err, sendpool.ErrUnreachable) || errors.Is(err, sendpool.ErrTLS) {
		t.Fatalf("STARTTLS: err %v", err)
	}
}

func TestPoolJournalSeam(t *testing.T) { pooltest.Each(t, testPoolJournalSeam) }

func testPoolJournalSeam(t *testing.T, tr pooltest.Transport) {
	var mu sync.Mutex
	first := map[string]bool{}
	srv := tr.Server(t, smtptest.OnData(func(_ smtptest.Session, m *smtptest.Message) error {
		mu.Lock()
		defer mu.Unlock()
		if m.To[0] == "flaky@example.org" && !first[m.To[0]] {
			first[m.To[0]] = true
			return smtptest.Reply(451, "4.3.0", "queue busy")
		}
		return nil
	}))
	cfg := tr.Config(srv)
	cfg.Concurrency = 1
	j := &pooltest.Journal{Srv: srv, T: t}
	cfg.Journal = j
	msgs := []*render.Message{pooltest.Message(2, "ok@example.org"), pooltest.Message(3, "flaky@example.org"), pooltest.Message(4, "bad@example.org")}
	if _, err := pooltest.Run(t, cfg, msgs); err != nil {
		t.Fatal(err)
	}
	// Per message, in this order (final results are recorded by the
	// finishers, so messages interleave in any order).
	want := map[string][]string{
		"2": {"attempt 2", "result 2 sent final=true"},
		"3": {"attempt 3", "result 3 deferred final=false", "attempt 3", "result 3 sent final=true"},
		"4": {"attempt 4", "result 4 sent final=true"},
	}
	got := map[string][]string{}
	for _, e := range j.Events {
		row := strings.Fields(e)[1]
		got[row] = append(got[row], e)
	}
	for row, w := range want {
		if strings.Join(got[row], "\n") != strings.Join(w, "\n") {
			t.Errorf("row %s: journal calls:\n%s\nwant:\n%s", row, strings.Join(got[row], "\n"), strings.Join(w, "\n"))
		}
	}
	if len(j.Events) != 8 {
		t.Errorf("journal calls:\n%s", strings.Join(j.Events, "\n"))
	}
}

func TestPoolJournalFailureStopsBeforeBody(t *testing.T) {
	pooltest.Each(t, testPoolJournalFailureStopsBeforeBody)
}

func testPoolJournalFailureStopsBeforeBody(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t)
	cfg := tr.Config(srv)
	cfg.Concurrency = 1
	j := &pooltest.Journal{Srv: srv, T: t, FailFor: 3}
	cfg.Journal = j
	msgs := pooltest.Messages(4)
	res, err := pooltest.Run(t, cfg, msgs)
	if !errors.Is(err, sendpool.ErrJournal) || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err %v", err)
	}
	if srv.Received(msgs[1].Key) != 0 {
		t.Error("body sent although its attempt was not recorded")
	}
	if r := res.Get(3); r.Status != sendpool.StatusNotAttempted {
		t.Errorf("row 3: %v", r.Status)
	}
	if r := res.Get(2); r.Status != sendpool.StatusSent {
		t.Errorf("row 2: %v", r.Status)
	}
}

func TestPoolSourceError(t *testing.T) { pooltest.Each(t, testPoolSourceError) }

func testPoolSourceError(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t)
	i := 0
	src := sendpool.SourceFunc(func(context.Context) (*render.Message, error) {
		i++
		if i == 3 {
			return nil, errors.New("sheet: read error")
		}
		return pooltest.Message(i+1, fmt.Sprintf("u%d@example.org", i)), nil
	})
	p, err := sendpool.New(tr.Config(srv).PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	results := pooltest.NewResults(t)
	err = p.Run(context.Background(), src, results.Add)
	if err == nil || !strings.Contains(err.Error(), "sheet: read error") {
		t.Fatalf("err %v", err)
	}
	if results.Len() != 2 {
		t.Errorf("%d results, want 2 (one per message handed in)", results.Len())
	}
}

func TestPoolChanSource(t *testing.T) { pooltest.Each(t, testPoolChanSource) }

func testPoolChanSource(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t)
	ch := make(chan *render.Message)
	msgs := pooltest.Messages(5)
	go func() {
		defer close(ch)
		for _, m := range msgs {
			ch <- m
		}
	}()
	p, err := sendpool.New(tr.Config(srv).PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(context.Background(), sendpool.ChanSource(ch), nil); err != nil {
		t.Fatal(err)
	}
	pooltest.ExactlyOnce(t, srv, msgs)
}

func TestPoolNewRejectsBadConfig(t *testing.T) {
	d := &spPanicDialer{}
	for name, cfg := range map[string]sendpool.Config{
		"no dialer":          {},
		"negative rate":      {Dialer: d, Rate: -1},
		"negative retries":   {Dialer: d, Retries: -1},
		"negative backoff":   {Dialer: d, RetryBackoff: -time.Second},
		"negative per conn.": {Dialer: d, PerConnection: -1},
	} {
		if _, err := sendpool.New(cfg); err == nil || !strings.HasPrefix(err.Error(), "sendpool: ") {
			t.Errorf("%s: err %v", name, err)
		}
	}
}

func TestConfigFromCampaign(t *testing.T) {
	c, err := campaign.Parse([]byte(`name: t
from: a@example.org
subject: s
text: hi
recipients: {path: r.csv}
smtp: {host: smtp.example.org, security: starttls, username: u, password_env: PW, timeout: 10s}
send: {rate: 600/m, burst: 2, concurrency: 3, per_connection: 7, retries: 5, retry_backoff: 1m}
`), "/tmp/c.yaml")
	if err != nil {
		t.Skipf("campaign.Parse does not accept the sample (not this package's concern): %v", err)
	}
	cfg := sendpool.ConfigFrom(c)
	if cfg.Rate != 10 || cfg.Burst != 2 || cfg.Concurrency != 3 || cfg.PerConnection != 7 || cfg.Retries != 5 || cfg.RetryBackoff != time.Minute {
		t.Errorf("send settings %+v", cfg)
	}
	smtp := smtpclient.ConfigFrom(c.SMTP, "pw")
	if smtp.Host != "smtp.example.org" || smtp.Port != 587 || smtp.Security != campaign.SecurityStartTLS || smtp.Password != "pw" || smtp.Timeout != 10*time.Second {
		t.Errorf("smtp settings %+v", smtp)
	}
}

// spPanicDialer is a transport whose Send panics: the pool must turn that
// into a failure of the message, not a crash.
type spPanicDialer struct {
	pooltest.DialerBase
	dials atomic.Int64
}

type spPanicConn struct{}

func (d *spPanicDialer) Dial(context.Context) (sendpool.Conn, error) {
	d.dials.Add(1)
	return spPanicConn{}, nil
}

func (spPanicConn) Send(context.Context, *sendpool.Tx) (*sendpool.Delivery, error) {
	panic("transport bug")
}
func (spPanicConn) Reset(context.Context) error { return nil }
func (spPanicConn) Quit(context.Context) error  { return nil }
func (spPanicConn) Close() error                { return nil }
func (spPanicConn) Server() string              { return "panic:0" }
func (spPanicConn) OffersSMTPUTF8() bool        { return true }

func TestPoolTransportPanicIsContained(t *testing.T) {
	d := &spPanicDialer{}
	cfg := sendpool.Config{Dialer: d, Retries: 1, RetryBackoff: time.Millisecond, Concurrency: 1}
	res, err := pooltest.Run(t, pooltest.Config{Config: cfg}, pooltest.Messages(2))
	if err != nil {
		t.Fatal(err)
	}
	for row, r := range res.Map() {
		if r.Status != sendpool.StatusDeferred || !strings.Contains(r.Detail, "transport panic: transport bug") || r.Server != "panic:0" {
			t.Errorf("row %d: %+v", row, r)
		}
	}
}

// TestPoolRedialsDeadIdleConnection: the server ends a connection left
// idle ("421 4.4.2 idle timeout" and close); the next message goes over a
// new connection without spending a retry (Retries is 0) and is delivered
// once, on every transport.
func TestPoolRedialsDeadIdleConnection(t *testing.T) {
	pooltest.Each(t, testPoolRedialsDeadIdleConnection)
}

func testPoolRedialsDeadIdleConnection(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t)
	cfg := tr.Config(srv)
	cfg.Concurrency = 1
	cfg.Retries = 0
	p, err := sendpool.New(cfg.PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan *render.Message)
	results := make(chan sendpool.Result, 2)
	done := make(chan error)
	go func() {
		done <- p.Run(context.Background(), sendpool.ChanSource(ch), func(r sendpool.Result) { results <- r })
	}()
	msgs := pooltest.Messages(2)
	ch <- msgs[0]
	if r := <-results; r.Status != sendpool.StatusSent {
		t.Fatalf("first: %v %s", r.Status, r.Detail)
	}
	srv.CloseIdle()
	<-srv.Gone()
	ch <- msgs[1]
	close(ch)
	if r := <-results; r.Status != sendpool.StatusSent || r.Attempts != 1 {
		t.Errorf("after the idle close: %v after %d attempts (%s)", r.Status, r.Attempts, r.Detail)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	pooltest.ExactlyOnce(t, srv, msgs)
	if srv.Connections() != 2 {
		t.Errorf("%d connections, want 2", srv.Connections())
	}
}

func TestPoolSlowReplyAfterBodyIsUnknown(t *testing.T) {
	pooltest.Each(t, testPoolSlowReplyAfterBodyIsUnknown)
}

// testPoolSlowReplyAfterBodyIsUnknown: the server reads the body and then
// does not answer within the timeout. The message may have been delivered,
// so it is unknown: reported so, after one attempt, never sent again.
func testPoolSlowReplyAfterBodyIsUnknown(t *testing.T, tr pooltest.Transport) {
	gate := make(chan struct{})
	srv := tr.Server(t, smtptest.HoldData(gate))
	t.Cleanup(func() { close(gate) })
	cfg := tr.Config(srv)
	cfg.SMTP.Timeout = 100 * time.Millisecond
	cfg.Concurrency = 1
	msgs := []*render.Message{pooltest.Message(2, "slow@example.org")}
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Get(2); r.Status != sendpool.StatusUnknown || r.Attempts != 1 {
		t.Errorf("row 2: %+v, want unknown after 1 attempt", r)
	}
	select {
	case m := <-srv.Held():
		if m.To[0] != "slow@example.org" {
			t.Errorf("held %v", m.To)
		}
	default:
		t.Error("the server never got the body")
	}
	select {
	case m := <-srv.Held():
		t.Errorf("the body was sent again: %v", m.To)
	default:
	}
}

// readReport reads report.csv in dir.
func readReport(t testing.TB, dir string) []report.Row {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, report.CSVFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := report.ReadCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// runNoticed runs msgs on a pool made from cfg and returns the pool (for
// its limiter), the results, the notices given and Run's error.
func runNoticed(t *testing.T, cfg pooltest.Config, msgs []*render.Message) (*sendpool.Pool, *pooltest.Results, []sendpool.Notice, error) {
	t.Helper()
	var mu sync.Mutex
	var notices []sendpool.Notice
	cfg.Notify = func(no sendpool.Notice) {
		mu.Lock()
		defer mu.Unlock()
		notices = append(notices, no)
	}
	p, err := sendpool.New(cfg.PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	results := pooltest.NewResults(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = p.Run(ctx, sendpool.SliceSource(msgs), results.Add)
	mu.Lock()
	defer mu.Unlock()
	return p, results, append([]sendpool.Notice(nil), notices...), err
}

// noticesOf returns the notices of kind.
func noticesOf(notices []sendpool.Notice, kind sendpool.NoticeKind) []sendpool.Notice {
	var out []sendpool.Notice
	for _, no := range notices {
		if no.Kind == kind {
			out = append(out, no)
		}
	}
	return out
}

// TestPoolFullMailboxIsTheRecipients: Dovecot's quota reply concerns that
// recipient alone: 552 5.2.2 fails the message at once, 452 4.2.2 is
// retried as a temporary failure; neither throttles nor touches the rate
// (the issue: "Quota exceeded" was taken for throttling, halved the
// campaign's rate and retried the message for 15 minutes).
func TestPoolFullMailboxIsTheRecipients(t *testing.T) {
	pooltest.Each(t, testPoolFullMailboxIsTheRecipients)
}

func testPoolFullMailboxIsTheRecipients(t *testing.T, tr pooltest.Transport) {
	var mu sync.Mutex
	rcpts := map[string]int{}
	srv := tr.Server(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		mu.Lock()
		defer mu.Unlock()
		rcpts[to]++
		switch {
		case strings.HasPrefix(to, "dave"):
			return smtptest.Reply(552, "5.2.2", "<"+to+"> Quota exceeded (mailbox for user is full)")
		case strings.HasPrefix(to, "erin"):
			return smtptest.Reply(452, "4.2.2", "<"+to+"> Quota exceeded (mailbox for user is full)")
		}
		return nil
	}))
	cfg := tr.Config(srv)
	cfg.Rate = 1000
	cfg.Retries = 2
	cfg.Concurrency = 1
	msgs := []*render.Message{pooltest.Message(2, "dave@example.org"), pooltest.Message(3, "erin@example.org"), pooltest.Message(4, "ok@example.org")}
	p, res, notices, err := runNoticed(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Get(2); r.Status != sendpool.StatusFailed || r.Attempts != 1 || r.Code != 552 || r.EnhancedCode != (sendpool.EnhancedCode{5, 2, 2}) ||
		r.Detail != "<dave@example.org> Quota exceeded (mailbox for user is full)" {
		t.Errorf("552 5.2.2: %+v, want failed once for good with the server's words", r)
	}
	if r := res.Get(3); r.Status != sendpool.StatusDeferred || r.Attempts != 3 || !strings.Contains(r.Detail, "gave up after 2 retries") {
		t.Errorf("452 4.2.2: %+v, want failed temporarily after 3 attempts", r)
	}
	if r := res.Get(4); r.Status != sendpool.StatusSent {
		t.Errorf("row 4: %v %s", r.Status, r.Detail)
	}
	mu.Lock()
	if rcpts["dave@example.org"] != 1 || rcpts["erin@example.org"] != 3 {
		t.Errorf("RCPT tries %v, want dave once and erin 3 times", rcpts)
	}
	mu.Unlock()
	if th := noticesOf(notices, sendpool.NoticeThrottle); len(th) != 0 {
		t.Errorf("throttle notices %+v", th)
	}
	for _, no := range noticesOf(notices, sendpool.NoticeRetry) {
		if !strings.HasPrefix(no.Text, "row 3: not accepted for erin@example.org (452 4.2.2 ") {
			t.Errorf("retry notice %q, want only row 3's, with the reply", no.Text)
		}
	}
	if got := p.Limiter().Rate(); got != 1000 {
		t.Errorf("rate %v, want 1000 untouched", got)
	}
}

// TestPoolFullMailboxOverLMTP: the case, Dovecot LMTP refusing one
// recipient with 552 5.2.2 after the data: the other recipients have the
// message, the full one is refused for good, the rate is untouched.
func TestPoolFullMailboxOverLMTP(t *testing.T) { pooltest.Each(t, testPoolFullMailboxOverLMTP) }

func testPoolFullMailboxOverLMTP(t *testing.T, tr pooltest.Transport) {
	srv := tr.Server(t, smtptest.WithLMTP(), smtptest.OnLMTPRcpt(func(_ smtptest.Session, rcpt string) error {
		if strings.HasPrefix(rcpt, "dave") {
			return smtptest.Reply(552, "5.2.2", "Quota exceeded (mailbox for user is full)")
		}
		return nil
	}))
	cfg := tr.Config(srv)
	cfg.SMTP.Protocol = campaign.ProtocolLMTP
	cfg.Rate = 1000
	cfg.Concurrency = 1
	msgs := []*render.Message{pooltest.Message(2, "a@example.org", "dave@example.org"), pooltest.Message(3, "dave@example.org")}
	p, res, notices, err := runNoticed(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	if r := res.Get(2); r.Status != sendpool.StatusSent || r.Attempts != 1 || !strings.Contains(r.Detail, "not accepted for dave@example.org (552 5.2.2 <dave@example.org> Quota exceeded") {
		t.Errorf("row 2: %+v", r)
	}
	if r := res.Get(3); r.Status != sendpool.StatusFailed || r.Attempts != 1 || r.Code != 552 {
		t.Errorf("row 3: %+v, want failed once for good", r)
	}
	if n := len(noticesOf(notices, sendpool.NoticeThrottle)) + len(noticesOf(notices, sendpool.NoticeRetry)); n != 0 {
		t.Errorf("%d throttle or retry notices: %+v", n, notices)
	}
	if got := p.Limiter().Rate(); got != 1000 {
		t.Errorf("rate %v, want 1000 untouched", got)
	}
}

// TestPoolPostfixRateLimitSlowsDown: Postfix's anvil message rate limit
// (smtpd_client_message_rate_limit) lowers the rate; its tries do not
// spend retries (Retries is 0).
func TestPoolPostfixRateLimitSlowsDown(t *testing.T) {
	pooltest.Each(t, testPoolPostfixRateLimitSlowsDown)
}

func testPoolPostfixRateLimitSlowsDown(t *testing.T, tr pooltest.Transport) {
	var n atomic.Int64
	srv := tr.Server(t, smtptest.OnMail(func(smtptest.Session, string) error {
		if n.Add(1) <= 3 {
			return smtptest.Reply(450, "4.7.1", "Error: too much mail from 127.0.0.1")
		}
		return nil
	}))
	cfg := tr.Config(srv)
	cfg.Rate = 1000
	cfg.Retries = 0
	msgs := pooltest.Messages(6)
	p, res, notices, err := runNoticed(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	pooltest.ExactlyOnce(t, srv, msgs)
	for _, m := range msgs {
		if r := res.Get(m.Row); r.Status != sendpool.StatusSent {
			t.Errorf("row %d: %v %s", m.Row, r.Status, r.Detail)
		}
	}
	if got := p.Limiter().Rate(); got >= 1000 || got <= 0 {
		t.Errorf("rate %v, want below 1000", got)
	}
	th := noticesOf(notices, sendpool.NoticeThrottle)
	if len(th) == 0 || !strings.Contains(th[0].Text, "450 4.7.1 Error: too much mail from 127.0.0.1") {
		t.Errorf("throttle notices %+v", th)
	}
	if rt := noticesOf(notices, sendpool.NoticeRetry); len(rt) != 0 {
		t.Errorf("retry notices %+v: the refusals were taken for temporary failures", rt)
	}
}

// TestPoolThrottleRateInUnits: the notice of a rate the server asked to
// lower gives the new rate as the run's header does, in a unit that makes
// it a number a person reads ("rate now 45/min"), not "0.75/s" (an admin
// whose relay allows 30 a minute read "rate now 0.0744/s", rev-user12).
func TestPoolThrottleRateInUnits(t *testing.T) {
	var n atomic.Int64
	srv := smtptest.NewServer(t, smtptest.OnMail(func(smtptest.Session, string) error {
		if n.Add(1) == 1 {
			return smtptest.Reply(450, "4.7.1", "Error: too much mail from 127.0.0.1")
		}
		return nil
	}))
	cfg := pooltest.NewConfig(srv)
	cfg.Rate, cfg.Retries = 1.5, 0
	msgs := pooltest.Messages(1)
	_, _, notices, err := runNoticed(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	pooltest.ExactlyOnce(t, srv, msgs)
	th := noticesOf(notices, sendpool.NoticeThrottle)
	if len(th) != 1 || !strings.HasSuffix(th[0].Text, "): rate now 45/min") {
		t.Errorf("throttle notices %+v, want one ending \"rate now 45/min\"", th)
	}
}

// TestPoolPolicyRefusalNamed: a permanent 5.7.x refusal, at RCPT or after
// the data, says in the report's detail that it is the server's policy;
// other permanent refusals keep the server's words alone.
func TestPoolPolicyRefusalNamed(t *testing.T) { pooltest.Each(t, testPoolPolicyRefusalNamed) }

func testPoolPolicyRefusalNamed(t *testing.T, tr pooltest.Transport) {
	const dmarc = "Access denied, sending domain example.org does not pass DMARC verification and has a DMARC policy of reject."
	const spam = "Our system has detected that this message is likely unsolicited mail."
	srv := tr.Server(t,
		smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
			switch {
			case strings.HasPrefix(to, "dmarc"):
				return smtptest.Reply(550, "5.7.509", dmarc)
			case strings.HasPrefix(to, "nobody"):
				return smtptest.Reply(550, "5.1.1", "user unknown")
			}
			return nil
		}),
		smtptest.OnData(func(_ smtptest.Session, m *smtptest.Message) error {
			if strings.HasPrefix(m.To[0], "spam") {
				return smtptest.Reply(550, "5.7.1", spam)
			}
			return nil
		}))
	cfg := tr.Config(srv)
	cfg.Concurrency = 1
	msgs := []*render.Message{pooltest.Message(2, "dmarc@example.org"), pooltest.Message(3, "spam@example.org"), pooltest.Message(4, "nobody@example.org")}
	res, err := pooltest.Run(t, cfg, msgs)
	if err != nil {
		t.Fatal(err)
	}
	const policy = "policy refusal (such as spam, DMARC or a blocklist): "
	for row, want := range map[int]string{2: policy + dmarc, 3: policy + spam, 4: "user unknown"} {
		if r := res.Get(row); r.Status != sendpool.StatusFailed || r.Attempts != 1 || r.Detail != want {
			t.Errorf("row %d: %v attempts %d detail %q, want failed once with %q", row, r.Status, r.Attempts, r.Detail, want)
		}
	}
}

// TestPoolProviderReplies: every reply of the provider table but the 421
// ones, given by a real server at MAIL and at RCPT, does to the run what
// the table says:
// only the throttling ones lower the rate, login refusals stop the run,
// the rest fail the message (for now or for good).
func TestPoolProviderReplies(t *testing.T) {
	tr := pooltest.Transports[0]
	for _, stage := range []string{"MAIL", "RCPT"} {
		for _, tc := range providerReplies {
			if tc.code == 421 {
				// The test server keeps the session open after a hook's
				// 421, and the client waits its timeout (5 s) for the
				// close real servers make: 421 replies are left to
				// TestClassifyProviderReplies (the pool treats a class
				// alike whatever the code).
				continue
			}
			t.Run(fmt.Sprintf("%s %d %s %.30s", stage, tc.code, tc.ec, tc.text), func(t *testing.T) {
				refuse := func() error { return smtptest.Reply(tc.code, tc.ec, tc.text) }
				opt := smtptest.OnMail(func(smtptest.Session, string) error { return refuse() })
				if stage == "RCPT" {
					opt = smtptest.OnRcpt(func(smtptest.Session, string) error { return refuse() })
				}
				srv := tr.Server(t, opt)
				cfg := tr.Config(srv)
				cfg.Rate = 1000
				cfg.Retries = 0
				cfg.MaxThrottled = 1
				p, res, notices, err := runNoticed(t, cfg, []*render.Message{pooltest.Message(2, "dave@example.org")})
				throttled := len(noticesOf(notices, sendpool.NoticeThrottle)) > 0
				lowered := p.Limiter().Rate() < 1000
				if throttled != bool(tc.rate) || lowered != bool(tc.rate) {
					t.Errorf("throttle notice %v, rate %v; the table says lowers=%v", throttled, p.Limiter().Rate(), tc.rate)
				}
				r := res.Get(2)
				switch tc.want {
				case sendpool.ClassAuth:
					if !errors.Is(err, sendpool.ErrAuth) || r.Status != sendpool.StatusNotAttempted {
						t.Errorf("Run error %v, row %v; want the run stopped for the login", err, r.Status)
					}
				case sendpool.ClassQuota:
					if !errors.Is(err, sendpool.ErrQuota) || r.Status != sendpool.StatusNotAttempted || !strings.Contains(err.Error(), tc.text) {
						t.Errorf("Run error %v, row %+v; want the run stopped for the quota, the row not attempted", err, r)
					}
				case sendpool.ClassPermanent:
					if err != nil || r.Status != sendpool.StatusFailed || r.Attempts != 1 {
						t.Errorf("error %v, %+v; want failed once for good", err, r)
					}
				case sendpool.ClassTemporary, sendpool.ClassThrottled:
					if err != nil || r.Status != sendpool.StatusDeferred {
						t.Errorf("error %v, %+v; want failed for now", err, r)
					}
				}
			})
		}
	}
}

// TestPoolConnectionCapDoesNotThrottle: the one worker is refused at
// connecting by a cap on connections at once (421 HL:ICC: another client
// holds the server's only session). It waits and connects again once the
// session is free; the message rate is left alone (a lower rate answers
// nothing the server said). Cutting it here had slowed a run to a crawl
// whenever the last worker redialed before the server counted its old
// session out.
func TestPoolConnectionCapDoesNotThrottle(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithMaxSessions(1))
	hold, err := net.Dial("tcp", srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Close()
	if line, err := bufio.NewReader(hold).ReadString('\n'); err != nil || !strings.HasPrefix(line, "220") {
		t.Fatalf("greeting %q, %v", line, err)
	}
	cfg := pooltest.NewConfig(srv)
	cfg.Concurrency, cfg.Retries = 1, 5
	var mu sync.Mutex
	var notices []sendpool.Notice
	var once sync.Once
	cfg.Notify = func(no sendpool.Notice) {
		mu.Lock()
		notices = append(notices, no)
		mu.Unlock()
		if no.Kind == sendpool.NoticeReconnect {
			once.Do(func() {
				hold.Close()
				for id := range srv.Gone() { // the server counted it out
					if id == 1 {
						break
					}
				}
			})
		}
	}
	p, err := sendpool.New(cfg.PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	res := pooltest.NewResults(t)
	msgs := pooltest.Messages(5)
	rate := p.Limiter().Rate()
	if err := p.Run(t.Context(), sendpool.SliceSource(msgs), res.Add); err != nil {
		t.Fatal(err)
	}
	pooltest.ExactlyOnce(t, srv, msgs)
	mu.Lock()
	defer mu.Unlock()
	if len(noticesOf(notices, sendpool.NoticeReconnect)) == 0 || srv.Rejected() == 0 {
		t.Fatalf("the worker was never refused (notices %+v)", notices)
	}
	if th := noticesOf(notices, sendpool.NoticeThrottle); len(th) != 0 {
		t.Errorf("throttle notices %+v", th)
	}
	if got := p.Limiter().Rate(); got != rate {
		t.Errorf("rate %v, want %v untouched", got, rate)
	}
}

// TestPoolBytesBound: with messages larger than a (concurrency+1)th of the
// byte bound, the pool takes a message from its source only once an
// earlier one is finished, beyond one for each connection and one more.
// The bound is the dispatcher's, the same for every transport: one is
// tried (over 100 MB pass, slow with the race detector).
func TestPoolBytesBound(t *testing.T) {
	tr := pooltest.Transports[1] // pipelined, BDAT
	gate := make(chan struct{})
	srv := tr.Server(t, smtptest.HoldData(gate))
	cfg := tr.Config(srv)
	cfg.Concurrency = 2 // a message weighs at most 64 MB / 3
	msgs := pooltest.Messages(5)
	line := strings.Repeat("x", 76) + "\r\n"
	for _, m := range msgs {
		m.Data = append(m.Data, strings.Repeat(line, (22<<20)/len(line))...)
	}
	p, err := sendpool.New(cfg.PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	src := sendpool.SliceSource(msgs)
	taken := 0
	done := make(chan error)
	go func() {
		done <- p.Run(context.Background(), sendpool.SourceFunc(func(ctx context.Context) (*render.Message, error) {
			if taken++; taken == 5 {
				// Four are unfinished: two held by the server, one in
				// the queue and one waiting for room; the fifth waits
				// for the first to finish.
				if n := len(srv.Messages()); n < 1 {
					t.Errorf("fifth message taken with %d finished", n)
				}
			}
			return src.Next(ctx)
		}), nil)
	}()
	<-srv.Held()
	<-srv.Held()
	for range msgs {
		gate <- struct{}{}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	pooltest.ExactlyOnce(t, srv, msgs)
}

// TestPoolBytesRetryWaitFrees: large messages waiting for a retry do not
// hold the byte bound: the message behind them goes at once.
func TestPoolBytesRetryWaitFrees(t *testing.T) {
	tr := pooltest.Transports[0] // lockstep: a refused RCPT sends no body
	okSent := make(chan struct{})
	srv := tr.Server(t,
		smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
			if strings.HasPrefix(to, "grey") {
				return smtptest.Reply(451, "4.7.1", "greylisted, try again later")
			}
			return nil
		}),
		smtptest.OnData(func(_ smtptest.Session, m *smtptest.Message) error {
			close(okSent)
			return nil
		}))
	cfg := tr.Config(srv)
	cfg.Concurrency = 1 // a message weighs at most 32 MB: two fill the bound
	cfg.Retries = 3
	cfg.RetryBackoff = time.Hour
	big := strings.Repeat(strings.Repeat("x", 76)+"\r\n", (40<<20)/78)
	msgs := []*render.Message{pooltest.Message(2, "grey2@example.org"), pooltest.Message(3, "grey3@example.org"), pooltest.Message(4, "ok@example.org")}
	for _, m := range msgs[:2] {
		m.Data = append(m.Data, big...)
	}
	_, cancel, _, done := pooltest.Start(t, cfg, msgs)
	<-okSent // before: waited for an hour's timers
	cancel()
	if err := <-done; !errors.Is(err, sendpool.ErrInterrupted) {
		t.Fatalf("Run: %v, want ErrInterrupted", err)
	}
}

// TestPoolRetryWaitWithoutData: large messages a server defers
// (greylisting) wait for their retries without their data once those
// waiting hold 16 MB, and go out with the data Refetch gives back, each
// exactly once; a Refetch that fails stops the run, naming the row.
func TestPoolRetryWaitWithoutData(t *testing.T) {
	const n, size = 6, 6 << 20
	data := func(row int) []byte {
		m := pooltest.Message(row, fmt.Sprintf("user%d@example.org", row))
		line := fmt.Sprintf("row %d %s\r\n", row, strings.Repeat("x", 64))
		return append(m.Data, strings.Repeat(line, size/len(line))...)
	}
	var (
		mu      sync.Mutex
		notices []string // what the run said, for a run that does not end
	)
	ended := func(t *testing.T, done <-chan error) error {
		t.Helper()
		select {
		case err := <-done:
			return err
		case <-time.After(2 * time.Minute):
			mu.Lock()
			defer mu.Unlock()
			t.Fatalf("the run did not end once every retry was due; it said:\n%s", strings.Join(notices, "\n"))
			return nil
		}
	}
	run := func(t *testing.T, refetch func(context.Context, *render.Message) ([]byte, error)) (*smtptest.Server, *pooltest.FakeClock, <-chan error, *pooltest.Results) {
		tr := pooltest.Transports[1] // BDAT: the test server reads chunks whole, fast under -race
		srv := tr.Server(t, smtptest.Greylist())
		cfg := tr.Config(srv)
		clock := pooltest.NewFakeClock(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
		cfg.Concurrency, cfg.Retries, cfg.RetryBackoff, cfg.Clock, cfg.Refetch = 2, 3, time.Minute, clock, refetch
		cfg.Notify = func(n sendpool.Notice) {
			mu.Lock()
			notices = append(notices, n.Text)
			mu.Unlock()
		}
		p, err := sendpool.New(cfg.PoolConfig(t))
		if err != nil {
			t.Fatal(err)
		}
		row := 1
		src := sendpool.SourceFunc(func(context.Context) (*render.Message, error) {
			if row++; row > n+1 {
				return nil, io.EOF
			}
			m := pooltest.Message(row, fmt.Sprintf("user%d@example.org", row))
			m.Data = data(row) // made here: the test holds no copy
			return m, nil
		})
		res := pooltest.NewResults(t)
		done := make(chan error, 1)
		go func() { done <- p.Run(t.Context(), src, res.Add) }()
		clock.WaitPending(func() int { return n }) // every message deferred
		return srv, clock, done, res
	}
	heap := func() int64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return int64(ms.HeapAlloc)
	}

	t.Run("refetched", func(t *testing.T) {
		var fetched atomic.Int32
		before := heap()
		srv, clock, done, _ := run(t, func(ctx context.Context, m *render.Message) ([]byte, error) {
			fetched.Add(1)
			return data(m.Row), nil
		})
		// Two keep their data (12 MB of the 16); four wait without (24
		// MB more were they kept).
		if held := heap() - before; held > 2*size+(8<<20) {
			t.Errorf("%d messages of %d MB waiting hold %d MB", n, size>>20, held>>20)
		}
		clock.Advance(time.Hour) // every retry due
		if err := ended(t, done); err != nil {
			t.Fatal(err)
		}
		if got := fetched.Load(); got != n-2 {
			t.Errorf("Refetch called %d times, want %d", got, n-2)
		}
		for _, m := range srv.Messages() {
			row := 0
			fmt.Sscanf(m.To[0], "user%d@", &row)
			if want := data(row); !bytes.Equal(m.Data, want) {
				t.Errorf("row %d: the server got %d bytes, not the message's %d", row, len(m.Data), len(want))
			}
		}
		for row := 2; row < n+2; row++ {
			if got := srv.Received(fmt.Sprintf("user%d@example.org", row)); got != 1 {
				t.Errorf("row %d received %d times", row, got)
			}
		}
	})
	t.Run("refetch fails", func(t *testing.T) {
		_, clock, done, res := run(t, func(ctx context.Context, m *render.Message) ([]byte, error) {
			return nil, errors.New("spool gone")
		})
		clock.Advance(time.Hour)
		err := ended(t, done)
		if err == nil || !strings.Contains(err.Error(), "spool gone") || !strings.Contains(err.Error(), "refetching the message of row") {
			t.Fatalf("Run: %v, want the refetch's error with its row", err)
		}
		if res.Len() != n {
			t.Errorf("%d results, want %d", res.Len(), n)
		}
		// The two that kept their data may have gone before the stop.
		if sent := res.ByStatus()[sendpool.StatusSent]; len(sent) > 2 {
			t.Errorf("rows %v sent, though four could not be refetched", sent)
		}
	})
}

// TestPoolRetryKeep: Config.RetryKeep bounds what messages waiting for a
// retry keep: with room for two of five small deferred messages, the other
// three wait without their data and go out with what Refetch gives back.
func TestPoolRetryKeep(t *testing.T) {
	const n, size = 5, 10 << 10
	data := func(row int) []byte {
		m := pooltest.Message(row, fmt.Sprintf("user%d@example.org", row))
		return append(m.Data, bytes.Repeat([]byte(fmt.Sprintf("row %d\r\n", row)), size/8)...)
	}
	tr := pooltest.Transports[1]
	srv := tr.Server(t, smtptest.Greylist())
	cfg := tr.Config(srv)
	clock := pooltest.NewFakeClock(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
	var fetched atomic.Int32
	cfg.Concurrency, cfg.Retries, cfg.RetryBackoff, cfg.Clock = 1, 3, time.Minute, clock
	cfg.RetryKeep = int64(2*len(data(n+1)) + 1)
	cfg.Refetch = func(_ context.Context, m *render.Message) ([]byte, error) {
		fetched.Add(1)
		return data(m.Row), nil
	}
	p, err := sendpool.New(cfg.PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	msgs := make([]*render.Message, n)
	for i := range msgs {
		msgs[i] = pooltest.Message(i+2, fmt.Sprintf("user%d@example.org", i+2))
		msgs[i].Data = data(i + 2)
	}
	done := make(chan error, 1)
	go func() { done <- p.Run(t.Context(), sendpool.SliceSource(msgs), pooltest.NewResults(t).Add) }()
	clock.WaitPending(func() int { return n }) // every message deferred
	clock.Advance(time.Hour)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := fetched.Load(); got != n-2 {
		t.Errorf("Refetch called %d times, want %d", got, n-2)
	}
	for _, m := range srv.Messages() {
		row := 0
		fmt.Sscanf(m.To[0], "user%d@", &row)
		if want := data(row); !bytes.Equal(m.Data, want) || srv.Received(m.To[0]) != 1 {
			t.Errorf("row %d: the server got %d bytes %d times, not the message's %d once", row, len(m.Data), srv.Received(m.To[0]), len(want))
		}
	}
}

// TestPoolLetsGoOfSent: a message's data is not kept once its result is
// in, also by a worker idle while it waits for the rate limiter's next
// token (with a large attachment each kept message would be megabytes
// outside the pool's byte bound).
func TestPoolLetsGoOfSent(t *testing.T) {
	pooltest.Each(t, func(t *testing.T, tr pooltest.Transport) {
		srv := tr.Server(t)
		cfg := tr.Config(srv)
		cfg.Concurrency, cfg.Rate, cfg.Burst = 1, 1.0/3600, 1 // the second waits an hour
		p, err := sendpool.New(cfg.PoolConfig(t))
		if err != nil {
			t.Fatal(err)
		}
		var freed <-chan struct{}
		asked := make(chan struct{})
		row := 1
		src := sendpool.SourceFunc(func(ctx context.Context) (*render.Message, error) {
			row++
			m := pooltest.Message(row, fmt.Sprintf("user%d@example.org", row))
			switch row {
			case 2:
				m, freed = pooltest.BigMessage(row, fmt.Sprintf("user%d@example.org", row))
			case 3:
				close(asked)
			case 4:
				<-ctx.Done()
				return nil, ctx.Err()
			}
			return m, nil
		})
		sent := make(chan struct{})
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() {
			done <- p.Run(ctx, src, func(r sendpool.Result) {
				if r.Row == 2 {
					close(sent)
				}
			})
		}()
		<-sent
		<-asked
		pooltest.WaitFreed(t, freed, "row 2's data is still held while the pool waits for a token")
		cancel()
		<-done
	})
}

// TestPoolRetryWaitForAPerson: the notice of a retry gives its wait to
// the second ("retry 1 of 3 in 38s"), not to the millisecond as it was
// ("in 37.841s", today's review). The run is cancelled once it is given.
func TestPoolRetryWaitForAPerson(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(smtptest.Session, string) error {
		return smtptest.Reply(451, "4.3.0", "try again later")
	}))
	cfg := pooltest.NewConfig(srv)
	cfg.Concurrency, cfg.Retries, cfg.RetryBackoff = 1, 3, 40*time.Second
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	retries := make(chan string, 1)
	cfg.Notify = func(no sendpool.Notice) {
		if no.Kind == sendpool.NoticeRetry {
			select {
			case retries <- no.Text:
			default:
			}
			cancel()
		}
	}
	p, err := sendpool.New(cfg.PoolConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	_ = p.Run(ctx, sendpool.SliceSource(pooltest.Messages(1)), pooltest.NewResults(t).Add)
	select {
	case text := <-retries:
		if !regexp.MustCompile(`; retry 1 of 3 in [0-9]+s$`).MatchString(text) {
			t.Errorf("retry notice %q, want its wait in whole seconds (20s to 60s)", text)
		}
	default:
		t.Fatal("no retry notice")
	}
}
