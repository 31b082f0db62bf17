package smtpclient_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/pooltest"
	"github.com/tidings/tidings/sendpool/smtpclient"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestProbeSessionEnds: a server that answers probe's RCPTs and then
// ends the session, at RSET (the connection closed) or at a later RCPT
// (421, as Postfix's "too many errors"), still gets the verdict of the
// answers it gave: a refusal to relay with no other domain taken is the
// login problem a send stops for, not "EOF" at RSET; a server that took
// them passes, the end a note (a send connects again). One that took the
// first and ended the session at the next RCPT passes too, its last line
// saying the answer is partial and naming the domains not asked, where it
// said "everything looks right" (today's review).
func TestProbeSessionEnds(t *testing.T) {
	relay := func(_ smtptest.Session, to string) error {
		if strings.HasSuffix(to, "@elsewhere.test") {
			return smtptest.Reply(554, "5.7.1", "<"+to+">: Relay access denied")
		}
		return nil
	}
	tooMany := func() func(smtptest.Session, string) error {
		var asked atomic.Int64
		return func(s smtptest.Session, to string) error {
			if asked.Add(1) > 1 {
				return smtptest.Reply(421, "4.7.0", "mta.test Error: too many errors")
			}
			return relay(s, to)
		}
	}
	for _, tc := range []struct {
		name   string
		opts   []smtptest.Option
		to     []string
		refuse bool
		want   []string
	}{
		{"refused, dropped at RSET", []smtptest.Option{smtptest.OnRcpt(relay), smtptest.DropAtReset()}, []string{"a@elsewhere.test"}, true,
			[]string{"refused: 554 5.7.1", "note: RSET: ", "problem: the server would refuse the campaign's recipients", "set smtp.username"}},
		{"taken, dropped at RSET", []smtptest.Option{smtptest.OnRcpt(relay), smtptest.DropAtReset()}, []string{"a@partner.test", "b@other.test"}, false,
			[]string{"RCPT TO:<b@other.test>: accepted", "note: RSET: "}},
		{"refused, then 421", []smtptest.Option{smtptest.OnRcpt(tooMany())}, []string{"a@elsewhere.test", "b@other.test", "c@third.test"}, true,
			[]string{"note: RCPT TO:<b@other.test>: 421 4.7.0 mta.test Error: too many errors", "problem: the server would refuse the campaign's recipients", "set smtp.username"}},
		{"taken, then 421", []smtptest.Option{smtptest.OnRcpt(tooMany())}, []string{"a@partner.test", "b@other.test", "c@third.test"}, false,
			[]string{"RCPT TO:<a@partner.test>: accepted", "note: RCPT TO:<b@other.test>: 421 4.7.0",
				"smtp: a send would get this far with the domains asked, but the answer is partial, not every domain asked: the server ended the session before probe asked about other.test, third.test\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := smtptest.NewServer(t, tc.opts...)
			var out bytes.Buffer
			err := smtpclient.Probe(context.Background(), pooltest.NewConfig(srv).SMTP, smtpclient.ProbeEnvelope{From: "sender@example.org", To: tc.to}, &out)
			if got := errors.Is(err, sendpool.ErrAuth); got != tc.refuse || !tc.refuse && err != nil {
				t.Errorf("Probe: %v, want a login refusal: %v\n%s", err, tc.refuse, out.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("probe's output lacks %q:\n%s", w, out.String())
				}
			}
			if strings.Contains(out.String(), "note: RCPT") && strings.Contains(out.String(), "everything looks right") {
				t.Errorf("probe says everything looks right where the server ended the session before some domains were asked:\n%s", out.String())
			}
			if strings.Contains(out.String(), "c@third.test") || strings.Contains(out.String(), "would fail") {
				t.Errorf("probe asked on after the session ended, or took its end for a refusal of the row:\n%s", out.String())
			}
		})
	}
}

// TestProbeUTF8Recipient: probe declares SMTPUTF8 for a recipient beyond
// ASCII, as a send's MAIL does; a strict server (RFC 6531: such an
// address only in a transaction that declared it) refused "jörg@…"
// asked without, and probe said the row would fail (rev-eng8).
func TestProbeUTF8Recipient(t *testing.T) {
	strict := func(s smtptest.Session, to string) error {
		if !s.UTF8 && strings.ContainsFunc(to, func(r rune) bool { return r > 127 }) {
			return smtptest.Reply(553, "5.6.7", "SMTPUTF8 required for <"+to+">")
		}
		return nil
	}
	srv := smtptest.NewServer(t, smtptest.WithSMTPUTF8(), smtptest.OnRcpt(strict))
	var out bytes.Buffer
	err := smtpclient.Probe(context.Background(), pooltest.NewConfig(srv).SMTP, smtpclient.ProbeEnvelope{From: "sender@example.org", To: []string{"jörg@example.org", "ann@example.org"}}, &out)
	if err != nil || !strings.Contains(out.String(), "RCPT TO:<jörg@example.org>: accepted") || strings.Contains(out.String(), "would fail") {
		t.Errorf("Probe: %v\n%s", err, out.String())
	}
}

// TestProbeNoEHLOAfterRSET: probe's RSET after its RCPTs was followed by
// a second EHLO before QUIT (go-smtp's Reset forgets the session's
// hello; fix-421's review): one EHLO a session.
func TestProbeNoEHLOAfterRSET(t *testing.T) {
	srv := smtptest.NewServer(t)
	cfg := pooltest.NewConfig(srv).SMTP
	var transcript bytes.Buffer
	cfg.Debug = &transcript
	var out bytes.Buffer
	if err := smtpclient.Probe(context.Background(), cfg, smtpclient.ProbeEnvelope{From: "sender@example.org", To: []string{"ann@example.org"}}, &out); err != nil {
		t.Fatalf("Probe: %v\n%s", err, out.String())
	}
	text := transcript.String()
	if !strings.Contains(text, "C: RSET") || !strings.Contains(text, "C: QUIT") {
		t.Fatalf("the transcript lacks RSET or QUIT:\n%s", text)
	}
	if n, sessions := strings.Count(text, "C: EHLO "), strings.Count(text, "S: 220 "); n != sessions {
		t.Errorf("%d EHLO for %d sessions:\n%s", n, sessions, text)
	}
}
