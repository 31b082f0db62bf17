package sendpool_test

import (
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

// TestCaptivePortalWaitedOut: a send that reached its server before (the
// journal says so) meets, on a laptop moved to a hotel's Wi-Fi, a network
// that answers port 587 itself with its own certificate until its user
// logs in. That is no setting to fix: the run says to log in to the
// network and connects again, sending nothing through it, and goes on
// once the server answers again, rather than stopping as for a TLS
// failure. A certificate never trusted stops the run still ("unverified
// certificate" in TestPoolStartTLS).
func TestCaptivePortalWaitedOut(t *testing.T) {
	real := smtptest.NewServer(t, smtptest.WithStartTLS())
	portal := smtptest.NewServer(t, smtptest.WithStartTLS()) // its own certificate
	addr := portalFirst(t, portal.Addr, real.Addr)
	cfg := pooltest.NewConfig(real)
	cfg.SMTP.Port = addr.Port
	cfg.SMTP.Security = campaign.SecurityStartTLS
	cfg.SMTP.RootCAs = real.Cert.Pool
	cfg.Concurrency = 1
	cfg.ReachedBefore = true
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

// portalFirst listens on 127.0.0.1 and relays the first connection to
// portal, every later one to server.
func portalFirst(t *testing.T, portal, server string) *net.TCPAddr {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var n atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			to := server
			if n.Add(1) == 1 {
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
