package smtpclient_test

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/smtpclient"
)

// echoingAuthServer serves a hostile SMTP session offering AUTH PLAIN and
// LOGIN that refuses the login quoting the last line it was sent: AUTH
// PLAIN's line with its base64 answer, or LOGIN's base64 password.
func echoingAuthServer(c net.Conn) {
	defer c.Close()
	fmt.Fprint(c, "220 hostile.example ESMTP\r\n")
	r := bufio.NewReader(c)
	for step := ""; ; {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		f := strings.Fields(line)
		switch {
		case step == "user":
			step = "pass"
			fmt.Fprint(c, "334 UGFzc3dvcmQ6\r\n")
		case step == "pass", len(f) == 3 && strings.EqualFold(f[0], "AUTH"):
			step = ""
			fmt.Fprintf(c, "535 5.7.8 bad credentials: you sent %s\r\n", line)
		case len(f) == 2 && strings.EqualFold(f[0], "AUTH"):
			step = "user"
			fmt.Fprint(c, "334 VXNlcm5hbWU6\r\n")
		case len(f) > 0 && strings.EqualFold(f[0], "EHLO"):
			fmt.Fprint(c, "250-hostile.example\r\n250 AUTH PLAIN LOGIN\r\n")
		default:
			fmt.Fprint(c, "221 2.0.0 bye\r\n")
			return
		}
	}
}

// TestShortPasswordQuotedInRefusal: a password under 8 bytes (1, 3 and 7
// characters), which redact replaces only where no letter or digit
// touches it, is still hidden in every form a login sends it when a
// server quotes the command in its refusal: AUTH PLAIN's base64 and
// LOGIN's base64 password (4 characters for a password of 1 to 3 bytes)
// stand alone in the quoted line.
func TestShortPasswordQuotedInRefusal(t *testing.T) {
	host, port, _ := net.SplitHostPort(listen(t, echoingAuthServer))
	p, _ := strconv.Atoi(port)
	for _, mech := range []string{"plain", "login"} {
		for _, pass := range []string{"x", "Q7z", "pa55wrd"} {
			t.Run(mech+"/"+pass, func(t *testing.T) {
				d, err := smtpclient.NewDialer(smtpclient.Config{Host: host, Port: p, Security: campaign.SecurityNone,
					Username: "news@example.com", Password: pass, Auth: mech, Timeout: 10 * time.Second})
				if err != nil {
					t.Fatal(err)
				}
				_, err = d.Dial(t.Context())
				if err == nil || !strings.Contains(err.Error(), "you sent ") {
					t.Fatalf("got %v, want the login refused quoting the command", err)
				}
				quoted := err.Error()[strings.Index(err.Error(), "you sent "):]
				if !strings.Contains(quoted, "[redacted]") || strings.Contains(strings.ReplaceAll(quoted, "[redacted]", ""), pass) {
					t.Errorf("the quoted command is not redacted: %v", err)
				}
				enc := base64.StdEncoding.EncodeToString
				for _, form := range []string{enc([]byte(pass)), enc([]byte("\x00news@example.com\x00" + pass))} {
					if strings.Contains(quoted, form) {
						t.Errorf("the quoted command shows %q: %v", form, err)
					}
				}
			})
		}
	}
}
