package pop3_test

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/mailbox/pop3"
)

// echoingPeer is a hostile POP3 server on a free loopback port that
// quotes each command it was sent in its reply: refusing the login when
// refuse is set (offering SASL PLAIN when sasl is), else taking it and
// refusing every command after it, quoting the password it was given.
func echoingPeer(t *testing.T, sasl, refuse bool) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go echoSession(conn, sasl, refuse)
		}
	}()
	return l.Addr().String()
}

// echoSession serves one session of echoingPeer.
func echoSession(conn net.Conn, sasl, refuse bool) {
	defer conn.Close()
	r, pass := bufio.NewReader(conn), ""
	fmt.Fprint(conn, "+OK hostile POP3\r\n")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb, arg, _ := strings.Cut(line, " ")
		switch strings.ToUpper(verb) {
		case "CAPA":
			mech := "SASL LOGIN"
			if sasl {
				mech = "SASL PLAIN"
			}
			fmt.Fprintf(conn, "+OK\r\nUSER\r\nUIDL\r\n%s\r\n.\r\n", mech)
		case "USER":
			fmt.Fprint(conn, "+OK\r\n")
		case "PASS", "AUTH":
			if pass = arg; refuse {
				fmt.Fprintf(conn, "-ERR [AUTH] you sent %s\r\n", line)
			} else {
				fmt.Fprint(conn, "+OK in\r\n")
			}
		case "QUIT":
			fmt.Fprint(conn, "+OK bye\r\n")
			return
		default:
			fmt.Fprintf(conn, "-ERR [SYS/PERM] cannot %s for %s\r\n", line, pass)
		}
	}
}

// TestServerQuotingPasswordRedacted: a server quoting the password in
// its refusal of the login, in AUTH PLAIN's base64 answer as well as in
// PASS, or in its refusal of a command after the login, gets it into no
// error: [redacted] stands there. The base64 answer and every reply after
// the login went out whole.
func TestServerQuotingPasswordRedacted(t *testing.T) {
	const user, pass = "bounces@example.com", "Pop-Secret-4e1"
	for _, tc := range []struct {
		name         string
		sasl, refuse bool
	}{{"PASS refused", false, true}, {"AUTH PLAIN refused", true, true}, {"UIDL after the login", false, false}} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := pop3.Dial(t.Context(), pop3.Config{Addr: echoingPeer(t, tc.sasl, tc.refuse), Security: campaign.SecurityNone, Timeout: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			err = c.Login(t.Context(), user, pass)
			if !tc.refuse {
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.UIDL(t.Context())
			}
			if err == nil || strings.Contains(err.Error(), pass) || strings.Contains(err.Error(), "AGJvdW5jZXNA") || !strings.Contains(err.Error(), "[redacted]") {
				t.Errorf("got %v, want a refusal with the password [redacted]", err)
			}
		})
	}
}

// TestShortPasswordQuotedInRefusal: a password under 8 bytes (1, 3 and 7
// characters), which redact replaces only where no letter or digit
// touches it, is still hidden where a server quotes the command it came
// in: PASS's argument and AUTH PLAIN's base64 answer stand alone in the
// quoted line, and a refusal after the login quoting it shows
// [redacted].
func TestShortPasswordQuotedInRefusal(t *testing.T) {
	const user = "bounces@example.com"
	for _, tc := range []struct {
		name         string
		sasl, refuse bool
		want         string
	}{{"PASS", false, true, "you sent PASS [redacted]"}, {"AUTH PLAIN", true, true, "you sent AUTH PLAIN [redacted]"}, {"UIDL", false, false, "cannot UIDL for [redacted]"}} {
		for _, pass := range []string{"x", "Q7z", "pa55wrd"} {
			t.Run(tc.name+"/"+pass, func(t *testing.T) {
				c, err := pop3.Dial(t.Context(), pop3.Config{Addr: echoingPeer(t, tc.sasl, tc.refuse), Security: campaign.SecurityNone, Timeout: 10 * time.Second})
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				err = c.Login(t.Context(), user, pass)
				if !tc.refuse {
					if err != nil {
						t.Fatal(err)
					}
					_, err = c.UIDL(t.Context())
				}
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("got %v, want a refusal saying %q", err, tc.want)
				}
			})
		}
	}
}
