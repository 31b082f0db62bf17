package smtpclient_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// slowStartTLSServer serves a STARTTLS session whose greeting, EHLO and
// STARTTLS replies each come slow after what they answer (a loaded but
// alive server), and whose session over TLS answers at once.
func slowStartTLSServer(cert tls.Certificate, slow time.Duration) func(net.Conn) {
	return func(c net.Conn) {
		defer c.Close()
		time.Sleep(slow) // the server's own slowness: the scenario, not a wait
		fmt.Fprint(c, "220 slow.example ESMTP\r\n")
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			time.Sleep(slow)
			switch verb := strings.ToUpper(strings.Fields(line + " x")[0]); verb {
			case "EHLO":
				fmt.Fprint(c, "250-slow.example\r\n250 STARTTLS\r\n")
			case "STARTTLS":
				fmt.Fprint(c, "220 2.0.0 go ahead\r\n")
				serveTLS(tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}}))
				return
			default:
				fmt.Fprint(c, "502 5.5.1 what\r\n")
			}
		}
	}
}

// serveTLS answers EHLO and QUIT over c at once.
func serveTLS(c *tls.Conn) {
	r := bufio.NewReader(c)
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		switch strings.ToUpper(strings.Fields(line + " x")[0]) {
		case "EHLO":
			fmt.Fprint(c, "250-slow.example\r\n250 8BITMIME\r\n")
		case "QUIT":
			fmt.Fprint(c, "221 2.0.0 bye\r\n")
			return
		default:
			fmt.Fprint(c, "250 2.0.0 ok\r\n")
		}
	}
}

// TestStartTLSSlowServer: a server whose greeting, EHLO and STARTTLS
// replies each take most of smtp.timeout, together longer than it, is
// still served under security: starttls: each reply waits smtp.timeout
// (3218aa7), not the whole exchange.
func TestStartTLSSlowServer(t *testing.T) {
	const timeout = 2 * time.Second
	cert := smtptest.NewCert(t, "127.0.0.1")
	host, port, _ := net.SplitHostPort(listen(t, slowStartTLSServer(cert.TLS, timeout*6/10)))
	p, _ := strconv.Atoi(port)
	d, err := smtpclient.NewDialer(smtpclient.Config{Host: host, Port: p, Security: campaign.SecurityStartTLS, RootCAs: cert.Pool, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	c, err := d.Dial(context.Background())
	if err != nil {
		t.Fatalf("a slow but alive server was given up on: %v", err)
	}
	c.Close()
}
