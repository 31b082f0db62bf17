package smtpclient_test

import (
	"bufio"
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestRefusedGreetingSaid: a server that refuses the connection in its
// greeting, before any EHLO (Microsoft 365's "432 4.3.2 Concurrent
// connections limit exceeded" at connect), is said to have refused it in
// its greeting, where before the refusal was put on an EHLO never sent;
// a refusal of EHLO itself still names EHLO.
func TestRefusedGreetingSaid(t *testing.T) {
	const refusal = "432 4.3.2 Concurrent connections limit exceeded"
	for _, security := range []campaign.Security{campaign.SecurityNone, campaign.SecurityStartTLS} {
		t.Run(security.String(), func(t *testing.T) {
			srv := smtptest.NewServer(t, smtptest.RefuseWith(refusal), smtptest.WithStartTLS())
			d, err := smtpclient.NewDialer(smtpclient.Config{Host: srv.Host, Port: srv.Port, Security: security, RootCAs: srv.Cert.Pool, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			_, err = d.Dial(context.Background())
			if want := "sendpool: greeting: " + refusal; err == nil || err.Error() != want {
				t.Errorf("dial: %v, want %q", err, want)
			}
		})
	}
	ehlo := listen(t, func(c net.Conn) {
		defer c.Close()
		c.Write([]byte("220 mx.example.com ESMTP\r\n"))
		if _, err := bufio.NewReader(c).ReadString('\n'); err == nil {
			c.Write([]byte("421 4.7.0 not now\r\n"))
		}
	})
	host, port, _ := net.SplitHostPort(ehlo)
	p, _ := strconv.Atoi(port)
	d, err := smtpclient.NewDialer(smtpclient.Config{Host: host, Port: p, Security: campaign.SecurityNone, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Dial(context.Background()); err == nil || !strings.HasPrefix(err.Error(), "sendpool: EHLO: 421 4.7.0") {
		t.Errorf("dial to a server refusing EHLO: %v, want an EHLO refusal", err)
	}
}
