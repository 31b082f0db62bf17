package smtptest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"

	"github.com/emersion/go-smtp"
)

// MailUser is a mailbox of a test Dovecot.
type MailUser struct {
	// Name is both the login (IMAP, POP3) and the address LMTP delivers
	// to, e.g. "dave@example.test".
	Name     string
	Password string
	// QuotaBytes caps the mailbox's size (Dovecot's quota plugin, count
	// backend); 0 means no quota.
	QuotaBytes int64
}

// DovecotOptions configures StartDovecot.
type DovecotOptions struct {
	Users []MailUser
	// Cert is the TLS certificate for STARTTLS, STLS and the implicit-TLS
	// ports; nil makes one for 127.0.0.1 and localhost.
	Cert *Cert
	// Settings are dovecot.conf lines added after the generated ones (a
	// later setting overrides an earlier one), e.g.
	// "imap_capability = IMAP4rev1 LITERAL+ ID UIDPLUS" to offer fewer
	// IMAP extensions (no MOVE here).
	Settings string
}

// Dovecot is a private Dovecot 2.3 started by the test: IMAP, POP3 and
// LMTP on free 127.0.0.1 ports, Maildir storage, a quota per user, all
// under t.TempDir(). It is stopped (its whole process group) when the test
// ends, and its log is printed when the test failed. Its methods may be
// called from several goroutines.
//
// Replies seen from Dovecot 2.3.19 over LMTP:
//
//	unknown user:  550 5.1.1 <nobody@example.test> User doesn't exist: nobody@example.test
//	over quota:    552 5.2.2 <dave@example.test> Quota exceeded (mailbox for user is full)
//
// The quota reply comes after the message when it would take the mailbox
// past its quota, and already at RCPT when the mailbox is at or over it
// (lmtp_rcpt_check_quota = yes).
type Dovecot struct {
	// IMAPPort serves IMAP with STARTTLS, IMAPSPort IMAP over implicit TLS;
	// POP3Port serves POP3 with STLS, POP3SPort POP3 over implicit TLS;
	// LMTPPort serves LMTP (RFC 2033) without TLS. All on 127.0.0.1.
	IMAPPort, IMAPSPort, POP3Port, POP3SPort, LMTPPort int
	// Cert is the servers' certificate; CAFile a PEM file of it for
	// clients to trust.
	Cert   *Cert
	CAFile string

	dir     string
	pid     int // the master's, leading its process group
	mailUID int
	mailGID int
	authGID int // the group of Dovecot's internal user

	settings string // DovecotOptions.Settings

	mu    sync.Mutex // guards users and the users file
	users map[string]MailUser
}

// dovecotMailUser is the system account the mailboxes belong to: Dovecot
// refuses to access mail as root.
const dovecotMailUser = "mail"

// StartDovecot writes a configuration for a private Dovecot, starts
// `dovecot -F` in its own process group and waits until it listens. A port
// taken between choosing and binding makes it start again on new ports.
// The test is skipped (failed under CI=true) when Dovecot is not
// installed or the test does not run as root.
func StartDovecot(t testing.TB, opts DovecotOptions) *Dovecot {
	t.Helper()
	bin := findProgram(t, "dovecot", "dovecot")
	for _, p := range []string{"imap", "pop3", "lmtp"} {
		findProgram(t, "dovecot's "+p+" server", "/usr/lib/dovecot/"+p)
	}
	requireRoot(t, "Dovecot")
	d := &Dovecot{dir: reachableTempDir(t), Cert: opts.Cert, settings: opts.Settings, users: map[string]MailUser{}}
	if d.Cert == nil {
		d.Cert = NewCert(t)
	}
	d.mailUID, d.mailGID = systemUser(t, dovecotMailUser)
	d.authGID = systemGroup(t, "dovecot")
	d.prepare(t, opts.Users)
	for try := 1; try <= 3; try++ {
		p := freePorts(t, 5)
		d.IMAPPort, d.IMAPSPort, d.POP3Port, d.POP3SPort, d.LMTPPort = p[0], p[1], p[2], p[3], p[4]
		d.writeConfig(t)
		if d.run(t, bin) {
			return d
		}
		t.Logf("dovecot: port clash, starting again on other ports")
	}
	t.Fatal("dovecot: no free ports after 3 tries")
	return nil
}

