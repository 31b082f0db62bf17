package campaign

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestMailboxAbsent: no mailbox: section, or an empty one, is no mailbox.
func TestMailboxAbsent(t *testing.T) {
	for name, yaml := range map[string]string{
		"no section":    minimalCampaign,
		"empty section": minimalCampaign + "mailbox:\n",
		"empty mapping": minimalCampaign + "mailbox: {}\n",
	} {
		c, err := Load(writeCampaign(t, yaml))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c.Mailbox.Configured() || c.Mailbox != (Mailbox{}) {
			t.Errorf("%s: Mailbox = %+v, want none", name, c.Mailbox)
		}
	}
}

func TestMailboxDefaults(t *testing.T) {
	for _, tt := range []struct {
		settings string
		protocol MailboxProtocol
		security Security
		port     int
	}{
		{"", MailboxIMAP, SecurityTLS, 993},
		{"protocol: imap\n  security: tls\n", MailboxIMAP, SecurityTLS, 993},
		{"security: starttls\n", MailboxIMAP, SecurityStartTLS, 143},
		{"security: none\n", MailboxIMAP, SecurityNone, 143},
		{"protocol: pop3\n", MailboxPOP3, SecurityTLS, 995},
		{"protocol: POP3\n  security: starttls\n", MailboxPOP3, SecurityStartTLS, 110},
		{"protocol: pop3\n  security: none\n", MailboxPOP3, SecurityNone, 110},
		{"protocol: pop3\n  port: 1995\n", MailboxPOP3, SecurityTLS, 1995},
		{"security: starttls\n  port: 10143\n", MailboxIMAP, SecurityStartTLS, 10143},
	} {
		yaml := minimalCampaign + "mailbox:\n  host: mail.example.org\n  username: me\n  password_env: MB_PASS\n  " + tt.settings
		c, err := Load(writeCampaign(t, yaml))
		if err != nil {
			t.Fatalf("%q: %v", tt.settings, err)
		}
		m := c.Mailbox
		if m.Protocol != tt.protocol || m.Security != tt.security || m.Port != tt.port {
			t.Errorf("%q: %v %v port %d, want %v %v %d", tt.settings, m.Protocol, m.Security, m.Port, tt.protocol, tt.security, tt.port)
		}
		if m.Folder != "INBOX" || m.Timeout != Duration(30*time.Second) || m.SentCopies != SentCopiesAll || m.SentFolder != "" || !m.Configured() {
			t.Errorf("%q: defaults %+v", tt.settings, m)
		}
	}
}

// TestMailboxAllKeys reads the section of issue 16 with every key set.
func TestMailboxAllKeys(t *testing.T) {
	path := writeCampaign(t, minimalCampaign+`smtp:
  host: smtp.163.com
  username: me@163.com
  password_env: TIDINGS_PASSWORD
mailbox:
  protocol: imap          # imap | pop3
  host: imap.163.com
  port: 993
  security: tls
  username: me@163.com
  password_env: TIDINGS_PASSWORD
  folder: Bounces
  sent_folder: 已发送
  sent_copies: one
  timeout: 1m
  insecure_skip_verify: true
  ca_file: certs/ca.pem
  authserv_id: MX.163.com
`)
	c, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := Mailbox{
		Protocol: MailboxIMAP, Host: "imap.163.com", Port: 993, Security: SecurityTLS,
		Username: "me@163.com", PasswordEnv: "TIDINGS_PASSWORD", Folder: "Bounces",
		SentFolder: "已发送", SentCopies: SentCopiesOne, Timeout: Duration(time.Minute),
		InsecureSkipVerify: true, CAFile: filepath.Join(filepath.Dir(path), "certs", "ca.pem"),
		AuthservID: "mx.163.com",
	}
	if c.Mailbox != want {
		t.Errorf("Mailbox\n %+v\nwant\n %+v", c.Mailbox, want)
	}
	if len(c.Warnings) != 0 {
		t.Errorf("Warnings = %q", c.Warnings)
	}
}

