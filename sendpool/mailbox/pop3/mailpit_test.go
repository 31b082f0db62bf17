package pop3_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/mailbox/pop3"
	"github.com/tidings/tidings/sendpool/smtptest"
)

const (
	smtpUser, smtpPass = "sender", "smtp-s3cret"
	popUser, popPass   = "bounces", "pop-s3cret-pw"
)

// mailpitExtra is what mailpit v1.33.1 adds after every message it sends
// with RETR: it writes the stored message, which ends in CR LF, then another
// CR LF before the terminating ".", so each message gains an empty last
// line (internal/pop3: sendData appends CR LF to the whole message). The
// client must not trim it: from a server that follows RFC 1939 that line
// is the message's own. The tests strip it with fromMailpit.
const mailpitExtra = "\r\n"

// fromMailpit returns msg as mailpit stored it, without mailpitExtra.
func fromMailpit(t *testing.T, msg []byte) []byte {
	t.Helper()
	stored, ok := bytes.CutSuffix(msg, []byte(mailpitExtra))
	if !ok {
		t.Fatalf("mailpit's RETR no longer ends in an extra CR LF (fixed upstream? drop mailpitExtra): %q", msg)
	}
	return stored
}

// box is a mailpit with POP3 on, and the Config that reaches it.
type box struct {
	mp   *smtptest.Mailpit
	cert *smtptest.Cert
	cfg  pop3.Config
}

// startBox starts mailpit with POP3 in clear text, or in implicit TLS.
func startBox(t *testing.T, implicitTLS bool) *box {
	t.Helper()
	cert := smtptest.NewCert(t, "127.0.0.1")
	opts := []smtptest.MailpitOption{smtptest.MailpitPOP3(popUser, popPass)}
	cfg := pop3.Config{Security: campaign.SecurityNone, Timeout: 10 * time.Second}
	if implicitTLS {
		opts = append(opts, smtptest.MailpitPOP3TLS())
		cfg.Security, cfg.TLS = campaign.SecurityTLS, &tls.Config{RootCAs: cert.Pool}
	}
	mp := smtptest.StartMailpit(t, cert, smtpUser, smtpPass, opts...)
	cfg.Addr = "127.0.0.1:" + strconv.Itoa(mp.POP3Port)
	return &box{mp: mp, cert: cert, cfg: cfg}
}