// prepare makes the folders, the certificate files and the users file.
func (d *Dovecot) prepare(t testing.TB, users []MailUser) {
	t.Helper()
	for _, sub := range []string{"run", "state"} {
		mkdirOwned(t, filepath.Join(d.dir, sub), 0o755, 0, 0)
	}
	mkdirOwned(t, filepath.Join(d.dir, "home"), 0o711, 0, 0)
	for _, f := range []struct {
		name string
		data []byte
	}{{"cert.pem", d.Cert.CertPEM}, {"key.pem", d.Cert.KeyPEM}} {
		if err := os.WriteFile(filepath.Join(d.dir, f.name), f.data, 0o600); err != nil {
			t.Fatalf("smtptest: %v", err)
		}
	}
	d.CAFile = filepath.Join(d.dir, "ca.pem")
	if err := os.WriteFile(d.CAFile, d.Cert.CertPEM, 0o644); err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	for _, u := range users {
		// The users file is colon-separated lines; the name names a folder.
		if u.Name == "" || strings.HasPrefix(u.Name, ".") || strings.ContainsAny(u.Name, ":/\n") || strings.ContainsAny(u.Password, ":\n") {
			t.Fatalf("dovecot: user %q: a name is not empty, does not start with '.' and holds no ':', '/' or newline; a password holds no ':' or newline", u.Name)
		}
		d.users[u.Name] = u // no other goroutine has d yet
		mkdirOwned(t, d.home(u.Name), 0o700, d.mailUID, d.mailGID)
	}
	d.writeUsers(t)
}

// home is user's home folder; the Maildir is its Maildir/.
func (d *Dovecot) home(user string) string { return filepath.Join(d.dir, "home", user) }

// writeUsers writes the passwd-file Dovecot reads users, passwords and
// quotas from. Dovecot reads it again when it changes. d.mu is held or d
// not shared yet.
func (d *Dovecot) writeUsers(t testing.TB) {
	t.Helper()
	var b strings.Builder
	names := make([]string, 0, len(d.users))
	for n := range d.users {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		u := d.users[n]
		extra := ""
		if u.QuotaBytes > 0 {
			extra = "userdb_quota_rule=*:bytes=" + strconv.FormatInt(u.QuotaBytes, 10)
		}
		fmt.Fprintf(&b, "%s:{PLAIN}%s:%d:%d::%s::%s\n", u.Name, u.Password, d.mailUID, d.mailGID, d.home(u.Name), extra)
	}
	// Written to a new file and renamed, so Dovecot never reads half of it.
	tmp := filepath.Join(d.dir, "users.new")
	if err := os.WriteFile(tmp, []byte(b.String()), 0o600); err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	// Dovecot's auth service runs as its internal user and reads the file.
	if err := os.Chown(tmp, 0, d.authGID); err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	if err := os.Chmod(tmp, 0o640); err != nil {
		t.Fatalf("smtptest: %v", err)
	}
	if err := os.Rename(tmp, filepath.Join(d.dir, "users")); err != nil {
		t.Fatalf("smtptest: %v", err)
	}
}

// SetQuota changes user's quota in bytes (0: none) and waits until
// Dovecot's auth service reports the new one (it may serve the old users
// file for a moment). A quota under what the mailbox holds makes LMTP
// refuse the user at RCPT.
func (d *Dovecot) SetQuota(t testing.TB, user string, quota int64) {
	t.Helper()
	doveadm := findProgram(t, "doveadm", "doveadm")
	d.mu.Lock()
	defer d.mu.Unlock()
	u, ok := d.users[user]
	if !ok {
		t.Fatalf("dovecot: no user %q", user)
	}
	u.QuotaBytes = quota
	d.users[user] = u
	d.writeUsers(t)
	want := ""
	if quota > 0 {
		want = "*:bytes=" + strconv.FormatInt(quota, 10)
	}
	var got string
	if !poll(10*time.Second, func() bool {
		out, err := exec.Command(doveadm, "-c", filepath.Join(d.dir, "dovecot.conf"), "user", "-f", "quota_rule", user).Output()
		got = strings.TrimSpace(string(out))
		return err == nil && got == want
	}) {
		t.Fatalf("dovecot: %s's quota rule is %q after 10s, want %q", user, got, want)
	}
}

