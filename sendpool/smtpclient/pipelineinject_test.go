package smtpclient_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestPipelinedRefusesLineBreakInPath: the pipelined client writes MAIL
// and RCPT straight into its buffer; an envelope address with a line
// break (or any control character) in it is refused before a byte of it
// is written, so no command of its making reaches the server, on either
// transport, with DSN's parameters or without.
func TestPipelinedRefusesLineBreakInPath(t *testing.T) {
	const evil = "RCPT TO:<victim@example.net>"
	for _, tr := range pooltest.Transports[1:] {
		for _, dsn := range []bool{false, true} {
			opts := tr.Opts
			if dsn {
				opts = append(opts[:len(opts):len(opts)], smtptest.WithDSN())
			}
			srv := smtptest.NewServer(t, opts...)
			pc := ppDial(t, srv)
			for _, bad := range []struct{ from, rcpt string }{
				{"sender@example.org", "a@example.org>\r\n" + evil},
				{"sender@example.org>\r\n" + evil, "a@example.org"},
				{"sender@example.org", "a@example.org>\n" + evil},
			} {
				m := pooltest.Message(2, bad.rcpt)
				m.EnvelopeFrom = bad.from
				_, err := pc.Begin(context.Background(), &sendpool.Tx{Msg: m, Rcpts: m.Recipients})
				if err == nil || !strings.Contains(err.Error(), "control characters") {
					t.Errorf("%s dsn=%v: Begin(%q, %q): %v, want it refused", tr.Name, dsn, bad.from, bad.rcpt, err)
				}
			}
			ok := pooltest.Message(3, "b@example.org")
			p, err := pc.Begin(context.Background(), &sendpool.Tx{Msg: ok, Rcpts: ok.Recipients})
			if err != nil {
				t.Fatalf("%s: the next message: %v", tr.Name, err)
			}
			if _, err := p.Wait(context.Background()); err != nil {
				t.Fatalf("%s: the next message: %v", tr.Name, err)
			}
			for _, got := range srv.Messages() {
				if len(got.To) != 1 || got.To[0] != "b@example.org" || bytes.Contains(got.Data, []byte("victim")) {
					t.Errorf("%s dsn=%v: the server took %v", tr.Name, dsn, got.To)
				}
			}
		}
	}
}
