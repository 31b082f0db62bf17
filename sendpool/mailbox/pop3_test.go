package mailbox_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/mailbox"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// pop3Config is l's Config for POP3 over implicit TLS.
func (l *lab) pop3Config() mailbox.Config {
	cfg := l.cfg
	cfg.Protocol, cfg.Port, cfg.SentFolder = campaign.MailboxPOP3, l.d.POP3SPort, ""
	return cfg
}

// TestPOP3Dovecot: over POP3, List and Fetch give the messages byte for
// byte by their unique-ids; Delete takes effect when Close sends QUIT, not
// when the session breaks first; Move is IMAP only.
func TestPOP3Dovecot(t *testing.T) {
	l := startLab(t, "")
	for _, r := range reports {
		l.d.Deliver(t, user, r)
	}
	mb := l.open(t, l.pop3Config())
	list, err := mb.List(t.Context(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	stored := l.d.Messages(t, user, "INBOX")
	if len(list) != 3 || len(stored) != 3 {
		t.Fatalf("List = %v; Maildir holds %d", list, len(stored))
	}
	for i, e := range list {
		got, err := mb.Fetch(t.Context(), e.ID, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, stored[i]) || !bytes.Equal(original(t, got), reports[i]) || e.Size != int64(len(got)) {
			t.Errorf("%s (size %d): fetched %d bytes, want the %d stored", e.ID, e.Size, len(got), len(stored[i]))
		}
	}
	if _, err := mb.Fetch(t.Context(), list[2].ID, 100); !errors.Is(err, mailbox.ErrTooLarge) {
		t.Errorf("Fetch over the cap = %v, want ErrTooLarge", err)
	}
	if err := mb.Move(t.Context(), ids(list[:1]), "Junk"); !errors.Is(err, mailbox.ErrIMAPOnly) {
		t.Errorf("Move = %v, want ErrIMAPOnly", err)
	}
	if err := mb.Delete(t.Context(), []string{list[0].ID, "no-such-uid"}); !errors.Is(err, mailbox.ErrNotFound) {
		t.Errorf("Delete of an unknown unique-id = %v, want ErrNotFound", err)
	}
	if err := mb.Delete(t.Context(), []string{list[0].ID, list[2].ID}); err != nil {
		t.Fatal(err)
	}
	if n := len(l.d.Messages(t, user, "INBOX")); n != 3 {
		t.Errorf("before QUIT the Maildir holds %d messages, want 3", n)
	}
	if err := mb.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	left := l.d.Messages(t, user, "INBOX")
	if len(left) != 1 || !bytes.Equal(original(t, left[0]), reports[1]) {
		t.Errorf("after QUIT the Maildir holds %d messages, want the second", len(left))
	}

	// A session that breaks before QUIT deletes nothing.
	cut := startCutter(t, net.JoinHostPort("127.0.0.1", strconv.Itoa(l.d.POP3Port)))
	cfg := l.pop3Config()
	cfg.Port, cfg.Security = cut.Port(), campaign.SecurityNone
	mb = l.open(t, cfg)
	if err := mb.Delete(t.Context(), []string{list[1].ID}); err != nil {
		t.Fatal(err)
	}
	cut.dropAll()
	if err := mb.Close(t.Context()); err == nil {
		t.Error("Close of a broken session = nil, want its error")
	}
	if n := len(l.d.Messages(t, user, "INBOX")); n != 1 {
		t.Errorf("after a broken session the Maildir holds %d messages, want 1", n)
	}
}

// TestPOP3RefusedRetr: a message the POP3 server will not give (its -ERR
// to RETR; here Dovecot's to a RETR the proxy turns into one it refuses)
// is a *ReplyError, as IMAP's NO is, and one it says it does not hold
// (taken by another client since UIDL) is ErrNotFound: the caller names
// or passes over that message and reads the others over the same session.
func TestPOP3RefusedRetr(t *testing.T) {
	l := startLab(t, "")
	for _, r := range reports {
		l.d.Deliver(t, user, r)
	}
	cut := startCutter(t, net.JoinHostPort("127.0.0.1", strconv.Itoa(l.d.POP3Port)))
	cfg := l.pop3Config()
	cfg.Port, cfg.Security = cut.Port(), campaign.SecurityNone
	mb := l.open(t, cfg)
	list, err := mb.List(t.Context(), time.Time{})
	if err != nil || len(list) != 3 {
		t.Fatalf("List = %v, %v", list, err)
	}
	cut.swapCommand("RETR 2\r\n", "RETR x\r\n")
	_, err = mb.Fetch(t.Context(), list[1].ID, 1<<20)
	var re *mailbox.ReplyError
	if !errors.As(err, &re) || re.Command != "RETR" || !strings.HasPrefix(re.Reply(), "-ERR ") {
		t.Fatalf("Fetch of a message the server refuses = %v, want a *ReplyError for RETR", err)
	}
	cut.swapCommand("RETR 3\r\n", "RETR 9\r\n")
	if _, err = mb.Fetch(t.Context(), list[2].ID, 1<<20); !errors.Is(err, mailbox.ErrNotFound) {
		t.Fatalf("Fetch of a message the server no longer holds = %v, want ErrNotFound", err)
	}
	for _, i := range []int{0, 2} {
		if got, err := mb.Fetch(t.Context(), list[i].ID, 1<<20); err != nil || !bytes.Equal(original(t, got), reports[i]) {
			t.Errorf("Fetch of message %d after the refusals: %d bytes, %v", i+1, len(got), err)
		}
	}
}

// TestPOP3Security: STLS, a refused login (the server's words and a hint)
// and a certificate not trusted, over POP3.
func TestPOP3Security(t *testing.T) {
	l := startLab(t, "")
	l.d.Deliver(t, user, reports[0])
	cfg := l.pop3Config()
	cfg.Port, cfg.Security = l.d.POP3Port, campaign.SecurityStartTLS
	mb := l.open(t, cfg)
	if list, err := mb.List(t.Context(), time.Time{}); err != nil || len(list) != 1 {
		t.Errorf("List over STLS = %v, %v", list, err)
	}
	mb.Close(t.Context())

	cfg.Password = "wrong-Secret-42"
	_, err := mailbox.Open(t.Context(), cfg)
	var le *mailbox.LoginError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "server replied -ERR [AUTH] Authentication failed.") || strings.Contains(err.Error(), "wrong-Secret") {
		t.Errorf("Open with a wrong password = %v, want a *LoginError", err)
	}
	cfg = l.pop3Config()
	cfg.RootCAs = nil
	if _, err := mailbox.Open(t.Context(), cfg); !errors.Is(err, mailbox.ErrTLS) || !strings.Contains(err.Error(), "mailbox.ca_file") {
		t.Errorf("Open without the CA = %v, want ErrTLS", err)
	}
}

// mailpitExtra is the empty line mailpit v1.33.1's RETR adds after every
// message (see package pop3's tests); Fetch keeps it.
const mailpitExtra = "\r\n"

// TestPOP3Mailpit: mailpit's POP3 server, in clear on loopback: List,
// Fetch (mailpit's stored bytes and its extra line) and Delete.
func TestPOP3Mailpit(t *testing.T) {
	const smtpUser, smtpPass = "sender", "smtp-s3cret"
	cert := smtptest.NewCert(t, "127.0.0.1")
	mp := smtptest.StartMailpit(t, cert, smtpUser, smtpPass, smtptest.MailpitPOP3(user, pass))
	c, err := smtp.DialStartTLS("127.0.0.1:"+strconv.Itoa(mp.SMTPPort), &tls.Config{RootCAs: cert.Pool, ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(sasl.NewPlainClient("", smtpUser, smtpPass)); err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		if err := c.SendMail("mailer-daemon@example.org", []string{user}, bytes.NewReader(r)); err != nil {
			t.Fatal(err)
		}
	}
	c.Quit()
	cfg := mailbox.Config{Protocol: campaign.MailboxPOP3, Host: "127.0.0.1", Port: mp.POP3Port, Security: campaign.SecurityNone,
		Username: user, Password: pass, Timeout: 10 * time.Second}
	mb := l0open(t, cfg)
	list, err := mb.List(t.Context(), time.Time{})
	if err != nil || len(list) != 3 {
		t.Fatalf("List = %v, %v", list, err)
	}
	for _, e := range list {
		got, err := mb.Fetch(t.Context(), e.ID, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		stored, ok := bytes.CutSuffix(got, []byte(mailpitExtra))
		if !ok || !bytes.Equal(stored, mp.Raw(t, e.ID)) || !slices.ContainsFunc(reports, func(r []byte) bool { return bytes.HasSuffix(stored, r) }) {
			t.Errorf("%s: fetched %q, want mailpit's stored bytes and an empty line", e.ID, got)
		}
	}
	if err := mb.Delete(t.Context(), ids(list[:2])); err != nil {
		t.Fatal(err)
	}
	if err := mb.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	mb = l0open(t, cfg)
	if left, err := mb.List(t.Context(), time.Time{}); err != nil || !slices.Equal(ids(left), ids(list[2:])) {
		t.Errorf("List after Delete and Close = %v, %v; want %v", left, err, list[2:])
	}
}

// l0open opens cfg; the Mailbox is closed when the test ends.
func l0open(t *testing.T, cfg mailbox.Config) mailbox.Mailbox {
	t.Helper()
	mb, err := mailbox.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mb.Close(context.Background()) })
	return mb
}

// TestWrongProtocol: mailbox.protocol pointed at the other protocol's
// port (POP3 at an IMAP port, IMAP at a POP3 port; in clear, with
// STARTTLS or over TLS) is told as such, with the setting to change,
// rather than as a protocol error or a TLS refusal.
func TestWrongProtocol(t *testing.T) {
	l := startLab(t, "")
	for _, c := range []struct {
		protocol campaign.MailboxProtocol
		port     int
		security campaign.Security
		says     string
	}{
		{campaign.MailboxPOP3, l.d.IMAPPort, campaign.SecurityNone, "is an IMAP server, not POP3"},
		{campaign.MailboxPOP3, l.d.IMAPPort, campaign.SecurityStartTLS, "is an IMAP server, not POP3"},
		{campaign.MailboxPOP3, l.d.IMAPSPort, campaign.SecurityTLS, "is an IMAP server, not POP3"},
		{campaign.MailboxIMAP, l.d.POP3Port, campaign.SecurityNone, "is a POP3 server, not IMAP"},
		{campaign.MailboxIMAP, l.d.POP3Port, campaign.SecurityStartTLS, "is a POP3 server, not IMAP"},
		{campaign.MailboxIMAP, l.d.POP3SPort, campaign.SecurityTLS, "is a POP3 server, not IMAP"},
	} {
		cfg := l.cfg
		cfg.Protocol, cfg.Port, cfg.Security = c.protocol, c.port, c.security
		want := "set mailbox.protocol: " + map[campaign.MailboxProtocol]string{campaign.MailboxIMAP: "pop3", campaign.MailboxPOP3: "imap"}[c.protocol]
		mb, err := mailbox.Open(t.Context(), cfg)
		if err == nil {
			mb.Close(t.Context())
		}
		if !errors.Is(err, mailbox.ErrWrongProtocol) || !strings.Contains(err.Error(), c.says) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s at port %d (%s): %v; want it to say %q and %q", c.protocol, c.port, c.security, err, c.says, want)
		}
	}
}

