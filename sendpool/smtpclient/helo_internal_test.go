package smtpclient

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestHostFQDN: only a fully-qualified, valid host name is taken from
// the hostname function.
func TestHostFQDN(t *testing.T) {
	for name, want := range map[string]string{
		"mail.example.org":                       "mail.example.org",
		"mail.example.org.":                      "mail.example.org",
		"Build-7.CI.example.net":                 "Build-7.CI.example.net",
		"vm":                                     "", // no dot: a container's or laptop's name
		"localhost":                              "",
		"localhost.localdomain":                  "",
		"LOCALHOST.localdomain.":                 "",
		"192.168.1.10":                           "", // an address, not a name
		"-bad.example.org":                       "",
		"bad-.example.org":                       "",
		"under_score.example":                    "",
		"two..dots.example":                      "",
		".example.org":                           "",
		"naïve.example.org":                      "",
		"space in.example.org":                   "",
		strings.Repeat("a", 64) + ".example.org": "",
		strings.Repeat("a.", 127) + "org":        "", // 257 characters
		"":                                       "",
	} {
		if got := hostFQDN(func() (string, error) { return name, nil }); got != want {
			t.Errorf("hostname %q: %q, want %q", name, got, want)
		}
	}
	if got := hostFQDN(func() (string, error) { return "mail.example.org", errors.New("uname failed") }); got != "" {
		t.Errorf("hostname failing: %q, want \"\"", got)
	}
}

// TestHeloName: smtp.helo as configured, else the machine's FQDN, else the
// address literal of the connection's local address (RFC 5321 4.1.3).
func TestHeloName(t *testing.T) {
	v4 := &net.TCPAddr{IP: net.ParseIP("192.0.2.1"), Port: 50123}
	for _, c := range []struct {
		configured, fqdn string
		local            net.Addr
		want             string
	}{
		{"relay-client.example.org", "mail.example.org", v4, "relay-client.example.org"},
		{"localhost", "", v4, "localhost"}, // configured: kept as it is
		{"", "mail.example.org", v4, "mail.example.org"},
		{"", "", v4, "[192.0.2.1]"},
		{"", "", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, "[127.0.0.1]"}, // 16-byte form
		{"", "", &net.TCPAddr{IP: net.ParseIP("::ffff:198.51.100.7")}, "[198.51.100.7]"},
		{"", "", &net.TCPAddr{IP: net.ParseIP("2001:db8::1")}, "[IPv6:2001:db8::1]"},
		{"", "", &net.TCPAddr{IP: net.ParseIP("fe80::1"), Zone: "eth0"}, "[IPv6:fe80::1]"},
		{"", "", &net.UnixAddr{Name: "/tmp/s", Net: "unix"}, "localhost"},
		{"", "", nil, "localhost"},
	} {
		if got := heloName(c.configured, c.fqdn, c.local); got != c.want {
			t.Errorf("heloName(%q, %q, %v) = %q, want %q", c.configured, c.fqdn, c.local, got, c.want)
		}
	}
}

// TestHeloStrictPostfix: a private Postfix that checks the EHLO name at
// EHLO (reject_non_fqdn_helo_hostname, reject_invalid_helo_hostname,
// smtpd_delay_reject = no) refuses "localhost", go-smtp's name, and
// accepts the default name, the address literal or the machine's FQDN,
// and a configured one; with STARTTLS, the EHLO before it too.
func TestHeloStrictPostfix(t *testing.T) {
	p := smtptest.StartPostfix(t, smtptest.PostfixOptions{Main: map[string]string{
		"smtpd_helo_required":     "yes",
		"smtpd_helo_restrictions": "reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname",
		"smtpd_delay_reject":      "no",
		// Loopback may send to any domain, whose mail is discarded:
		// nothing leaves the machine, and every refusal here is the
		// EHLO check's.
		"smtpd_relay_restrictions": "permit_mynetworks, reject_unauth_destination",
		"default_transport":        "discard:the helo test",
	}})
	for _, sec := range []campaign.Security{campaign.SecurityNone, campaign.SecurityStartTLS} {
		for _, c := range []struct {
			label, helo, fqdn, sent string
		}{
			{"localhost", "localhost", "", "localhost"},
			{"default without an FQDN", "", "", "[127.0.0.1]"},
			{"default with an FQDN", "", "client.example.org", "client.example.org"},
			{"configured", "relay-client.example.org", "", "relay-client.example.org"},
		} {
			t.Run(sec.String()+"/"+c.label, func(t *testing.T) {
				var tr bytes.Buffer
				d, err := NewDialer(Config{Host: "127.0.0.1", Port: p.SMTPPort, Security: sec, CAFile: p.CAFile,
					Helo: c.helo, Timeout: 10 * time.Second, Debug: &tr})
				if err != nil {
					t.Fatal(err)
				}
				d.fqdn = c.fqdn
				err = heloSend(t.Context(), d)
				if want := "C: EHLO " + c.sent + "\n"; strings.Count(tr.String(), want) != 1+btoi(sec == campaign.SecurityStartTLS && err == nil) {
					t.Errorf("transcript lacks %q (before and after STARTTLS):\n%s", want, tr.String())
				}
				if c.sent != "localhost" {
					if err != nil {
						t.Fatalf("EHLO %s: %v\n%s", c.sent, err, p.Log())
					}
					return
				}
				var se *sendpool.SMTPError
				if !errors.As(err, &se) || se.Command != "EHLO" || se.Code != 504 || !strings.Contains(se.Message, "Helo command rejected: need fully-qualified hostname") {
					t.Fatalf("EHLO localhost: %v, want 504 Helo command rejected", err)
				}
			})
		}
	}
}

// heloSend dials d and sends one message through it.
func heloSend(ctx context.Context, d *Dialer) error {
	c, err := d.Dial(ctx)
	if err != nil {
		return err
	}
	defer c.Quit(ctx)
	m := &render.Message{Row: 2, Key: "ann@example.org", EnvelopeFrom: "sender@example.org", Recipients: []string{"ann@example.org"},
		Data: []byte("From: <sender@example.org>\r\nTo: <ann@example.org>\r\nSubject: helo\r\nMessage-ID: <helo@example.org>\r\n\r\nHi.\r\n")}
	del, err := c.Send(ctx, &sendpool.Tx{Msg: m, Rcpts: m.Recipients})
	if err != nil {
		return err
	}
	if del.Reply.Code != 250 {
		return errors.New("smtpclient test: the message was not accepted: " + del.Reply.Reply())
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
