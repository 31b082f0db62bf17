package sendpool_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// outageHost is smtp.host in the tests of a dropped network: under
// .invalid (RFC 6761), a name no resolver may answer, and never looked
// up: the test's resolver (smtpclient.Config.NetDial) answers it.
const outageHost = "smtp.example.invalid"

// switchedResolver answers outageHost as a resolver does: with the test
// server's address while up, "no such host" (NXDOMAIN) while down, and
// with a port nothing listens on while refusing; dialAnswers says which,
// by dial (1 is the run's first), the later ones as the last.
type switchedResolver struct {
	srv     *smtptest.Server
	closed  string // an address nothing listens on
	silent  string // an address that takes connections and says nothing
	answers []string
	dials   atomic.Int64
}

func (s *switchedResolver) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	n := int(s.dials.Add(1))
	answer := s.answers[min(n, len(s.answers))-1]
	var d net.Dialer
	switch answer {
	case "down":
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: outageHost, IsNotFound: true}}
	case "refusing":
		return d.DialContext(ctx, network, s.closed)
	case "silent":
		return d.DialContext(ctx, network, s.silent)
	}
	return d.DialContext(ctx, network, s.srv.Addr)
}

// outageRun sends msgs through a server at outageHost answered as r
// says, one connection carrying two messages, and returns the notices
// the pool gave.
func outageRun(t *testing.T, r *switchedResolver, reachedBefore bool, n int) (*pooltest.Results, []string, error) {
	t.Helper()
	cfg := pooltest.NewConfig(r.srv)
	cfg.SMTP.Host, cfg.SMTP.NetDial = outageHost, r.dial
	cfg.Concurrency, cfg.PerConnection, cfg.ReachedBefore = 1, 2, reachedBefore
	var mu sync.Mutex
	var notices []string
	cfg.Notify = func(n sendpool.Notice) {
		mu.Lock()
		notices = append(notices, n.Text)
		mu.Unlock()
	}
	res, err := pooltest.Run(t, cfg, pooltest.Messages(n))
	mu.Lock()
	defer mu.Unlock()
	return res, notices, err
}

// silentAddr is an address on this machine that takes connections and
// says nothing until the test ends.
func silentAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	var mu sync.Mutex
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	return l.Addr().String()
}