// TestPOP3SizesPipelineGone: with a message of Known.Unsized in the
// maildrop, the sizes of those read before are asked for pipelined (LIST
// n each); one another client took out since UIDL (here the proxy turns
// LIST 2 into LIST 9, which Dovecot answers "-ERR There's no message
// 9.") ended the session: a new one, and the message listed with the size
// kept. It is not listed, and the others are, on the one session.
func TestPOP3SizesPipelineGone(t *testing.T) {
	l := startLab(t, "")
	for _, r := range reports {
		l.d.Deliver(t, user, r)
	}
	cut := startCutter(t, net.JoinHostPort("127.0.0.1", strconv.Itoa(l.d.POP3Port)))
	cfg := l.pop3Config()
	cfg.Port, cfg.Security = cut.Port(), campaign.SecurityNone
	all, err := l.open(t, cfg).List(t.Context(), time.Time{})
	if err != nil || len(all) != 3 {
		t.Fatalf("List = %v, %v", all, err)
	}
	known := mailbox.Known{Unsized: map[string]bool{all[0].ID: true}, Sizes: map[string]int64{all[1].ID: all[1].Size, all[2].ID: all[2].Size}}
	cut.swapCommand("LIST 2\r\n", "LIST 9\r\n")
	got, err := l.open(t, cfg).ListKnown(t.Context(), time.Time{}, known)
	want := []mailbox.Entry{{ID: all[0].ID, Size: -1}, all[2]}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("ListKnown = %v, %v; want %v (message 2 gone)", got, err, want)
	}
	if accepted, _ := cut.counts(); accepted != 2 {
		t.Errorf("%d sessions, want 2 (one for each Open)", accepted)
	}
}