func TestMailboxPasswordEnv(t *testing.T) {
	c, err := Load(writeCampaign(t, minimalCampaign+"mailbox:\n  host: h.example\n  username: u\n  password_env: ${MB_PASS}\n"))
	if err != nil {
		t.Fatal(err)
	}
	note := `mailbox.password_env: "${MB_PASS}" is read as MB_PASS; the setting names the variable, without the $`
	if c.Mailbox.PasswordEnv != "MB_PASS" || !slices.Equal(c.Warnings, []string{note}) {
		t.Errorf("PasswordEnv %q, Warnings %q", c.Mailbox.PasswordEnv, c.Warnings)
	}
	const msg = "mailbox.password_env must name an environment variable (letters, digits, _); the value given is not shown, since it may be a password"
	for _, v := range []string{"hunter2!", "0123", `"p@ss word"`, "$9x"} {
		_, err := Load(writeCampaign(t, minimalCampaign+"mailbox:\n  host: h.example\n  username: u\n  password_env: "+v+"\n"))
		var fe *FileError
		if !errors.As(err, &fe) || !errors.Is(err, ErrPasswordEnv) {
			t.Fatalf("%s: Load = %v, want ErrPasswordEnv", v, err)
		}
		if fe.Err.Error() != msg || fe.Line != 10 || fe.Column != 17 {
			t.Errorf("%s: %d:%d %q, want 10:17 %q", v, fe.Line, fe.Column, fe.Err, msg)
		}
		// The message without the file's path: the temporary folder's
		// random digits could hold "0123" or "83" (0123 read as octal).
		text := strings.ReplaceAll(err.Error(), fe.File, "FILE")
		if shown := strings.Trim(v, `"$`); strings.Contains(text, shown) || strings.Contains(text, "83") {
			t.Errorf("%s: message %q shows the value", v, err)
		}
	}
}

func TestMailboxErrors(t *testing.T) {
	const head = minimalCampaign + "mailbox:\n" // the section's keys start on line 8
	const login = "  host: imap.example.org\n  username: me\n  password_env: MB_PASS\n"
	for _, tt := range []struct {
		name, yaml string
		line, col  int
		msg        string
	}{
		{"unknown protocol", head + login + "  protocol: pop4\n", 11, 13,
			`mailbox.protocol: unknown protocol "pop4" (use imap or pop3)`},
		{"unknown security", head + login + "  security: ssl3\n", 11, 13,
			`mailbox.security: unknown security "ssl3" (use tls, starttls or none)`},
		{"bad timeout", head + login + "  timeout: soon\n", 11, 12, `mailbox.timeout: duration "soon"`},
		{"bad authserv_id", head + login + "  authserv_id: mx.example.org; dkim=pass\n", 11, 16,
			`mailbox.authserv_id: "mx.example.org; dkim=pass" is not an authserv-id`},
		{"unknown sent_copies", head + login + "  sent_folder: Sent\n  sent_copies: some\n", 12, 16,
			`mailbox.sent_copies: unknown sent_copies "some" (use all or one)`},
		{"no host", head + "  username: me\n  password_env: MB_PASS\n", 8, 3,
			"mailbox.host: required in a mailbox: section"},
		{"only a default written", head + "  protocol: imap\n", 8, 3, "mailbox.host: required"},
		{"no username", head + "  host: imap.example.org\n  password_env: MB_PASS\n", 8, 3,
			"mailbox.username: required"},
		{"username without password_env", head + "  host: imap.example.org\n  username: me@163.com\n", 9, 13,
			"mailbox.password_env: required with mailbox.username; write password_env: TIDINGS_MAILBOX_PASSWORD under mailbox: and run export TIDINGS_MAILBOX_PASSWORD='…'"},
		{"port", head + login + "  port: 70000\n", 11, 9, "mailbox.port: 70000 is not a port"},
		{"sent_folder with pop3", head + login + "  protocol: pop3\n  sent_folder: Sent\n", 12, 16,
			"mailbox.sent_folder: IMAP only (POP3 cannot store a message); use protocol: imap or remove sent_folder"},
		{"folder with pop3", head + login + "  protocol: pop3\n  folder: Bounces\n", 12, 11,
			"mailbox.folder: POP3 reads the inbox only"},
		{"sent_copies without sent_folder", head + login + "  sent_copies: one\n", 11, 16,
			"mailbox.sent_copies: only with mailbox.sent_folder"},
		{"sent_folder is the inbox", head + login + "  sent_folder: inbox\n", 11, 16,
			"mailbox.sent_folder: that is the folder bounces are read from"},
		{"sent_folder is the folder", head + login + "  folder: Bounces\n  sent_folder: Bounces\n", 12, 16,
			"mailbox.sent_folder: that is the folder bounces are read from"},
		{"control character", head + login + "  folder: \"In\\nbox\"\n", 11, 11,
			"mailbox.folder: a folder name holds no control characters"},
		{"password in the file", head + login + "  password: hunter2\n", 11, 3,
			"mailbox.password: a password never goes in the campaign file; write password_env: TIDINGS_MAILBOX_PASSWORD under mailbox: and run export TIDINGS_MAILBOX_PASSWORD='…'"},
		{"unknown key", head + login + "  fodler: Bounces\n", 11, 3,
			`unknown key "fodler" in mailbox; did you mean "folder"?`},
		{"key of the section at the top", minimalCampaign + "sent_folder: Sent\n", 7, 1,
			`unknown key "sent_folder"; did you mean mailbox.sent_folder (sent_folder under mailbox:)?`},
		{"folder as a number", head + login + "  folder: 0x10\n", 11, 11,
			`mailbox.folder: write 0x10 in quotes`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeCampaign(t, tt.yaml))
			var fe *FileError
			if !errors.As(err, &fe) {
				t.Fatalf("Load = %v, want a *FileError", err)
			}
			if fe.Line != tt.line || fe.Column != tt.col {
				t.Errorf("at %d:%d, want %d:%d (%v)", fe.Line, fe.Column, tt.line, tt.col, err)
			}
			if !strings.Contains(fe.Err.Error(), tt.msg) {
				t.Errorf("message\n %s\nwant it to hold\n %s", fe.Err, tt.msg)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("message %q shows the password", err)
			}
		})
	}
}

