package smtpclient_test

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestNotAnSMTPServer: pointed at a port where something other than a mail
// server listens, the first connection fails with a hint that names what
// answers there, not a bare "greeting: EOF".
func TestNotAnSMTPServer(t *testing.T) {
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	t.Cleanup(web.Close)
	cert := smtptest.NewCert(t, "127.0.0.1")
	tlsOnly := listen(t, func(c net.Conn) {
		tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert.TLS}})
		tc.Handshake() // waits for a ClientHello that never comes, until the sniff
		tc.Close()
	})
	banner := listen(t, func(c net.Conn) {
		c.Write([]byte("SSH-2.0-OpenSSH_9.6\r\n"))
		buf := make([]byte, 64)
		c.Read(buf)
		c.Close()
	})
	hangUp := listen(t, func(c net.Conn) { c.Close() })
	silent := listen(t, func(c net.Conn) {
		buf := make([]byte, 64)
		for {
			if _, err := c.Read(buf); err != nil { // silent until the client goes
				c.Close()
				return
			}
		}
	})
	for _, tc := range []struct {
		name, addr string
		security   campaign.Security
		want       string
		met        sendpool.NoAnswer
		// stop is the kind of stop it makes of the run's first
		// connection (sendpool.StopKind of its words).
		stop string
	}{
		{"web server", web.Listener.Addr().String(), campaign.SecurityNone, "answers HTTP: it is a web server", sendpool.NoAnswerOther, sendpool.StopSettings},
		{"web server, starttls", web.Listener.Addr().String(), campaign.SecurityStartTLS, "answers HTTP: it is a web server", sendpool.NoAnswerOther, sendpool.StopSettings},
		{"implicit TLS", tlsOnly, campaign.SecurityNone, "speaks TLS from the first byte: set smtp.security: tls", sendpool.NoAnswerOther, sendpool.StopSettings},
		{"ssh", banner, campaign.SecurityStartTLS, `answered "SSH-2.0-OpenSSH_9.6", which is not an SMTP greeting`, sendpool.NoAnswerOther, sendpool.StopSettings},
		// Closed at once: not "no greeting within 1s" (the review's
		// saw "within 5s" of a server that closed after 10 ms).
		{"hangs up", hangUp, campaign.SecurityNone, "closed the connection without an SMTP greeting: usually a server that refuses connections from this client or its IP address", sendpool.NoAnswerClosed, sendpool.StopUnreachable},
		{"says nothing", silent, campaign.SecurityNone, "accepted the connection but sent no SMTP greeting within 1s: the wrong port", sendpool.NoAnswerSilent, sendpool.StopUnreachable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			host, port, _ := net.SplitHostPort(tc.addr)
			p, _ := strconv.Atoi(port)
			d, err := smtpclient.NewDialer(smtpclient.Config{Host: host, Port: p, Security: tc.security, Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			_, err = d.Dial(context.Background())
			var de *sendpool.DialError
			if !errors.As(err, &de) || de.Kind != sendpool.DialNoAnswer || de.NoAnswer != tc.met || !strings.Contains(de.Hint, tc.want) {
				t.Fatalf("got %v (%#v), want a no-answer DialError (%v) with %q", err, de, tc.met, tc.want)
			}
			if tc.stop == sendpool.StopUnreachable && strings.Contains(de.Hint, "within") != (tc.name == "says nothing") {
				t.Errorf("%q: the timeout's words for a server that did not let it run out, or none for one that did", de.Hint)
			}
			stop := &sendpool.StopError{Kind: sendpool.ErrUnreachable, Err: err}
			if got := sendpool.StopKind(sendpool.StopUnsent(stop.Reason())); got != tc.stop {
				t.Errorf("a first connection's stop for %q is told %q, want %q", de.Hint, got, tc.stop)
			}
		})
	}
}

// listen serves every connection to a fresh loopback port with serve and
// returns the port's address.
func listen(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serve(c)
		}
	}()
	return l.Addr().String()
}

// TestCancelledDialIsNoDiagnosis: a dial cancelled while it waits for a
// greeting (Ctrl-C) ends with the cancellation, at once, not with a hint
// about the port.
func TestCancelledDialIsNoDiagnosis(t *testing.T) {
	accepted := make(chan struct{})
	addr := listen(t, func(c net.Conn) {
		close(accepted)
		buf := make([]byte, 1)
		c.Read(buf) // silent until the client goes
		c.Close()
	})
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	d, err := smtpclient.NewDialer(smtpclient.Config{Host: host, Port: p, Security: campaign.SecurityNone, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-accepted; cancel() }()
	_, err = d.Dial(ctx)
	var de *sendpool.DialError
	if err == nil || errors.As(err, &de) && de.Kind == sendpool.DialNoAnswer {
		t.Fatalf("got %v, want the cancellation", err)
	}
}

// TestStartTLSGreetingWait: under security: starttls a server that sends
// no greeting is given up on after smtp.timeout, as under none, and the
// hint's "within" is true: go-smtp reads the greeting before STARTTLS with
// no deadline of its own, and the dial waited 3 times the timeout (90 s by
// default for a port 465 written with starttls) while saying "within 30s".
// Timed on the server's side, from accepting the connection to the
// client closing it: the sniff after it does not count.
func TestStartTLSGreetingWait(t *testing.T) {
	const timeout = 2 * time.Second
	held := make(chan time.Duration, 1)
	addr := listen(t, func(c net.Conn) {
		start := time.Now()
		buf := make([]byte, 64)
		for {
			if _, err := c.Read(buf); err != nil { // silent until the client goes
				c.Close()
				select {
				case held <- time.Since(start):
				default: // the sniff's connections
				}
				return
			}
		}
	})
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	d, err := smtpclient.NewDialer(smtpclient.Config{Host: host, Port: p, Security: campaign.SecurityStartTLS, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Dial(context.Background())
	var de *sendpool.DialError
	if !errors.As(err, &de) || de.Kind != sendpool.DialNoAnswer || de.NoAnswer != sendpool.NoAnswerSilent || !strings.Contains(de.Hint, "sent no SMTP greeting within 2s") {
		t.Fatalf("got %v, want a no-answer DialError saying within 2s", err)
	}
	if h := <-held; h >= 2*timeout {
		t.Errorf("the connection was held %s without a greeting, want about smtp.timeout (%s)", h.Round(time.Millisecond), timeout)
	}
}
