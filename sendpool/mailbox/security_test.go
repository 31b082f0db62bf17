package mailbox_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/mailbox"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestIMAPLoginRefused: a wrong password is a *LoginError with the
// server's words and a hint, without the password.
func TestIMAPLoginRefused(t *testing.T) {
	l := startLab(t, "")
	for _, host := range []string{"127.0.0.1", "localhost"} {
		cfg := l.cfg
		cfg.Host, cfg.Password = host, "wrong-Secret-42"
		_, err := mailbox.Open(t.Context(), cfg)
		var le *mailbox.LoginError
		if !errors.As(err, &le) || !errors.Is(err, mailbox.ErrLogin) {
			t.Fatalf("Open = %v, want a *LoginError", err)
		}
		want := `mailbox: login to ` + cfg.Addr() + ` as "` + user + `" refused: server replied NO [AUTHENTICATIONFAILED] Authentication failed. (check mailbox.username and the password in the environment variable named by mailbox.password_env)`
		if err.Error() != want {
			t.Errorf("message\n %s\nwant\n %s", err, want)
		}
		if strings.Contains(err.Error(), "wrong-Secret") {
			t.Errorf("message %q shows the password", err)
		}
	}
}

// TestIMAPTLS: implicit TLS is verified: refused without the CA (with the
// reason in words), accepted with mailbox.ca_file or RootCAs, or with
// insecure_skip_verify (which Warnings reports).
func TestIMAPTLS(t *testing.T) {
	l := startLab(t, "")
	cfg := l.cfg
	cfg.RootCAs = nil
	_, err := mailbox.Open(t.Context(), cfg)
	var te *mailbox.TLSError
	if !errors.As(err, &te) || !errors.Is(err, mailbox.ErrTLS) || !strings.Contains(err.Error(), "signed by an authority this machine does not trust (for a private CA set mailbox.ca_file)") {
		t.Errorf("Open without the CA = %v, want a *TLSError about the authority", err)
	}
	cfg.CAFile = l.d.CAFile
	mb, err := mailbox.Open(t.Context(), cfg)
	if err != nil {
		t.Fatalf("Open with ca_file: %v", err)
	}
	mb.Close(t.Context())
	cfg.CAFile, cfg.InsecureSkipVerify = "", true
	if mb, err = mailbox.Open(t.Context(), cfg); err != nil {
		t.Fatalf("Open with insecure_skip_verify: %v", err)
	}
	mb.Close(t.Context())
	if w := cfg.Warnings(); len(w) != 1 || !strings.Contains(w[0], "mailbox.insecure_skip_verify is on") {
		t.Errorf("Warnings = %q", w)
	}
	cfg.CAFile, cfg.InsecureSkipVerify = "/nonexistent/ca.pem", false
	if _, err := mailbox.Open(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), "mailbox.ca_file") {
		t.Errorf("Open with a missing ca_file = %v", err)
	}
}

// TestIMAPStartTLS: security starttls upgrades the connection (verified as
// implicit TLS is) and logs in over it; a server that does not offer
// STARTTLS is refused, never used in clear.
func TestIMAPStartTLS(t *testing.T) {
	l := startLab(t, "")
	l.d.Deliver(t, user, reports[0])
	var transcript bytes.Buffer
	cfg := l.cfg
	cfg.Port, cfg.Security, cfg.Debug = l.d.IMAPPort, campaign.SecurityStartTLS, &transcript
	mb := l.open(t, cfg)
	if list, err := mb.List(t.Context(), time.Time{}); err != nil || len(list) != 1 {
		t.Errorf("List = %v, %v", list, err)
	}
	tr := transcript.String()
	if !strings.Contains(tr, " STARTTLS\n") || !strings.Contains(tr, "-- TLS (STARTTLS) with 127.0.0.1") {
		t.Errorf("transcript shows no STARTTLS:\n%s", tr)
	}
	if strings.Index(tr, "STARTTLS\n") > strings.Index(tr, " LOGIN ") {
		t.Errorf("LOGIN before STARTTLS:\n%s", tr)
	}
	cfg.RootCAs, cfg.Debug = nil, nil
	if _, err := mailbox.Open(t.Context(), cfg); !errors.Is(err, mailbox.ErrTLS) {
		t.Errorf("STARTTLS without the CA = %v, want ErrTLS", err)
	}
}

// noTLS turns TLS off in Dovecot (its implicit-TLS ports then speak in
// clear): no STARTTLS, no STLS. (imap_capability cannot take STARTTLS
// away: Dovecot 2.3 adds it to any list.)
const noTLS = `ssl = no
service imap-login {
  inet_listener imaps {
    ssl = no
  }
}
service pop3-login {
  inet_listener pop3s {
    ssl = no
  }
}`

// TestNoStartTLS: a server that does not offer STARTTLS (STLS) is refused
// when security is starttls, never used in clear.
func TestNoStartTLS(t *testing.T) {
	l := startLab(t, noTLS)
	for _, p := range []struct {
		protocol campaign.MailboxProtocol
		port     int
	}{{campaign.MailboxIMAP, l.d.IMAPPort}, {campaign.MailboxPOP3, l.d.POP3Port}} {
		cfg := l.cfg
		cfg.Protocol, cfg.Port, cfg.Security = p.protocol, p.port, campaign.SecurityStartTLS
		_, err := mailbox.Open(t.Context(), cfg)
		var te *mailbox.TLSError
		if !errors.Is(err, mailbox.ErrNoStartTLS) || !errors.As(err, &te) {
			t.Errorf("%v: Open = %v, want a *TLSError wrapping ErrNoStartTLS", p.protocol, err)
		}
	}
}

