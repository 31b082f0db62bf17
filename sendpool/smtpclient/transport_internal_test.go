package smtpclient

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
)

// TestTranscriptRedactsMisreadLines: a server that sends the start of its
// next reply before the client's answer makes the answer end a line that
// looks like the server's; the password's base64 forms are redacted there
// too.
func TestTranscriptRedactsMisreadLines(t *testing.T) {
	var out bytes.Buffer
	tr := newTranscript(&lockedWriter{w: &out}, 1, "me@example.org", "hunter2")
	tr.Write([]byte("AUTH LOGIN\r\n334 VXNlcm5hbWU6\r\nbWU=\r\n334 UGFzc3dvcmQ6\r\n235 "))
	tr.Write([]byte("aHVudGVyMg==\r\n"))
	tr.Write([]byte("AUTH PLAIN\r\n334 \r\n250 "))
	tr.Write([]byte("AG1lQGV4YW1wbGUub3JnAGh1bnRlcjI=\r\n"))
	if got := out.String(); strings.Contains(got, "aHVudGVyMg==") || strings.Contains(got, "AG1lQGV4YW1wbGUub3JnAGh1bnRlcjI=") || strings.Count(got, "[redacted]") != 3 {
		t.Errorf("transcript:\n%s", got)
	}
}

// TestTranscriptRedaction feeds a transcript the bytes go-smtp's client
// would write (split at awkward places) and checks what comes out.
func TestTranscriptRedaction(t *testing.T) {
	var out bytes.Buffer
	tr := newTranscript(&lockedWriter{w: &out}, 7, "me@example.org", "hunter2")
	stream := "220 mx.example.org ESMTP\r\n" +
		"EHLO localhost\r\n" +
		"250-mx.example.org\r\n250-AUTH PLAIN LOGIN\r\n250 SIZE 1000\r\n" +
		"AUTH PLAIN AG1lAGh1bnRlcjI=\r\n" +
		"535 5.7.8 failed\r\n" +
		"AUTH LOGIN\r\n" +
		"334 VXNlcm5hbWU6\r\n" +
		"bWU=\r\n" +
		"334 UGFzc3dvcmQ6\r\n" +
		"aHVudGVyMg==\r\n" +
		"235 2.7.0 ok\r\n" +
		"MAIL FROM:<a@example.org>\r\n250 ok\r\nRCPT TO:<b@example.org>\r\n250 ok\r\nDATA\r\n354 go\r\n" +
		"Subject: AUTH PLAIN secret-looking\r\n\r\n250 not a reply\r\nhunter2 in the body\r\n.\r\n" +
		"250 2.0.0 queued\r\n" +
		"NOOP hunter2\r\n"
	for i := 0; i < len(stream); i += 7 { // chunks that split lines
		tr.Write([]byte(stream[i:min(i+7, len(stream))]))
	}
	got := out.String()
	want := `[c7] S: 220 mx.example.org ESMTP
[c7] C: EHLO localhost
[c7] S: 250-mx.example.org
[c7] S: 250-AUTH PLAIN LOGIN
[c7] S: 250 SIZE 1000
[c7] C: AUTH PLAIN [redacted]
[c7] S: 535 5.7.8 failed
[c7] C: AUTH LOGIN
[c7] S: 334 VXNlcm5hbWU6
[c7] C: [redacted]
[c7] S: 334 UGFzc3dvcmQ6
[c7] C: [redacted]
[c7] S: 235 2.7.0 ok
[c7] C: MAIL FROM:<a@example.org>
[c7] S: 250 ok
[c7] C: RCPT TO:<b@example.org>
[c7] S: 250 ok
[c7] C: DATA
[c7] S: 354 go
[c7] C: [message data: 4 lines, 76 bytes]
[c7] C: .
[c7] S: 250 2.0.0 queued
[c7] C: NOOP [redacted]
`
	if got != want {
		t.Errorf("transcript:\n%s\nwant:\n%s", got, want)
	}
	if strings.Contains(got, "hunter2") || strings.Contains(got, "aHVudGVyMg") {
		t.Error("secret in transcript")
	}
}