func TestMailboxSentWarning(t *testing.T) {
	m := Mailbox{Host: "h", SentFolder: "Sent"}
	if w := m.SentWarning(SentCopiesAdvice); w != "" {
		t.Errorf("at the advice: %q", w)
	}
	want := `mailbox.sent_copies is all: 1001 copies go to "Sent" and count against the mailbox's quota; sent_copies: one keeps the first message only, as the campaign's record`
	if w := m.SentWarning(1001); w != want {
		t.Errorf("SentWarning = %q\nwant %q", w, want)
	}
	m.SentCopies = SentCopiesOne
	if w := m.SentWarning(100000); w != "" {
		t.Errorf("with one: %q", w)
	}
	if w := (&Mailbox{Host: "h"}).SentWarning(100000); w != "" {
		t.Errorf("without sent_folder: %q", w)
	}
}

func TestParseMailboxSettings(t *testing.T) {
	for in, want := range map[string]MailboxProtocol{"": MailboxIMAP, "IMAP": MailboxIMAP, " pop3 ": MailboxPOP3} {
		if got, err := ParseMailboxProtocol(in); err != nil || got != want {
			t.Errorf("ParseMailboxProtocol(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"pop", "imaps", "pop3s", "smtp"} {
		if _, err := ParseMailboxProtocol(in); err == nil {
			t.Errorf("ParseMailboxProtocol(%q) accepted", in)
		}
	}
	for in, want := range map[string]SentCopies{"": SentCopiesAll, "All": SentCopiesAll, "one": SentCopiesOne} {
		if got, err := ParseSentCopies(in); err != nil || got != want {
			t.Errorf("ParseSentCopies(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"first", "none", "1"} {
		if _, err := ParseSentCopies(in); err == nil {
			t.Errorf("ParseSentCopies(%q) accepted", in)
		}
	}
	if MailboxPOP3.String() != "pop3" || SentCopiesOne.String() != "one" {
		t.Error("String")
	}
}