// TestIMAPClearToLoopback: security none logs in, in clear, to a loopback
// address (Dovecot counts loopback as secure too).
func TestIMAPClearToLoopback(t *testing.T) {
	l := startLab(t, "")
	cfg := l.cfg
	cfg.Port, cfg.Security, cfg.RootCAs = l.d.IMAPPort, campaign.SecurityNone, nil
	mb := l.open(t, cfg)
	if _, err := mb.List(t.Context(), time.Time{}); err != nil {
		t.Error(err)
	}
	if w := cfg.Warnings(); len(w) != 0 {
		t.Errorf("Warnings = %q, want none for loopback", w)
	}
}

// TestIMAPNoFolder: Open refuses a folder the server lacks, naming those
// it has and the setting to change.
func TestIMAPNoFolder(t *testing.T) {
	l := startLab(t, "")
	cfg := l.cfg
	cfg.Folder = "Bounces"
	_, err := mailbox.Open(t.Context(), cfg)
	var fe *mailbox.FolderError
	if !errors.As(err, &fe) || fe.Folder != "Bounces" || fe.Setting != "mailbox.folder" {
		t.Fatalf("Open = %v, want a *FolderError for mailbox.folder", err)
	}
	if !strings.HasSuffix(err.Error(), "; set mailbox.folder to one of them") || !strings.Contains(err.Error(), `Junk (\Junk)`) {
		t.Errorf("message %q", err)
	}
}

// TestIMAPTranscript: the Debug transcript shows the exchange but not the
// password, quoted on the wire (with \" and \\) or sent as a literal
// (not ASCII), nor a message's text, shown by its size.
func TestIMAPTranscript(t *testing.T) {
	quoted, literal := `p"w\`+pass, "pässwörd-ü-"+pass
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{
		{Name: user, Password: quoted}, {Name: "other@example.test", Password: literal},
	}})
	d.Deliver(t, user, reports[1])
	for _, login := range []struct{ name, password string }{{user, quoted}, {"other@example.test", literal}} {
		var transcript bytes.Buffer
		cfg := mailbox.Config{Protocol: campaign.MailboxIMAP, Host: "127.0.0.1", Port: d.IMAPSPort,
			Username: login.name, Password: login.password, RootCAs: d.Cert.Pool, Debug: &transcript}
		mb, err := mailbox.Open(t.Context(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		list, err := mb.List(t.Context(), time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		var size int
		if len(list) > 0 {
			msg, err := mb.Fetch(t.Context(), list[0].ID, 1<<20)
			if err != nil {
				t.Fatal(err)
			}
			size = len(msg)
		}
		if err := mb.Close(t.Context()); err != nil {
			t.Fatal(err)
		}
		tr := transcript.String()
		wants := []string{"S: * OK ", " LOGIN [redacted]\n", " UID SEARCH UNDELETED", " ID (", " LOGOUT"}
		if size > 0 {
			wants = append(wants, "S: ["+strconv.Itoa(size)+" bytes]\n")
		}
		for _, want := range wants {
			if !strings.Contains(tr, want) {
				t.Errorf("%s: transcript lacks %q", login.name, want)
			}
		}
		for _, secret := range []string{pass, `p\"w`, "pässwörd", "..two dots", "Grüße"} {
			if strings.Contains(tr, secret) {
				t.Errorf("%s: transcript shows %q:\n%s", login.name, secret, tr)
			}
		}
		t.Logf("%s's transcript:\n%s", login.name, tr)
	}
}

// TestOpenCancelled: a cancelled context ends Open at once.
func TestOpenCancelled(t *testing.T) {
	l := startLab(t, "")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	start := time.Now()
	if _, err := mailbox.Open(ctx, l.cfg); !errors.Is(err, context.Canceled) {
		t.Errorf("Open = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %s", d)
	}
}

// TestInsecureAuth: with security none, the password goes to no peer that
// is not loopback: Open refuses with ErrInsecureAuth before LOGIN (USER,
// PASS). The peer is a proxy on this machine's own network address in
// front of Dovecot; without such an address the test cannot run here
// (TestLoopbackDecision covers the check).
func TestInsecureAuth(t *testing.T) {
	host := nonLoopback()
	if host == "" {
		t.Skip("no network address but loopback on this machine to stand for a remote server")
	}
	l := startLab(t, "")
	for _, p := range []struct {
		protocol campaign.MailboxProtocol
		port     int
	}{{campaign.MailboxIMAP, l.d.IMAPPort}, {campaign.MailboxPOP3, l.d.POP3Port}} {
		cut := startCutterOn(t, host, net.JoinHostPort("127.0.0.1", strconv.Itoa(p.port)))
		var transcript bytes.Buffer
		cfg := l.cfg
		cfg.Protocol, cfg.Host, cfg.Port, cfg.Security, cfg.Debug = p.protocol, host, cut.Port(), campaign.SecurityNone, &transcript
		if w := cfg.Warnings(); len(w) != 1 || !strings.Contains(w[0], "mailbox.security is none") {
			t.Errorf("Warnings = %q", w)
		}
		_, err := mailbox.Open(t.Context(), cfg)
		if !errors.Is(err, mailbox.ErrInsecureAuth) {
			t.Errorf("%v: Open = %v, want ErrInsecureAuth", p.protocol, err)
		}
		if tr := transcript.String(); strings.Contains(tr, "C: ") || !strings.Contains(tr, "S: ") {
			t.Errorf("%v: want the greeting and nothing sent:\n%s", p.protocol, tr)
		}
	}
}