var dovecotConf = template.Must(template.New("dovecot.conf").Parse(`# Written by smtptest for one test.
base_dir = {{.Dir}}/run
state_dir = {{.Dir}}/state
instance_name = smtptest
log_path = {{.Dir}}/dovecot.log
login_greeting = Dovecot ready.
# Names the server in LMTP replies and Received fields, whatever the machine.
hostname = dovecot.test
protocols = imap pop3 lmtp
listen = 127.0.0.1
shutdown_clients = yes

ssl = yes
ssl_cert = <{{.Dir}}/cert.pem
ssl_key = <{{.Dir}}/key.pem
ssl_min_protocol = TLSv1.2
# Loopback counts as secure: plaintext LOGIN works there, as on a real
# server's localhost, and is refused from other addresses.
disable_plaintext_auth = yes
auth_mechanisms = plain login
# No waiting after a failed login: no 2s failure delay, and no growing
# per-IP auth penalty (a socket with mode 0 turns it off).
auth_failure_delay = 0

first_valid_uid = {{.UID}}
last_valid_uid = {{.UID}}
first_valid_gid = {{.GID}}
last_valid_gid = {{.GID}}
mail_location = maildir:~/Maildir
# Keep messages as they came over the wire (CRLF), so tests can compare
# bytes and verify signatures on what was stored.
mail_save_crlf = yes
mail_plugins = $mail_plugins quota
lmtp_rcpt_check_quota = yes

passdb {
  driver = passwd-file
  args = scheme=PLAIN {{.Dir}}/users
}
userdb {
  driver = passwd-file
  args = {{.Dir}}/users
}
plugin {
  quota = count:User quota
  quota_vsizes = yes
}

namespace inbox {
  inbox = yes
  mailbox Drafts {
    special_use = \Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \Sent
    auto = subscribe
  }
  mailbox Junk {
    special_use = \Junk
    auto = subscribe
  }
  mailbox Trash {
    special_use = \Trash
    auto = subscribe
  }
}

service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = {{.IMAP}}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = {{.IMAPS}}
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = {{.POP3}}
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = {{.POP3S}}
    ssl = yes
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service lmtp {
  inet_listener lmtp {
    address = 127.0.0.1
    port = {{.LMTP}}
  }
}
{{with .Settings}}
# DovecotOptions.Settings
{{.}}
{{end}}`))

// writeConfig writes dovecot.conf for d's folders, users and ports.
func (d *Dovecot) writeConfig(t testing.TB) {
	t.Helper()
	var b bytes.Buffer
	err := dovecotConf.Execute(&b, map[string]any{
		"Dir": d.dir, "UID": d.mailUID, "GID": d.mailGID,
		"IMAP": d.IMAPPort, "IMAPS": d.IMAPSPort, "POP3": d.POP3Port, "POP3S": d.POP3SPort, "LMTP": d.LMTPPort,
		"Settings": d.settings,
	})
	if err == nil {
		err = os.WriteFile(filepath.Join(d.dir, "dovecot.conf"), b.Bytes(), 0o644)
	}
	if err != nil {
		t.Fatalf("smtptest: %v", err)
	}
}

