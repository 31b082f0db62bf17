package smtpclient_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestServerQuotingPasswordRedacted: a server that takes the login and
// then quotes the password in its refusal of a recipient, or of a
// message, gets it into no result, over every transport: the reply the
// journal, the reports and the page keep shows [redacted] there. Only
// the login's own replies were redacted, so both went out whole.
func TestServerQuotingPasswordRedacted(t *testing.T) {
	const user, pass = "news@example.com", "Quoted-Secret-9d2"
	pooltest.Each(t, func(t *testing.T, tr pooltest.Transport) {
		srv := tr.Server(t, smtptest.WithAuth(user, pass),
			smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
				if strings.HasPrefix(to, "gone@") {
					return smtptest.Reply(550, "5.1.1", "no such user (you logged in with "+pass+")")
				}
				return nil
			}),
			smtptest.OnData(func(smtptest.Session, *smtptest.Message) error {
				return smtptest.Reply(554, "5.7.1", "refused; password "+pass)
			}))
		cfg := tr.Config(srv)
		cfg.SMTP.Username, cfg.SMTP.Password = user, pass
		msgs := []*render.Message{pooltest.Message(2, "gone@example.com"), pooltest.Message(3, "ann@example.com")}
		res, err := pooltest.Run(t, cfg, msgs)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range []int{2, 3} {
			r := res.Get(row)
			if r.Code < 500 || strings.Contains(r.Detail, pass) || !strings.Contains(r.Detail, "[redacted]") {
				t.Errorf("row %d: %d %q, want the refusal with the password [redacted]", row, r.Code, r.Detail)
			}
		}
	})
}

// rememberingServer serves a hostile server's session: the first takes
// any AUTH PLAIN and keeps the password decoded from it; every later one
// refuses at its greeting, quoting it.
func rememberingServer(remembered chan string) func(net.Conn) {
	return func(c net.Conn) {
		defer c.Close()
		select {
		case pass := <-remembered:
			remembered <- pass
			fmt.Fprintf(c, "554 5.7.1 go away, %s\r\n", pass)
			return
		default:
		}
		fmt.Fprint(c, "220 hostile.example ESMTP\r\n")
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			f := strings.Fields(line)
			switch {
			case len(f) == 3 && strings.EqualFold(f[0], "AUTH"):
				dec, _ := base64.StdEncoding.DecodeString(f[2])
				remembered <- string(dec[bytes.LastIndexByte(dec, 0)+1:])
				fmt.Fprint(c, "235 2.7.0 ok\r\n")
			case len(f) > 0 && strings.EqualFold(f[0], "EHLO"):
				fmt.Fprint(c, "250-hostile.example\r\n250 AUTH PLAIN\r\n")
			default:
				fmt.Fprint(c, "221 2.0.0 bye\r\n")
				return
			}
		}
	}
}