func TestChooseMechanism(t *testing.T) {
	for _, tc := range []struct{ configured, offered, want string }{
		{"", "LOGIN PLAIN XOAUTH2", "PLAIN"},
		{"", "LOGIN", "LOGIN"},
		{"", "CRAM-MD5 LOGIN", "LOGIN"},
		{"", "CRAM-MD5", "CRAM-MD5"},
		{"xoauth2", "LOGIN PLAIN XOAUTH2", "XOAUTH2"},
		{"cram-md5", "plain cram-md5", "CRAM-MD5"},
		{"", "XOAUTH2 GSSAPI", ""},
		{"login", "PLAIN", ""},
	} {
		got, err := chooseMechanism(tc.configured, tc.offered)
		if got != tc.want || (err == nil) != (tc.want != "") {
			t.Errorf("chooseMechanism(%q, %q) = %q, %v; want %q", tc.configured, tc.offered, got, err, tc.want)
		}
	}
}

func TestAuthHint(t *testing.T) {
	for host, want := range map[string]string{
		"smtp.163.com": "authorization code", "smtp.qq.com": "authorization code", "smtp.126.com": "authorization code",
		"smtp.yeah.net": "authorization code", "smtp.sina.com": "authorization code", "smtp.exmail.qq.com": "authorization code",
		"smtp.gmail.com": "app password", "mail.example.org": "smtp.password_env", "not163.com": "smtp.password_env",
	} {
		if got := authHint(host); !strings.Contains(got, want) {
			t.Errorf("authHint(%s) = %q, want it to mention %q", host, got, want)
		}
	}
}

// TestLoginOffHint: Exchange Online's refusals that say password logins
// are off get advice of their own (no app password helps), whatever the
// host; other refusals get the host's.
func TestLoginOffHint(t *testing.T) {
	d := &Dialer{cfg: Config{Host: "smtp.office365.com", Username: "news@corp.example", Security: campaign.SecurityStartTLS}} // 535 answers a login
	for msg, want := range map[string]string{
		"5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.": "an administrator must enable Authenticated SMTP",
		"5.7.139 Authentication unsuccessful, basic authentication is disabled. [BN0PR04CA0001.namprd04.prod.outlook.com]":                                        "smtp.auth: xoauth2",
		"5.7.3 Authentication unsuccessful [MW4PR03CA0001.namprd03.prod.outlook.com]":                                                                             "app password",
	} {
		if got := d.refusalHint(&sendpool.SMTPError{Code: 535, Message: msg}); !strings.Contains(got, want) {
			t.Errorf("refusalHint(%.40s…) = %q, want it to mention %q", msg, got, want)
		}
	}
}

// TestRelayHint: a server refusing to relay ("554 5.7.1 <…>: Relay access
// denied") is told to take a login when the campaign has none, and that
// the account may not relay when it logged in; no provider's app password.
// A server whose EHLO offered no AUTH cannot take the login the advice
// asked for (a relay's admin, rev-user9: "set smtp.username", then "the
// server does not offer AUTH (remove smtp.username …)"): it is told to
// trust this machine or to use the submission port, and under security
// none to try STARTTLS first.
func TestRelayHint(t *testing.T) {
	refusal := &sendpool.SMTPError{Code: 554, EnhancedCode: sendpool.EnhancedCode{5, 7, 1}, Message: "<a@elsewhere.example>: Relay access denied"}
	for _, tc := range []struct {
		user      string
		noAuth    bool
		sec       campaign.Security
		want, not string
	}{
		{"", false, campaign.SecurityStartTLS, "set smtp.username", "offers no login"},
		{"news@corp.example", false, campaign.SecurityStartTLS, `does not relay mail to other domains for "news@corp.example"`, "offers no login"},
		{"", true, campaign.SecurityStartTLS, "offers no login (AUTH) here: have its administrator trust this machine's address, or point smtp.host and smtp.port at its submission service", "try security: starttls"},
		{"", true, campaign.SecurityNone, "(many servers offer AUTH only after STARTTLS: try security: starttls first)", "set smtp.username and the password"},
	} {
		d := &Dialer{cfg: Config{Host: "smtp.gmail.com", Username: tc.user, Security: tc.sec}}
		d.noAuth.Store(tc.noAuth)
		got := d.refusalHint(refusal)
		if !strings.Contains(got, tc.want) || strings.Contains(got, tc.not) || strings.Contains(got, "app password") {
			t.Errorf("user %q, no AUTH %v, %s: refusalHint = %q, want it to mention %q and not %q", tc.user, tc.noAuth, tc.sec, got, tc.want, tc.not)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:25": true, "127.1.2.3:25": true, "[::1]:25": true, "192.0.2.1:25": false, "[2001:db8::1]:25": false} {
		a, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := isLoopback(a); got != want {
			t.Errorf("isLoopback(%s) = %v", addr, got)
		}
	}
}

// TestPortSecurityWarnings: a port and a security that rarely go together
// are warned about (465 is implicit TLS; 587 and 25 speak STARTTLS).
func TestPortSecurityWarnings(t *testing.T) {
	for _, c := range []struct {
		port int
		sec  campaign.Security
		want string
	}{
		{465, campaign.SecurityStartTLS, "set security: tls"},
		{587, campaign.SecurityTLS, "set security: starttls"},
		{25, campaign.SecurityTLS, "set security: starttls"},
		{465, campaign.SecurityTLS, ""},
		{587, campaign.SecurityStartTLS, ""},
	} {
		cfg := Config{Host: "smtp.example.com", Port: c.port, Security: c.sec}
		got := strings.Join(cfg.Warnings(), "\n")
		if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
			t.Errorf("port %d, %v: warnings %q, want %q", c.port, c.sec, got, c.want)
		}
	}
}