// closedAddr is an address on this machine nothing listens on.
func closedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestPoolHostGoneMidRunWaits: a host name that resolved for the run's
// first connection and then does not ("no such host", as some resolvers
// answer while the laptop is offline) is waited out and dialed again,
// with words saying it resolved before, not stopped for as a setting; the
// run ends once it resolves again, each message sent once. A refused
// connection mid-run names the server or the network, not smtp.port.
func TestPoolHostGoneMidRunWaits(t *testing.T) {
	srv := smtptest.NewServer(t)
	r := &switchedResolver{srv: srv, closed: closedAddr(t), answers: []string{"up", "down", "down", "refusing", "up"}}
	res, notices, err := outageRun(t, r, false, 8)
	if err != nil {
		t.Fatalf("run: %v (notices %q)", err, notices)
	}
	pooltest.ExactlyOnce(t, srv, pooltest.Messages(8))
	for row, m := range res.Map() {
		if m.Status != sendpool.StatusSent {
			t.Errorf("row %d: %v", row, m.Status)
		}
	}
	all := strings.Join(notices, "\n")
	for _, want := range []string{
		"the host name " + outageHost + " does not resolve now, though it did earlier in this run (is the network down?)",
		"nothing accepts connections at " + outageHost + ":",
		"now, though it did earlier in this run (is the server or the network down?)",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("notices lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "check smtp.") {
		t.Errorf("a dropped network mid-run is blamed on the settings:\n%s", all)
	}
}

// TestPoolSilentMidRunWaits: a server that took this run's connections
// and greeted, and then takes one and says nothing, is waited out as the
// server's or the network's trouble, not put down to smtp.port or
// smtp.security. (Its second look at the port, HTTP and TLS, dials
// through the resolver too: answers 3 and 4.)
func TestPoolSilentMidRunWaits(t *testing.T) {
	srv := smtptest.NewServer(t)
	r := &switchedResolver{srv: srv, silent: silentAddr(t), answers: []string{"up", "silent", "silent", "silent", "up"}}
	cfg := pooltest.NewConfig(r.srv)
	cfg.SMTP.Host, cfg.SMTP.NetDial, cfg.SMTP.Timeout = outageHost, r.dial, time.Second
	cfg.Concurrency, cfg.PerConnection = 1, 2
	var notices []string
	var mu sync.Mutex
	cfg.Notify = func(n sendpool.Notice) { mu.Lock(); notices = append(notices, n.Text); mu.Unlock() }
	if _, err := pooltest.Run(t, cfg, pooltest.Messages(4)); err != nil {
		t.Fatalf("run: %v", err)
	}
	pooltest.ExactlyOnce(t, srv, pooltest.Messages(4))
	mu.Lock()
	defer mu.Unlock()
	all := strings.Join(notices, "\n")
	if want := sendpool.SilentNoGreeting + " now, though it greeted earlier in this run (is the server or the network down?)"; !strings.Contains(all, want) || strings.Contains(all, "wrong smtp.security") {
		t.Errorf("notices lack %q, or blame smtp.security:\n%s", want, all)
	}
}

// TestPoolHostGoneResumedWaits: a run of a send whose earlier run
// delivered through the host (Config.ReachedBefore, from the journal)
// waits out "no such host" at its first connection too.
func TestPoolHostGoneResumedWaits(t *testing.T) {
	srv := smtptest.NewServer(t)
	r := &switchedResolver{srv: srv, answers: []string{"down", "up"}}
	_, notices, err := outageRun(t, r, true, 3)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	pooltest.ExactlyOnce(t, srv, pooltest.Messages(3))
	if all := strings.Join(notices, "\n"); !strings.Contains(all, "does not resolve now, though it did in an earlier run of this send") {
		t.Errorf("notices:\n%s", all)
	}
}

// TestPoolMisspeltHostStops: a host name never reached that does not
// resolve is a setting to fix: the run stops at its first dial, with the
// words it always had, and nothing is sent.
func TestPoolMisspeltHostStops(t *testing.T) {
	srv := smtptest.NewServer(t)
	r := &switchedResolver{srv: srv, answers: []string{"down", "up"}}
	res, _, err := outageRun(t, r, false, 3)
	if !errors.Is(err, sendpool.ErrUnreachable) || !strings.Contains(err.Error(), "the host name "+outageHost+" does not resolve (check smtp.host)") {
		t.Fatalf("err %v, want the host name to check", err)
	}
	if n := r.dials.Load(); n != 1 {
		t.Errorf("%d dials, want 1", n)
	}
	if got := sendpool.StopFix(sendpool.StopCause(res.Get(2).Detail)); got != "the settings are fixed (see why the run stopped)" {
		t.Errorf("StopFix %q", got)
	}
	if len(srv.Messages()) != 0 {
		t.Errorf("%d messages sent", len(srv.Messages()))
	}
}

// TestPoolHostGoneForGoodEnds: a name reached earlier in the run that
// never resolves again is not waited for forever: after the connection
// attempts in a row the retries allow, the run stops with words saying
// the name stopped resolving (not a setting to fix), and the messages
// not sent are held for the next send.
func TestPoolHostGoneForGoodEnds(t *testing.T) {
	srv := smtptest.NewServer(t)
	r := &switchedResolver{srv: srv, answers: []string{"up", "down"}}
	res, _, err := outageRun(t, r, false, 6)
	if !errors.Is(err, sendpool.ErrUnreachable) || !strings.Contains(err.Error(), "connection attempts in a row failed") ||
		!strings.Contains(err.Error(), "does not resolve now, though it did earlier in this run (is the network down?)") {
		t.Fatalf("err %v, want the attempts that failed and the name that stopped resolving", err)
	}
	if len(srv.Messages()) != 2 {
		t.Errorf("%d messages sent, want the first connection's 2", len(srv.Messages()))
	}
	if kind := sendpool.StopKind(sendpool.StopCause(res.Get(6).Detail)); kind == sendpool.StopSettings {
		t.Errorf("a name that stopped resolving is a stop of kind %q", kind)
	}
}

// TestPoolHostGoneCancelled: a Ctrl-C while the run waits for a name that
// stopped resolving ends the run at once, not when the wait is over.
func TestPoolHostGoneCancelled(t *testing.T) {
	srv := smtptest.NewServer(t)
	r := &switchedResolver{srv: srv, answers: []string{"up", "down"}}
	cfg := pooltest.NewConfig(srv)
	cfg.SMTP.Host, cfg.SMTP.NetDial = outageHost, r.dial
	cfg.Concurrency, cfg.PerConnection, cfg.RetryBackoff = 1, 2, time.Hour
	waiting := make(chan struct{})
	var once sync.Once
	cfg.Notify = func(n sendpool.Notice) {
		if n.Kind == sendpool.NoticeReconnect && !n.Redial.IsZero() {
			once.Do(func() { close(waiting) })
		}
	}
	_, cancel, _, done := pooltest.Start(t, cfg, pooltest.Messages(6))
	<-waiting
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("run: %v, want it cancelled", err)
	}
}

// TestPoolResumedRefusedStillNamesPort: the journal says an earlier run
// delivered through the host name, not through this port (smtp.port may
// have been edited since): a refusal at the first connection of a later
// run keeps the words that point at smtp.host and smtp.port, and does
// not say the server took connections before.
func TestPoolResumedRefusedStillNamesPort(t *testing.T) {
	srv := smtptest.NewServer(t)
	r := &switchedResolver{srv: srv, closed: closedAddr(t), answers: []string{"refusing"}}
	_, notices, err := outageRun(t, r, true, 3)
	if !errors.Is(err, sendpool.ErrUnreachable) || !strings.Contains(err.Error(), "check smtp.host and smtp.port") ||
		strings.Contains(err.Error(), "though it did") {
		t.Fatalf("err %v (notices %q), want the first connection's words", err, notices)
	}
	if len(srv.Messages()) != 0 {
		t.Errorf("%d messages sent", len(srv.Messages()))
	}
}
