package mailbox

import (
	"bytes"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
)

// TestWireLog: the transcript of a byte stream, however it is split into
// writes: literals by their size, LOGIN without its arguments, the
// password nowhere.
func TestWireLog(t *testing.T) {
	const secret = "s3cret!"
	stream := "a1 LOGIN \"me@example.org\" \"s3cret!\"\r\n" +
		"a2 LOGIN {14}\r\nme@example.org {7}\r\ns3cret!\r\n" +
		"a3 APPEND \"Sent\" (\\Seen) {12+}\r\nHello\r\nWorld\r\n" +
		"a4 NOOP s3cret!\r\n" +
		"a5 UID FETCH 1 (BODY.PEEK[])\r\n"
	want := "C: a1 LOGIN [redacted]\n" +
		"C: a2 LOGIN [redacted]\n" +
		"C: a3 APPEND \"Sent\" (\\Seen) {12+}\n" +
		"C: [12 bytes]\n" +
		"C: \n" +
		"C: a4 NOOP [redacted]\n" +
		"C: a5 UID FETCH 1 (BODY.PEEK[])\n"
	for _, step := range []int{1, 2, 3, 7, 64, len(stream)} {
		var out bytes.Buffer
		l := &wireLog{t: newTranscript(&out, secret), prefix: "C: ", client: true}
		for i := 0; i < len(stream); i += step {
			l.Write([]byte(stream[i:min(i+step, len(stream))]))
		}
		if out.String() != want {
			t.Errorf("writes of %d bytes:\n%s\nwant\n%s", step, out.String(), want)
		}
	}
}

// TestWireLogServer: a server's LOGIN-looking line is shown; a literal of
// zero bytes and an overlong line are handled.
func TestWireLogServer(t *testing.T) {
	var out bytes.Buffer
	l := &wireLog{t: newTranscript(&out, "pw"), prefix: "S: "}
	l.Write([]byte("* LOGIN x\r\n* 1 FETCH (BODY[] {0}\r\n)\r\n" + strings.Repeat("x", 5000) + "\r\nnext\r\n"))
	want := "S: * LOGIN x\nS: * 1 FETCH (BODY[] {0}\nS: [0 bytes]\nS: )\nS: " + strings.Repeat("x", maxLogLine) + " [line cut]\nS: next\n"
	if out.String() != want {
		t.Errorf("got\n%q\nwant\n%q", out.String(), want)
	}
	var none *transcript
	none.note("nothing") // a nil transcript discards
	newTranscript(nil, "pw").note("nothing")
}

// TestLoopbackDecision: the check ErrInsecureAuth rests on.
func TestLoopbackDecision(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:143": true, "127.8.9.1:143": true, "[::1]:143": true,
		"192.0.2.7:143": false, "[2001:db8::1]:143": false, "10.0.0.1:143": false,
	} {
		a, err := net.ResolveTCPAddr("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if got := isLoopback(a); got != want {
			t.Errorf("isLoopback(%s) = %v", addr, got)
		}
	}
	for host, want := range map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true, "imap.163.com": false, "192.0.2.7": false} {
		if got := isLoopbackHost(host); got != want {
			t.Errorf("isLoopbackHost(%s) = %v", host, got)
		}
	}
}

