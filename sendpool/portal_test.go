package sendpool_test

import (
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestCaptivePortalWaitedOut: a send that reached its server earlier in
// this run meets, on a laptop moved to a hotel's Wi-Fi, a network that
// answers port 587 itself with its own certificate until its user logs
// in. That is no setting to fix: the run says to log in to the network and
// connects again, sending nothing through it, and goes on once the server
// answers again, rather than stopping as for a TLS failure. A certificate
// never trusted stops the run still ("unverified certificate" in
// TestPoolStartTLS), and so does one met before this run connected
// (TestCaptivePortalJournalStops).
func TestCaptivePortalWaitedOut(t *testing.T) {
	real := smtptest.NewServer(t, smtptest.WithStartTLS())
	portal := smtptest.NewServer(t, smtptest.WithStartTLS()) // its own certificate
	cfg := portalConfig(real, portalAt(t, 2, portal.Addr, real.Addr))
	cfg.PerConnection = 1 // the second message on a second connection
	var mu sync.Mutex
	var notices []string
	cfg.Notify = func(n sendpool.Notice) {
		mu.Lock()
		defer mu.Unlock()
		notices = append(notices, n.Text)
	}
	msgs := pooltest.Messages(2)
	if _, err := pooltest.Run(t, cfg, msgs); err != nil {
		t.Fatalf("behind a captive portal, then through it: %v", err)
	}
	pooltest.ExactlyOnce(t, real, msgs)
	if n := len(portal.Messages()); n != 0 {
		t.Errorf("the portal got %d messages", n)
	}
	mu.Lock()
	defer mu.Unlock()
	if said := strings.Join(notices, "\n"); !strings.Contains(said, "until you log in to it") {
		t.Errorf("notices do not say to log in to the network:\n%s", said)
	}
}

// TestCaptivePortalJournalStops: an untrusted certificate at this run's
// first connection stops the run at once, as on a first run, though the
// journal says an earlier run delivered through the host: the journal
// vouches for the host name, not for the certificate or the settings that
// trust it (smtp.security or smtp.ca_file may have been edited since). Its
// words are the TLS failure's, then what to do behind a captive portal.
func TestCaptivePortalJournalStops(t *testing.T) {
	real := smtptest.NewServer(t, smtptest.WithStartTLS())
	portal := smtptest.NewServer(t, smtptest.WithStartTLS())
	cfg := portalConfig(real, portalAt(t, 1, portal.Addr, real.Addr))
	cfg.ReachedBefore = true
	_, err := pooltest.Run(t, cfg, pooltest.Messages(2))
	if !errors.Is(err, sendpool.ErrTLS) {
		t.Fatalf("err %v, want the run stopped for a TLS failure", err)
	}
	for _, want := range []string{"signed by an authority this machine does not trust (for a private CA set smtp.ca_file)", "log in to it", "run tidings send again"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err %q does not say %q", err, want)
		}
	}
	if n, m := len(real.Messages()), len(portal.Messages()); n+m != 0 {
		t.Errorf("the server got %d messages, the portal %d; want none", n, m)
	}
}

// portalConfig is a one-connection STARTTLS configuration for real,
// reached at port.
func portalConfig(real *smtptest.Server, addr *net.TCPAddr) pooltest.Config {
	cfg := pooltest.NewConfig(real)
	cfg.SMTP.Port = addr.Port
	cfg.SMTP.Security = campaign.SecurityStartTLS
	cfg.SMTP.RootCAs = real.Cert.Pool
	cfg.Concurrency = 1
	return cfg
}

// portalAt listens on 127.0.0.1 and relays connection n (1-based) to
// portal, every other one to server.
func portalAt(t *testing.T, n int32, portal, server string) *net.TCPAddr {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			to := server
			if conns.Add(1) == n {
				to = portal
			}
			go relayTo(c, to)
		}
	}()
	return ln.Addr().(*net.TCPAddr)
}

// relayTo copies between c and a new connection to addr until either ends.
func relayTo(c net.Conn, addr string) {
	defer c.Close()
	s, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	defer s.Close()
	done := make(chan struct{}, 2)
	go func() { io.Copy(s, c); done <- struct{}{} }()
	go func() { io.Copy(c, s); done <- struct{}{} }()
	<-done
}