// deliver sends each message into mailpit over SMTP (STARTTLS, AUTH), as
// the bounces of a campaign arrive.
func (b *box) deliver(t *testing.T, msgs ...[]byte) {
	t.Helper()
	c, err := smtp.DialStartTLS("127.0.0.1:"+strconv.Itoa(b.mp.SMTPPort), &tls.Config{RootCAs: b.cert.Pool, ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Auth(sasl.NewPlainClient("", smtpUser, smtpPass)); err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if err := c.SendMail("mailer-daemon@example.org", []string{"bounces@example.com"}, bytes.NewReader(m)); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
}

// login dials and logs in; the session is closed when the test ends.
func (b *box) login(t *testing.T) *pop3.Client {
	t.Helper()
	c, err := pop3.Dial(t.Context(), b.cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Login(t.Context(), popUser, popPass); err != nil {
		t.Fatal(err)
	}
	return c
}

// message builds a message with CR LF line ends.
func message(subject string, body ...string) []byte {
	head := []string{
		"From: Mail Delivery System <mailer-daemon@example.org>",
		"To: bounces@example.com",
		"Subject: " + subject,
		"Message-ID: <" + strings.ReplaceAll(subject, " ", ".") + "@example.org>",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"Content-Transfer-Encoding: 8bit",
		"",
	}
	return []byte(strings.Join(append(head, body...), "\r\n") + "\r\n")
}

var (
	dotted  = message("dotted lines", ".hidden", "..two dots", ".", "..", "normal", ". space")
	utf8Msg = message("utf8 body", "Grüße aus Köln — 東京 ✓", "Ünïcödé line two")
	plain   = message("plain report", "Your message could not be delivered.", "", "Final-Recipient: rfc822; gone@example.net")
)

// TestMailpitReadMailbox lists the maildrop three ways that must agree and
// retrieves each message as mailpit stored it, dots and 8-bit text intact.
func TestMailpitReadMailbox(t *testing.T) {
	b := startBox(t, false)
	sent := [][]byte{dotted, utf8Msg, plain}
	b.deliver(t, sent...)
	var transcript bytes.Buffer
	b.cfg.Debug = &transcript
	c := b.login(t)
	ctx := t.Context()

	caps, err := c.Capabilities(ctx)
	if err != nil || !caps.Has("UIDL") || !caps.Has("user") {
		t.Errorf("Capabilities: %v %v, want UIDL and USER", caps, err)
	}
	count, size, err := c.Stat(ctx)
	if err != nil || count != len(sent) {
		t.Fatalf("Stat: %d %d %v, want %d messages", count, size, err, len(sent))
	}
	list, err := c.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	uidl, err := c.UIDL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != count || len(uidl) != count {
		t.Fatalf("LIST %v and UIDL %v, want %d entries each", list, uidl, count)
	}
	var total int64
	for i, e := range list {
		total += e.Size
		if e.Num != uidl[i].Num {
			t.Errorf("LIST %v and UIDL %v disagree on message numbers", list, uidl)
		}
	}
	if total != size {
		t.Errorf("LIST sizes add up to %d, STAT says %d", total, size)
	}

	got := map[string][]byte{} // subject line -> message
	for i, u := range uidl {
		msg, err := c.Retr(ctx, u.Num, 1<<20)
		if err != nil {
			t.Fatalf("Retr %d: %v", u.Num, err)
		}
		msg = fromMailpit(t, msg)
		// mailpit's unique-ids are its message IDs: its API has the
		// stored bytes to compare with.
		if raw := b.mp.Raw(t, u.UID); !bytes.Equal(msg, raw) {
			t.Errorf("Retr %d: %d bytes differ from mailpit's %d stored bytes:\n%q\n%q", u.Num, len(msg), len(raw), msg, raw)
		}
		if int64(len(msg)) != list[i].Size {
			t.Errorf("Retr %d: %d bytes, LIST said %d", u.Num, len(msg), list[i].Size)
		}
		for _, s := range sent {
			if bytes.HasSuffix(msg, s) {
				got[string(s)] = msg
			}
		}
	}
	for _, s := range sent {
		if got[string(s)] == nil {
			t.Errorf("no message ends with the bytes sent:\n%q", s)
		}
	}
	if m := got[string(utf8Msg)]; !utf8.Valid(m) || !bytes.Contains(m, []byte("東京 ✓")) {
		t.Errorf("8-bit message came back as %q", m)
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(transcript.String(), popPass) || !strings.Contains(transcript.String(), "C: PASS [redacted]") {
		t.Errorf("transcript shows the password or no redacted PASS:\n%s", transcript.String())
	}
}

// TestMailpitUIDLStable checks that unique-ids, not message numbers,
// identify a message across sessions and deletions.
func TestMailpitUIDLStable(t *testing.T) {
	b := startBox(t, false)
	b.deliver(t, plain, dotted)
	first := uids(t, b.login(t))
	second := uids(t, b.login(t))
	if !slices.Equal(first, second) || len(first) != 2 || first[0] == first[1] {
		t.Errorf("UIDL across sessions: %v then %v", first, second)
	}
	var ids []string
	for _, m := range b.mp.Messages(t) {
		ids = append(ids, m.ID)
	}
	slices.Sort(ids)
	if sorted := slices.Sorted(slices.Values(first)); !slices.Equal(sorted, ids) {
		t.Errorf("unique-ids %v, mailpit's IDs %v", sorted, ids)
	}
}

// uids returns the session's unique-ids in message-number order.
func uids(t *testing.T, c *pop3.Client) []string {
	t.Helper()
	list, err := c.UIDL(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range list {
		out = append(out, e.UID)
	}
	return out
}

// TestMailpitSizeCap refuses a message over the cap with ErrTooLarge and
// goes on with the same session.
func TestMailpitSizeCap(t *testing.T) {
	b := startBox(t, false)
	big := message("big report", strings.Repeat(strings.Repeat("x", 76)+"\r\n.dot line\r\n", 3000))
	b.deliver(t, big)
	b.deliver(t, plain)
	c := b.login(t)
	ctx := t.Context()
	list, err := c.List(ctx)
	if err != nil || len(list) != 2 {
		t.Fatalf("List: %v %v", list, err)
	}
	bigNum, bigSize := list[0].Num, list[0].Size
	if list[1].Size > bigSize {
		bigNum, bigSize = list[1].Num, list[1].Size
	}
	retrSize := bigSize + int64(len(mailpitExtra))
	for _, max := range []int64{1, 4096, retrSize - 1} {
		msg, err := c.Retr(ctx, bigNum, max)
		if !errors.Is(err, pop3.ErrTooLarge) || msg != nil {
			t.Fatalf("Retr with cap %d of a %d-byte message: %d bytes, %v; want ErrTooLarge", max, bigSize, len(msg), err)
		}
		if !strings.Contains(err.Error(), strconv.FormatInt(retrSize, 10)) {
			t.Errorf("error %q does not give the message's size %d", err, retrSize)
		}
		if err := c.Noop(ctx); err != nil {
			t.Fatalf("Noop after ErrTooLarge: %v (the session should stay usable)", err)
		}
	}
	msg, err := c.Retr(ctx, bigNum, retrSize)
	if err != nil || !bytes.HasSuffix(fromMailpit(t, msg), big) {
		t.Errorf("Retr with cap = size: %d bytes, %v", len(msg), err)
	}
	if _, err := c.Retr(ctx, bigNum, 0); err == nil {
		t.Error("Retr with cap 0 succeeded")
	}
}

// TestMailpitDelete checks that DELE then QUIT removes, that RSET and
// Close keep, and that a deleted message is gone from the session at once.
func TestMailpitDelete(t *testing.T) {
	b := startBox(t, false)
	b.deliver(t, plain, dotted, utf8Msg)
	all := slices.Sorted(slices.Values(uids(t, b.login(t))))
	ctx := t.Context()

	c := b.login(t)
	if err := c.Dele(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := c.Rset(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	c = b.login(t)
	if err := c.Dele(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(slices.Values(uids(t, b.login(t)))); !slices.Equal(got, all) {
		t.Fatalf("after DELE+RSET+QUIT and DELE+Close: %v, want all of %v", got, all)
	}

	c = b.login(t)
	before := uids(t, c)
	if err := c.Dele(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if n, _, err := c.Stat(ctx); err != nil || n != 2 {
		t.Errorf("Stat after DELE: %d %v, want 2", n, err)
	}
	var refused *pop3.Error
	if _, err := c.Retr(ctx, 2, 1<<20); !errors.As(err, &refused) || refused.Command != "RETR" {
		t.Errorf("Retr of a deleted message: %v, want *Error", err)
	}
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := c.Noop(ctx); !errors.Is(err, pop3.ErrClosed) {
		t.Errorf("Noop after Quit: %v, want ErrClosed", err)
	}
	// Quit waited for the server to close: mailpit deletes before that.
	want := slices.DeleteFunc(slices.Clone(before), func(u string) bool { return u == before[1] })
	slices.Sort(want)
	if got := slices.Sorted(slices.Values(uids(t, b.login(t)))); !slices.Equal(got, want) {
		t.Errorf("after DELE 2 + QUIT: %v, want %v", got, want)
	}
	if n := len(b.mp.Messages(t)); n != 2 {
		t.Errorf("mailpit's API lists %d messages, want 2", n)
	}
}

// TestMailpitWrongPassword gets an *Error that names no password, and the
// session takes a second try.
func TestMailpitWrongPassword(t *testing.T) {
	b := startBox(t, false)
	var transcript bytes.Buffer
	b.cfg.Debug = &transcript
	ctx := t.Context()
	c, err := pop3.Dial(ctx, b.cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const wrong = "wrong-guess-42"
	err = c.Login(ctx, popUser, wrong)
	var refused *pop3.Error
	if !errors.As(err, &refused) || refused.Command != "PASS" {
		t.Fatalf("wrong password: %v, want *pop3.Error for PASS", err)
	}
	if strings.Contains(err.Error(), wrong) || strings.Contains(transcript.String(), wrong) {
		t.Errorf("the password shows in %q or the transcript:\n%s", err, transcript.String())
	}
	if err := c.Login(ctx, popUser, popPass); err != nil {
		t.Fatalf("second try: %v", err)
	}
	if _, _, err := c.Stat(ctx); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.login(t).Stat(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestMailpitImplicitTLS reads over implicit TLS, verified against the
// test CA, and fails verification without it.
func TestMailpitImplicitTLS(t *testing.T) {
	b := startBox(t, true)
	b.deliver(t, plain)
	var transcript bytes.Buffer
	b.cfg.Debug = &transcript
	c := b.login(t)
	msg, err := c.Retr(t.Context(), 1, 1<<20)
	if err != nil {
		t.Fatalf("Retr over TLS: %v", err)
	}
	if !bytes.HasSuffix(fromMailpit(t, msg), plain) {
		t.Errorf("Retr over TLS: %q, want the message sent", msg)
	}
	if !strings.Contains(transcript.String(), "-- TLS") {
		t.Errorf("transcript shows no TLS:\n%s", transcript.String())
	}

	untrusted := b.cfg
	untrusted.TLS = nil
	_, err = pop3.Dial(t.Context(), untrusted)
	var verr *tls.CertificateVerificationError
	if !errors.As(err, &verr) {
		t.Errorf("Dial without the CA: %v, want a certificate verification error", err)
	}
	wrongName := b.cfg
	wrongName.ServerName = "mail.example.net"
	if _, err := pop3.Dial(t.Context(), wrongName); !errors.As(err, &verr) {
		t.Errorf("Dial with another server name: %v, want a certificate verification error", err)
	}
}

// TestMailpitNoSTLS refuses to go on in clear when STLS is required and
// mailpit (which has no STLS) does not offer it.
func TestMailpitNoSTLS(t *testing.T) {
	b := startBox(t, false)
	cfg := b.cfg
	cfg.Security = campaign.SecurityStartTLS
	c, err := pop3.Dial(t.Context(), cfg)
	if !errors.Is(err, pop3.ErrNoSTLS) || c != nil {
		t.Errorf("Dial with STLS required: %v, want ErrNoSTLS", err)
	}
}

// TestMailpitCancelled checks that a context cancelled before a call is
// refused without harm to the session, and that one with a deadline that
// passes during a call does not disturb the next session.
func TestMailpitCancelled(t *testing.T) {
	b := startBox(t, false)
	b.deliver(t, plain)
	c := b.login(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := c.Noop(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Noop with a cancelled context: %v", err)
	}
	if err := c.Noop(t.Context()); err != nil {
		t.Errorf("Noop after a refused call: %v", err)
	}
	if err := c.Quit(t.Context()); err != nil {
		t.Error(err)
	}
}