func TestConfig(t *testing.T) {
	m := campaign.Mailbox{Protocol: campaign.MailboxPOP3, Host: "pop.163.com", Port: 995, Security: campaign.SecurityTLS,
		Username: "me@163.com", PasswordEnv: "X", Folder: "INBOX", Timeout: campaign.Duration(time.Minute), CAFile: "/ca.pem", InsecureSkipVerify: true}
	cfg := ConfigFrom(m, "pw")
	want := Config{Protocol: campaign.MailboxPOP3, Host: "pop.163.com", Port: 995, Security: campaign.SecurityTLS, Username: "me@163.com",
		Password: "pw", Folder: "INBOX", Timeout: time.Minute, CAFile: "/ca.pem", InsecureSkipVerify: true}
	if cfg != want {
		t.Errorf("ConfigFrom = %+v", cfg)
	}
	if cfg.Addr() != "pop.163.com:995" {
		t.Errorf("Addr = %s", cfg.Addr())
	}
	for _, tt := range []struct {
		cfg  Config
		warn string
	}{
		{Config{Host: "imap.example.org", Port: 993, Security: campaign.SecurityStartTLS}, "mailbox.port 993 is implicit TLS"},
		{Config{Host: "imap.example.org", Port: 143, Security: campaign.SecurityTLS}, "mailbox.port 143 speaks STARTTLS"},
		{Config{Protocol: campaign.MailboxPOP3, Host: "pop.example.org", Port: 110, Security: campaign.SecurityTLS}, "mailbox.port 110 speaks STARTTLS"},
		{Config{Host: "imap.example.org", Port: 143, Security: campaign.SecurityNone}, "mailbox.security is none"},
	} {
		if w := tt.cfg.Warnings(); len(w) != 1 || !strings.Contains(w[0], tt.warn) {
			t.Errorf("%+v: Warnings = %q, want %q", tt.cfg, w, tt.warn)
		}
	}
	if w := (&Config{Host: "imap.example.org", Port: 993}).Warnings(); len(w) != 0 {
		t.Errorf("Warnings = %q, want none", w)
	}
	_, err := Config{Host: "", Port: 0, Username: "u"}.check()
	for _, msg := range []string{"mailbox: ", "mailbox.host is empty", "mailbox.port 0 is not a port", "the password is empty"} {
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("check = %v, want %q", err, msg)
		}
	}
	if _, err := (Config{Host: "h", Port: 1, Username: "u", Password: "a\r\nb"}).check(); err == nil || strings.Contains(err.Error(), "a\r\nb") {
		t.Errorf("check of a password with a line break = %v", err)
	}
	c, err := Config{Host: "h", Port: 1, Username: "u", Password: "p"}.check()
	if err != nil || c.Timeout != DefaultTimeout || c.Folder != "INBOX" {
		t.Errorf("defaults: %+v, %v", c, err)
	}
}

func TestLoginHint(t *testing.T) {
	for host, want := range map[string]string{
		"imap.163.com": "授权码", "pop.qq.com": "授权码", "imap.126.com.": "授权码",
		"imap.gmail.com": "app password", "outlook.office365.com": "app password",
		"mail.example.org": "mailbox.password_env", "not163.com": "mailbox.password_env",
	} {
		if got := loginHint(host); !strings.Contains(got, want) {
			t.Errorf("loginHint(%s) = %q, want %q in it", host, got, want)
		}
	}
}

func TestErrors(t *testing.T) {
	re := &ReplyError{Command: "UID MOVE", Status: "NO", Code: "TRYCREATE", Text: "Mailbox doesn't exist"}
	if re.Error() != "mailbox: UID MOVE: server replied NO [TRYCREATE] Mailbox doesn't exist" {
		t.Errorf("ReplyError = %q", re)
	}
	le := &LoginError{Addr: "imap.163.com:993", Username: "me@163.com", Reply: "NO LOGIN Login error", Hint: "h"}
	if le.Error() != `mailbox: login to imap.163.com:993 as "me@163.com" refused: server replied NO LOGIN Login error (h)` {
		t.Errorf("LoginError = %q", le)
	}
	fe := &FolderError{Addr: "a:1", Folder: "Sent", Folders: []string{"INBOX", `已发送 (\Sent)`}, Setting: "mailbox.sent_folder"}
	if fe.Error() != `mailbox: no folder "Sent" on a:1 (its folders: INBOX, 已发送 (\Sent)); set mailbox.sent_folder to one of them` {
		t.Errorf("FolderError = %q", fe)
	}
	te := &TLSError{Addr: "a:1", Why: "why", Err: ErrNoStartTLS}
	if !strings.HasPrefix(te.Error(), "mailbox: TLS with a:1 failed: why: the server did not offer") {
		t.Errorf("TLSError = %q", te)
	}
}