// run starts Dovecot and waits until it listens; false means a port clash.
func (d *Dovecot) run(t testing.TB, bin string) bool {
	t.Helper()
	start := time.Now()
	cmd := exec.Command(bin, "-F", "-c", filepath.Join(d.dir, "dovecot.conf"))
	var output syncBuffer
	cmd.Stdout, cmd.Stderr = &output, &output
	exited, err := startTied(cmd)
	if err != nil {
		t.Fatalf("dovecot: starting: %v", err)
	}
	err = d.waitListening(exited)
	if err == nil {
		d.pid = cmd.Process.Pid
		t.Logf("dovecot: started in %s (LMTP port %d, IMAP %d, POP3 %d)", time.Since(start).Round(time.Millisecond), d.LMTPPort, d.IMAPPort, d.POP3Port)
		t.Cleanup(func() { d.stop(t, cmd.Process.Pid, exited) })
		t.Cleanup(func() {
			if t.Failed() {
				t.Logf("dovecot log (%s):\n%s", d.dir, tail(d.Log(), 200))
			}
		})
		return true
	}
	d.stop(t, cmd.Process.Pid, exited)
	all := output.String() + d.Log()
	if strings.Contains(all, "Address already in use") {
		return false
	}
	t.Fatalf("dovecot did not come up: %v\n%s", err, all)
	return false
}

// waitListening waits until all of Dovecot's ports listen, Dovecot exits,
// or 30s pass.
func (d *Dovecot) waitListening(exited <-chan error) error {
	var exitErr error
	gone := false
	up := poll(30*time.Second, func() bool {
		select {
		case exitErr = <-exited:
			gone = true
			return true
		default:
		}
		for _, p := range []int{d.IMAPPort, d.IMAPSPort, d.POP3Port, d.POP3SPort, d.LMTPPort} {
			if !listening(p) {
				return false
			}
		}
		return true
	})
	switch {
	case gone:
		return fmt.Errorf("dovecot exited: %v", exitErr)
	case !up:
		return errors.New("dovecot: ports not listening after 30s")
	}
	return nil
}

// stop ends Dovecot's process group and reaps its master.
func (d *Dovecot) stop(t testing.TB, pid int, exited <-chan error) {
	took, killed := stopGroup(pid, time.Second)
	if killed != "" {
		t.Logf("dovecot: %s outlived SIGTERM by 1s and were killed", killed)
	}
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		t.Errorf("dovecot: master %d not reaped", pid)
	}
	t.Logf("dovecot: stopped in %s", took.Round(time.Millisecond))
}

// LMTPAddr is the LMTP server's address, "127.0.0.1:port".
func (d *Dovecot) LMTPAddr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(d.LMTPPort)) }

// Log returns Dovecot's log so far.
func (d *Dovecot) Log() string {
	b, _ := os.ReadFile(filepath.Join(d.dir, "dovecot.log"))
	return string(b)
}

// Deliver puts raw into user's INBOX through LMTP with the null envelope
// sender (as a bounce report arrives), failing the test when Dovecot
// refuses it. Dovecot adds Return-Path and Delivered-To header fields.
func (d *Dovecot) Deliver(t testing.TB, user string, raw []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := d.DeliverLMTP(ctx, "", []string{user}, raw); err != nil {
		t.Fatalf("dovecot: delivering to %s: %v", user, err)
	}
}

// DeliverLMTP sends raw from the envelope sender from ("" for the null
// sender) to rcpts in one LMTP session. A refusal is returned as the
// server's *smtp.SMTPError (errors.As finds it): from RCPT, or from the
// per-recipient replies after the message (an smtp.LMTPDataError).
// Recipients refused at RCPT stop the session before the message.
func (d *Dovecot) DeliverLMTP(ctx context.Context, from string, rcpts []string, raw []byte) error {
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", d.LMTPAddr())
	if err != nil {
		return fmt.Errorf("smtptest: lmtp: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	c := smtp.NewClientLMTP(conn)
	defer c.Close()
	if err := c.Mail(from, nil); err != nil {
		return fmt.Errorf("smtptest: lmtp MAIL: %w", err)
	}
	for _, r := range rcpts {
		if err := c.Rcpt(r, nil); err != nil {
			return fmt.Errorf("smtptest: lmtp RCPT %s: %w", r, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtptest: lmtp DATA: %w", err)
	}
	if _, err := w.Write(raw); err != nil {
		return fmt.Errorf("smtptest: lmtp message: %w", err)
	}
	if _, err := w.CloseWithLMTPResponse(); err != nil {
		return fmt.Errorf("smtptest: lmtp after the message: %w", err)
	}
	return c.Quit()
}
