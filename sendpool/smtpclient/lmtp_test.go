package smtpclient_test

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestLMTPUsesDataWithChunkingOffered: go-smtp's LMTP server offers
// CHUNKING, and answers a BDAT chunk its backend refuses unread with one
// reply instead of one per recipient; the pipelined transport uses DATA
// for LMTP (RFC 2033's per-recipient replies), so the refusal is read at
// once as a refusal, not waited for and taken for a lost reply.
func TestLMTPUsesDataWithChunkingOffered(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.WithLMTP(), smtptest.OnData(func(smtptest.Session, *smtptest.Message) error {
		return smtptest.Reply(552, "5.2.2", "mailbox full")
	}))
	cfg := pooltest.NewConfig(srv)
	cfg.SMTP.Protocol = campaign.ProtocolLMTP
	cfg.SMTP.Transport = campaign.TransportPipelined
	cfg.SMTP.Timeout = time.Minute // a wait for missing replies would show as a hang
	cfg.Concurrency = 1
	res, err := pooltest.Run(t, cfg, []*render.Message{pooltest.Message(2, "a@example.org", "b@example.org")})
	if err != nil {
		t.Fatal(err)
	}
	r := res.Get(2)
	if r.Status != sendpool.StatusFailed || r.Code != 552 {
		t.Errorf("row 2: %v %d %s, want failed with 552", r.Status, r.Code, r.Detail)
	}
	if n := srv.Commands("BDAT"); n != 0 {
		t.Errorf("%d BDAT commands under LMTP, want DATA", n)
	}
}

// TestLMTP421AfterDelivery: an LMTP server answers the body with 250 for
// the first recipient, then 421 for the second, and closes (it is shutting
// down). The first recipient has the message; the third is unanswered. Both
// exchanges report the message unknown rather than retry it, which would
// give the first recipient a second copy.
func TestLMTP421AfterDelivery(t *testing.T) {
	for _, transport := range []campaign.Transport{campaign.TransportPlain, campaign.TransportPipelined} {
		t.Run(transport.String(), func(t *testing.T) {
			var mu sync.Mutex
			got := map[string]int{}
			port := scriptedLMTP(t, func(conn int, rcpts []string, reply func(string)) bool {
				for i, a := range rcpts {
					if conn == 1 && i == 1 {
						reply("421 4.3.2 <" + a + "> service shutting down")
						return false
					}
					mu.Lock()
					got[a]++
					mu.Unlock()
					reply("250 2.0.0 <" + a + "> delivered")
				}
				return true
			})
			cfg := pooltest.Config{
				SMTP: smtpclient.Config{Host: "127.0.0.1", Port: port, Security: campaign.SecurityNone,
					Protocol: campaign.ProtocolLMTP, Timeout: 5 * time.Second, Transport: transport},
				Config: sendpool.Config{
					Concurrency: 1, Retries: 2, RetryBackoff: time.Millisecond,
				},
			}
			res, err := pooltest.Run(t, cfg, []*render.Message{pooltest.Message(2, "a@example.org", "b@example.org", "c@example.org")})
			if err != nil {
				t.Fatal(err)
			}
			if r := res.Get(2); r.Status != sendpool.StatusUnknown {
				t.Errorf("row 2: %v after %d attempts (%s), want unknown", r.Status, r.Attempts, r.Detail)
			}
			mu.Lock()
			defer mu.Unlock()
			if got["a@example.org"] != 1 {
				t.Errorf("a@example.org got %d copies, want 1 (deliveries %v)", got["a@example.org"], got)
			}
		})
	}
}

// scriptedLMTP serves LMTP with PIPELINING on 127.0.0.1:0 and returns its
// port: a few lines of the protocol written out, for a server that
// misbehaves in a way go-smtp's cannot. After each body, answer gives the
// per-recipient replies through reply (conn counts connections from 1);
// false ends the session there.
func scriptedLMTP(t *testing.T, answer func(conn int, rcpts []string, reply func(string)) bool) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var wg sync.WaitGroup
	t.Cleanup(wg.Wait)
	go func() {
		for conn := 1; ; conn++ {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				serveLMTP(c, conn, answer)
			}()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

func serveLMTP(c net.Conn, conn int, answer func(int, []string, func(string)) bool) {
	r := bufio.NewReader(c)
	reply := func(line string) { fmt.Fprintf(c, "%s\r\n", line) }
	reply("220 lmtp.test LMTP ready")
	var rcpts []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
		switch strings.ToUpper(verb) {
		case "LHLO":
			reply("250-lmtp.test\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES")
		case "MAIL", "RSET":
			rcpts = nil
			reply("250 2.1.0 ok")
		case "RCPT":
			_, a, _ := strings.Cut(arg, "<")
			a, _, _ = strings.Cut(a, ">")
			rcpts = append(rcpts, a)
			reply("250 2.1.5 ok")
		case "DATA":
			reply("354 go ahead")
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
			}
			if !answer(conn, rcpts, reply) {
				return
			}
		case "QUIT":
			reply("221 2.0.0 bye")
			return
		default:
			reply("500 5.5.1 unknown command")
		}
	}
}
