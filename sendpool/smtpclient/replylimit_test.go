package smtpclient_test

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/smtpclient"
)

// flood serves a hostile server's session: a multi-line reply that does
// not end (n continuation lines of size bytes of text, then silence), as
// the greeting or as the reply to EHLO.
func flood(atEHLO bool, n, size int) func(net.Conn) {
	return func(c net.Conn) {
		defer c.Close()
		lines := func(code string) {
			line := code + "-" + strings.Repeat("x", size) + "\r\n"
			fmt.Fprint(c, strings.Repeat(line, n))
			c.Read(make([]byte, 1)) // silent until the client goes
		}
		if !atEHLO {
			lines("220")
			return
		}
		fmt.Fprint(c, "220 hostile.example ESMTP\r\n")
		if _, err := bufio.NewReader(c).ReadString('\n'); err == nil {
			lines("250")
		}
	}
}

// TestReplyThatDoesNotEnd: a server whose greeting or EHLO reply goes on
// line after line (each short enough) is given up on once the reply
// passes 2 MiB or 4096 lines, at once and with a reason, not read into
// memory until the timeout.
func TestReplyThatDoesNotEnd(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n, size int
		atEHLO  bool
	}{
		{"greeting, 4 MiB", 8192, 500, false},
		{"EHLO, 4 MiB", 8192, 500, true},
		{"EHLO, 10000 empty lines", 10000, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			host, port, _ := net.SplitHostPort(listen(t, flood(tc.atEHLO, tc.n, tc.size)))
			p, _ := strconv.Atoi(port)
			d, err := smtpclient.NewDialer(smtpclient.Config{Host: host, Port: p, Security: campaign.SecurityNone, Timeout: 10 * time.Second}) // a loaded machine: the limit, not the timeout, ends it
			if err != nil {
				t.Fatal(err)
			}
			conn, err := d.Dial(context.Background())
			if err == nil {
				conn.Close()
			}
			if err == nil || !strings.Contains(err.Error(), "runs past 2 MiB or 4096 lines") {
				t.Fatalf("got %v, want the reply refused as too long", err)
			}
		})
	}
}