// TestNewDialerRejectsBadConfig: settings that cannot work are refused
// before anything is dialed.
func TestNewDialerRejectsBadConfig(t *testing.T) {
	for name, cfg := range map[string]Config{
		"no host":          {Port: 25},
		"bad port":         {Host: "h", Port: 70000},
		"user no password": {Host: "h", Port: 25, Username: "u"},
		"bad auth":         {Host: "h", Port: 25, Auth: "ntlm"},
		"helo with space":  {Host: "h", Port: 25, Helo: "a b"},
		"missing CA file":  {Host: "h", Port: 25, CAFile: "/nonexistent/ca.pem"},
		"bad transport":    {Host: "h", Port: 25, Transport: campaign.Transport(9)},
	} {
		if _, err := NewDialer(cfg); err == nil || !strings.HasPrefix(err.Error(), "smtpclient: ") {
			t.Errorf("%s: err %v", name, err)
		}
	}
}

// TestConnectErrorKinds: a failed connect is told apart as the pool needs
// it: a name that does not exist and a port nobody answers on are settings
// (with a hint naming them), a resolver failure may pass.
func TestConnectErrorKinds(t *testing.T) {
	d, err := NewDialer(Config{Host: "smtp.example.invalid", Port: 587, Security: campaign.SecurityStartTLS})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		err  error
		kind sendpool.DialKind
		met  sendpool.NoAnswer
		hint string
	}{
		{&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "smtp.example.invalid", IsNotFound: true}},
			sendpool.DialNotFound, sendpool.NoAnswerOther, "the host name smtp.example.invalid does not resolve (check smtp.host)"},
		{&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "i/o timeout", Name: "smtp.example.invalid", IsTimeout: true}},
			sendpool.DialFailed, sendpool.NoAnswerOther, ""},
		{&net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, sendpool.DialNoAnswer, sendpool.NoAnswerRefused, "nothing accepts connections at smtp.example.invalid:587"},
		{&net.OpError{Op: "dial", Net: "tcp", Err: context.DeadlineExceeded}, sendpool.DialNoAnswer, sendpool.NoAnswerTimeout, "no answer from smtp.example.invalid:587"},
	} {
		de := d.connectError(tc.err)
		if de.Kind != tc.kind || de.NoAnswer != tc.met || !strings.Contains(de.Hint, tc.hint) || (tc.hint == "") != (de.Hint == "") {
			t.Errorf("%v: kind %v (%v) hint %q, want %v (%v) %q", tc.err, de.Kind, de.NoAnswer, de.Hint, tc.kind, tc.met, tc.hint)
		}
		if !errors.Is(de, tc.err) {
			t.Errorf("%v: the cause is lost", tc.err)
		}
	}
}

// TestPlainHint: security: none is suggested after a failed TLS setup only
// for a server on this machine, never for another host.
func TestPlainHint(t *testing.T) {
	for host, local := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "127.0.0.1": true, "127.0.0.53": true, "::1": true,
		"smtp.example.org": false, "192.168.1.10": false, "localhost.example.org": false, "": false,
	} {
		if got := plainHint(host); (got != "") != local || local && !strings.Contains(got, "smtp.security: none") {
			t.Errorf("%q: %q", host, got)
		}
	}
}