// TestServerQuotingPasswordAtGreeting: a server that took the login on
// one connection and refuses the next at its greeting, quoting the
// password, gets it into no error (the stop of the run, which the
// journal and the reports keep): [redacted] stands there.
func TestServerQuotingPasswordAtGreeting(t *testing.T) {
	const pass = "Greeting-Secret-5b8"
	remembered := make(chan string, 1)
	host, port, _ := net.SplitHostPort(listen(t, rememberingServer(remembered)))
	p, _ := strconv.Atoi(port)
	d, err := smtpclient.NewDialer(smtpclient.Config{Host: host, Port: p, Security: campaign.SecurityNone, Username: "news@example.com", Password: pass, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	c, err := d.Dial(t.Context())
	if err != nil {
		t.Fatalf("first session: %v", err)
	}
	c.Close()
	_, err = d.Dial(t.Context())
	if err == nil || strings.Contains(err.Error(), pass) || !strings.Contains(err.Error(), "go away, [redacted]") {
		t.Errorf("second session: %v, want the refusal with the password [redacted]", err)
	}
}

// TestProbeServerQuotingPasswordRedacted: a server that takes probe's
// login and then quotes the password in its refusal of MAIL FROM or of a
// recipient gets it into neither probe's output nor its error:
// [redacted] stands there. Probe printed both replies whole.
func TestProbeServerQuotingPasswordRedacted(t *testing.T) {
	const user, pass = "news@example.com", "Probe-Secret-3c7"
	quoting := smtptest.Reply(550, "5.7.1", "refused (you logged in with "+pass+")")
	for _, tc := range []struct {
		name string
		opt  smtptest.Option
	}{
		{"MAIL", smtptest.OnMail(func(smtptest.Session, string) error { return quoting })},
		{"RCPT", smtptest.OnRcpt(func(smtptest.Session, string) error { return quoting })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := smtptest.NewServer(t, smtptest.WithAuth(user, pass), tc.opt)
			cfg := pooltest.NewConfig(srv).SMTP
			cfg.Username, cfg.Password = user, pass
			var out bytes.Buffer
			err := smtpclient.Probe(t.Context(), cfg, smtpclient.ProbeEnvelope{From: "news@example.com", To: []string{"ann@example.com"}}, &out)
			if got := out.String() + fmt.Sprint(err); strings.Contains(got, pass) || !strings.Contains(out.String(), "[redacted]") {
				t.Errorf("probe's output and error show the password, or no [redacted]:\n%s", got)
			}
		})
	}
}

// malformedServer serves a hostile server's session: it takes any AUTH
// PLAIN, then answers MAIL FROM with a line no reply reads as (no space
// after the code) quoting pass, and ends the session.
func malformedServer(pass string) func(net.Conn) {
	return func(c net.Conn) {
		defer c.Close()
		fmt.Fprint(c, "220 hostile.example ESMTP\r\n")
		r := bufio.NewReader(c)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			verb, _, _ := strings.Cut(strings.TrimSpace(line), " ")
			switch strings.ToUpper(verb) {
			case "EHLO":
				fmt.Fprint(c, "250-hostile.example\r\n250-PIPELINING\r\n250 AUTH PLAIN\r\n")
			case "AUTH":
				fmt.Fprint(c, "235 2.7.0 ok\r\n")
			case "MAIL":
				fmt.Fprintf(c, "550you logged in with %s\r\n", pass)
				return
			default:
				fmt.Fprint(c, "221 2.0.0 bye\r\n")
				return
			}
		}
	}
}

// TestServerQuotingPasswordMalformed: a server that takes the login and
// then quotes the password in a line no reply reads as ("550you …")
// gets it into no row's result over either transport: the broken
// session's error shows [redacted]. The pipelined transport kept the
// line whole.
func TestServerQuotingPasswordMalformed(t *testing.T) {
	const user, pass = "news@example.com", "Malformed-Secret-8e2"
	host, port, _ := net.SplitHostPort(listen(t, malformedServer(pass)))
	p, _ := strconv.Atoi(port)
	for _, tr := range []campaign.Transport{campaign.TransportPlain, campaign.TransportPipelined} {
		t.Run(tr.String(), func(t *testing.T) {
			cfg := pooltest.Config{
				SMTP:   smtpclient.Config{Host: host, Port: p, Security: campaign.SecurityNone, Username: user, Password: pass, Timeout: 5 * time.Second, Transport: tr},
				Config: sendpool.Config{Concurrency: 1, PerConnection: 100, Retries: 1, RetryBackoff: time.Millisecond},
			}
			res, _ := pooltest.Run(t, cfg, []*render.Message{pooltest.Message(2, "ann@example.com")})
			if r := res.Get(2); strings.Contains(r.Detail, pass) || !strings.Contains(r.Detail, "[redacted]") {
				t.Errorf("row 2: %q, want the broken session's error with the password [redacted]", r.Detail)
			}
		})
	}
}
