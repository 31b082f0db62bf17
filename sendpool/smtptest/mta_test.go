package smtptest

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// These tests prove the real-MTA harness with real clients: go-smtp's
// client, and hand-written wire exchanges where a test needs bytes no
// well-behaved client sends (pipelined BDAT, bare LF).

const wait = 30 * time.Second

var (
	alice = MailUser{Name: "alice@example.test", Password: "alice-secret"}
	bob   = MailUser{Name: "bob@example.test", Password: "bob-secret"}
)

// startMTA starts a Dovecot with alice and bob and a Postfix that delivers
// example.test to it.
func startMTA(t *testing.T, extra ...MailUser) (*Postfix, *Dovecot) {
	t.Helper()
	d := StartDovecot(t, DovecotOptions{Users: append([]MailUser{alice, bob}, extra...)})
	p := StartPostfix(t, PostfixOptions{Domains: []string{"example.test"}, LMTPPort: d.LMTPPort})
	return p, d
}

func message(from, to, subject, body string) []byte {
	return []byte("From: <" + from + ">\r\nTo: <" + to + ">\r\nSubject: " + subject +
		"\r\nMessage-ID: <" + strings.ReplaceAll(subject, " ", ".") + "@sender.test>\r\n\r\n" + body + "\r\n")
}

func caPool(t *testing.T, caFile string) *x509.CertPool {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("no certificate in %s", caFile)
	}
	return pool
}

func TestPostfixDeliversToDovecot(t *testing.T) {
	p, d := startMTA(t)
	c, err := smtp.DialStartTLS(p.Addr(), &tls.Config{RootCAs: caPool(t, p.CAFile)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for i := 1; i <= 3; i++ {
		subject := "hello " + strconv.Itoa(i)
		body := "Message number " + strconv.Itoa(i) + ".\r\nSecond line."
		if err := c.SendMail("sender@sender.test", []string{alice.Name}, bytes.NewReader(message("sender@sender.test", alice.Name, subject, body))); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
	p.WaitQueueEmpty(t, wait)
	msgs := d.WaitMessages(t, alice.Name, "INBOX", 3, wait)
	if len(msgs) != 3 {
		t.Fatalf("alice has %d messages, want 3", len(msgs))
	}
	// Postfix delivers over parallel LMTP sessions: any order.
	seen := map[string]bool{}
	for _, m := range msgs {
		_, rest, _ := bytes.Cut(m, []byte("Subject: hello "))
		n := string(rest[:1])
		seen[n] = true
		for _, want := range []string{
			"Return-Path: <sender@sender.test>\r\n",
			"Delivered-To: " + alice.Name + "\r\n",
			"by mta.test (Postfix) with ESMTPS",
			"\r\n\r\nMessage number " + n + ".\r\nSecond line.\r\n",
		} {
			if !bytes.Contains(m, []byte(want)) {
				t.Errorf("message %s lacks %q:\n%s", n, want, m)
			}
		}
	}
	if len(seen) != 3 || !seen["1"] || !seen["2"] || !seen["3"] {
		t.Errorf("subjects seen: %v", seen)
	}
	if got := d.Messages(t, bob.Name, "INBOX"); len(got) != 0 {
		t.Errorf("bob got %d messages, want none", len(got))
	}
}

// wireConn is a hand-driven SMTP session.
type wireConn struct {
	t    *testing.T
	conn net.Conn
	text *textproto.Conn
}

func dialWire(t *testing.T, addr string) *wireConn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	conn.SetDeadline(time.Now().Add(wait))
	w := &wireConn{t: t, conn: conn, text: textproto.NewConn(conn)}
	t.Cleanup(func() { conn.Close() })
	w.expect(220)
	return w
}

// send writes raw bytes as they are, in one write.
func (w *wireConn) send(raw string) {
	w.t.Helper()
	if _, err := w.conn.Write([]byte(raw)); err != nil {
		w.t.Fatal(err)
	}
}

// reply reads one (possibly multi-line) reply.
func (w *wireConn) reply() (int, string) {
	w.t.Helper()
	code, msg, err := w.text.ReadResponse(0)
	var perr textproto.ProtocolError
	if err != nil && !errors.As(err, new(*textproto.Error)) && !errors.As(err, &perr) {
		w.t.Fatalf("reading a reply: %v", err)
	}
	return code, msg
}

func (w *wireConn) expect(code int) string {
	w.t.Helper()
	got, msg := w.reply()
	if got != code {
		w.t.Fatalf("got %d %s, want %d", got, msg, code)
	}
	return msg
}

func (w *wireConn) ehlo(want ...string) {
	w.t.Helper()
	w.send("EHLO client.test\r\n")
	msg := w.expect(250)
	for _, kw := range want {
		if !strings.Contains("\n"+msg+"\n", "\n"+kw+"\n") {
			w.t.Fatalf("EHLO reply lacks %s:\n%s", kw, msg)
		}
	}
}

func TestPostfixPipelinedBDAT(t *testing.T) {
	p, d := startMTA(t)
	w := dialWire(t, p.Addr())
	w.ehlo("PIPELINING", "CHUNKING", "DSN", "8BITMIME", "SMTPUTF8", "STARTTLS", "ENHANCEDSTATUSCODES")
	msg := string(message("sender@sender.test", bob.Name, "chunked", "Sent with BDAT."))
	half := len(msg) / 2
	// MAIL, RCPT and the first chunk in one write, as a pipelining client
	// does (RFC 2920, RFC 3030); then the last chunk and QUIT together.
	w.send("MAIL FROM:<sender@sender.test> BODY=8BITMIME\r\nRCPT TO:<" + bob.Name + ">\r\n" +
		"BDAT " + strconv.Itoa(half) + "\r\n" + msg[:half])
	w.expect(250)
	w.expect(250)
	w.expect(250)
	w.send("BDAT " + strconv.Itoa(len(msg)-half) + " LAST\r\n" + msg[half:] + "QUIT\r\n")
	if got := w.expect(250); !strings.Contains(got, "queued as") {
		t.Errorf("after the last chunk: %s", got)
	}
	w.expect(221)
	got := d.WaitMessages(t, bob.Name, "INBOX", 1, wait)
	if !bytes.Contains(got[0], []byte("\r\n\r\nSent with BDAT.\r\n")) {
		t.Errorf("stored message:\n%s", got[0])
	}
}

func TestPostfixRefusesBareLF(t *testing.T) {
	p, d := startMTA(t)
	// The reply text, as Postfix 3.7.11 sends it (the code is 550).
	const want = "5.5.2 mta.test Error: bare <LF> received"
	body := "Subject: bare\r\n\r\nline one\nline two\r\n"
	t.Run("DATA", func(t *testing.T) {
		w := dialWire(t, p.Addr())
		w.ehlo()
		w.send("MAIL FROM:<alice@example.test>\r\n")
		w.expect(250)
		w.send("RCPT TO:<bob@example.test>\r\n")
		w.expect(250)
		w.send("DATA\r\n")
		w.expect(354)
		w.send(body + ".\r\n")
		if got := w.expect(550); got != want {
			t.Errorf("got 550 %q, want %q", got, want)
		}
	})
	t.Run("BDAT", func(t *testing.T) {
		w := dialWire(t, p.Addr())
		w.ehlo()
		w.send("MAIL FROM:<alice@example.test>\r\nRCPT TO:<bob@example.test>\r\n" +
			"BDAT " + strconv.Itoa(len(body)) + " LAST\r\n" + body)
		w.expect(250)
		w.expect(250)
		if got := w.expect(550); got != want {
			t.Errorf("got 550 %q, want %q", got, want)
		}
	})
	p.WaitQueueEmpty(t, wait)
	if got := d.Messages(t, bob.Name, "INBOX"); len(got) != 0 {
		t.Errorf("bob got %d messages, want none", len(got))
	}
}

// smtpErr returns err's *smtp.SMTPError, failing the test without one.
func smtpErr(t *testing.T, err error) *smtp.SMTPError {
	t.Helper()
	var se *smtp.SMTPError
	if !errors.As(err, &se) {
		t.Fatalf("got %v, want an SMTP error reply", err)
	}
	return se
}

func TestDovecotRefusals(t *testing.T) {
	dave := MailUser{Name: "dave@example.test", Password: "dave-secret", QuotaBytes: 1}
	erin := MailUser{Name: "erin@example.test", Password: "erin-secret"}
	d := StartDovecot(t, DovecotOptions{Users: []MailUser{alice, dave, erin}})
	ctx := context.Background()
	raw := message("sender@sender.test", dave.Name, "too big", "Any message is over a 1-byte quota.")

	// Dovecot 2.3.19: 552 5.2.2 <dave@example.test> Quota exceeded (mailbox for user is full)
	// after the message, when the message would exceed the quota.
	err := d.DeliverLMTP(ctx, "sender@sender.test", []string{dave.Name}, raw)
	var perRcpt smtp.LMTPDataError
	if !errors.As(err, &perRcpt) {
		t.Fatalf("over quota: got %v, want a refusal after the message", err)
	}
	se := smtpErr(t, err)
	if se.Code != 552 || se.EnhancedCode != (smtp.EnhancedCode{5, 2, 2}) ||
		se.Message != "<dave@example.test> Quota exceeded (mailbox for user is full)" {
		t.Errorf("over quota after the message: %d %v %q", se.Code, se.EnhancedCode, se.Message)
	}

	// The same reply at RCPT once the mailbox is at or over its quota
	// (lmtp_rcpt_check_quota).
	d.Deliver(t, erin.Name, message("sender@sender.test", erin.Name, "fill", "Fills the mailbox."))
	d.SetQuota(t, erin.Name, 1)
	err = d.DeliverLMTP(ctx, "sender@sender.test", []string{erin.Name}, raw)
	if errors.As(err, &perRcpt) || !strings.Contains(fmt.Sprint(err), "RCPT") {
		t.Errorf("full mailbox: got %v, want a refusal at RCPT", err)
	}
	se = smtpErr(t, err)
	if se.Code != 552 || se.Message != "<erin@example.test> Quota exceeded (mailbox for user is full)" {
		t.Errorf("full mailbox at RCPT: %d %q", se.Code, se.Message)
	}

	// Dovecot 2.3.19: 550 5.1.1 <nobody@example.test> User doesn't exist: nobody@example.test
	se = smtpErr(t, d.DeliverLMTP(ctx, "sender@sender.test", []string{"nobody@example.test"}, raw))
	if se.Code != 550 || se.EnhancedCode != (smtp.EnhancedCode{5, 1, 1}) ||
		se.Message != "<nobody@example.test> User doesn't exist: nobody@example.test" {
		t.Errorf("unknown user: %d %v %q", se.Code, se.EnhancedCode, se.Message)
	}

	if n := len(d.Messages(t, dave.Name, "INBOX")); n != 0 {
		t.Errorf("dave holds %d messages, want 0", n)
	}
	if n := len(d.Messages(t, erin.Name, "INBOX")); n != 1 {
		t.Errorf("erin holds %d messages, want 1", n)
	}
}

// Postfix bounces both quota refusals (it does not take a 552 at RCPT
// for a temporary failure over LMTP), and unknown users; the reports reach
// the sender's mailbox.
func TestPostfixBouncesToSendersMailbox(t *testing.T) {
	dave := MailUser{Name: "dave@example.test", Password: "dave-secret", QuotaBytes: 1}
	p, d := startMTA(t, dave)
	c, err := smtp.Dial(p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, to := range []string{dave.Name, "nobody@example.test"} {
		if err := c.SendMail(alice.Name, []string{to}, bytes.NewReader(message(alice.Name, to, "to "+to, "Hello."))); err != nil {
			t.Fatal(err)
		}
	}
	// A bounce to a domain the test MTA does not serve is dropped (the
	// queue empties), and such a domain is refused as a recipient.
	if err := c.SendMail("stranger@elsewhere.test", []string{"nobody@example.test"}, bytes.NewReader(message("stranger@elsewhere.test", "nobody@example.test", "lost", "Hello."))); err != nil {
		t.Fatal(err)
	}
	err = c.SendMail(alice.Name, []string{"someone@elsewhere.test"}, bytes.NewReader(message(alice.Name, "someone@elsewhere.test", "relay", "Hello.")))
	if se := smtpErr(t, err); se.Code != 554 || se.Message != "<someone@elsewhere.test>: Relay access denied" {
		t.Errorf("relaying: %d %v %q", se.Code, se.EnhancedCode, se.Message)
	}
	c.Quit()
	reports := d.WaitMessages(t, alice.Name, "INBOX", 2, wait)
	p.WaitQueueEmpty(t, wait)
	all := string(bytes.Join(reports, nil))
	for _, want := range []string{
		"Return-Path: <>\r\n",
		"Content-Type: multipart/report; report-type=delivery-status;",
		"Status: 5.2.2\r\n",
		"Diagnostic-Code: smtp; 552 5.2.2 <dave@example.test> Quota exceeded (mailbox\r\n",
		"Status: 5.1.1\r\n",
		"Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.test> User doesn't exist:\r\n",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("bounce reports lack %q:\n%s", want, all)
		}
	}
}

func TestPostfixClientLimits(t *testing.T) {
	t.Run("messages", func(t *testing.T) {
		p := StartPostfix(t, PostfixOptions{MessageRateLimit: 2})
		c, err := smtp.Dial(p.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		for i := 1; i <= 2; i++ {
			if err := c.Mail("a@sender.test", nil); err != nil {
				t.Fatalf("MAIL %d: %v", i, err)
			}
			if err := c.Reset(); err != nil {
				t.Fatal(err)
			}
		}
		// Postfix 3.7.11: 450 4.7.1 Error: too much mail from 127.0.0.1
		se := smtpErr(t, c.Mail("a@sender.test", nil))
		if se.Code != 450 || se.EnhancedCode != (smtp.EnhancedCode{4, 7, 1}) || se.Message != "Error: too much mail from 127.0.0.1" {
			t.Errorf("third MAIL: %d %v %q", se.Code, se.EnhancedCode, se.Message)
		}
	})
	// Postfix 3.7.11 refuses a connection over either limit with
	// 421 4.7.0 mta.test Error: too many connections from 127.0.0.1
	const tooMany = "421 4.7.0 mta.test Error: too many connections from 127.0.0.1\r\n"
	t.Run("connection count", func(t *testing.T) {
		p := StartPostfix(t, PostfixOptions{ConnectionCountLimit: 1})
		first := dialWire(t, p.Addr()) // holds the one connection allowed
		if got := greeting(t, p.Addr()); got != tooMany {
			t.Errorf("second connection: %q", got)
		}
		first.send("QUIT\r\n")
		first.expect(221)
	})
	t.Run("connection rate", func(t *testing.T) {
		p := StartPostfix(t, PostfixOptions{ConnectionRateLimit: 2})
		for i := 1; i <= 2; i++ {
			if got := greeting(t, p.Addr()); !strings.HasPrefix(got, "220 ") {
				t.Fatalf("connection %d: %q", i, got)
			}
		}
		if got := greeting(t, p.Addr()); got != tooMany {
			t.Errorf("third connection: %q", got)
		}
	})
}

// greeting connects to addr and returns the server's first line.
func greeting(t *testing.T, addr string) string {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(wait))
	line, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	return line
}

// startTLS dials addr, starts TLS with conf and completes the handshake
// (go-smtp's client shakes hands lazily, on the next command).
func startTLS(addr string, conf *tls.Config) (*smtp.Client, error) {
	c, err := smtp.DialStartTLS(addr, conf)
	if err != nil {
		return nil, err
	}
	if err := c.Hello("client.test"); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func TestPostfixSTARTTLS(t *testing.T) {
	p := StartPostfix(t, PostfixOptions{})
	t.Run("trusting the CA file", func(t *testing.T) {
		c, err := startTLS(p.Addr(), &tls.Config{RootCAs: caPool(t, p.CAFile)})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		state, ok := c.TLSConnectionState()
		if !ok || !state.HandshakeComplete || len(state.VerifiedChains) == 0 {
			t.Errorf("TLS state: ok=%v complete=%v chains=%d", ok, state.HandshakeComplete, len(state.VerifiedChains))
		}
		if err := c.Quit(); err != nil {
			t.Error(err)
		}
	})
	t.Run("with the system roots only", func(t *testing.T) {
		c, err := startTLS(p.Addr(), &tls.Config{})
		if err == nil {
			c.Close()
			t.Fatal("STARTTLS verified a certificate no system root signed")
		}
		var unknown x509.UnknownAuthorityError
		if !errors.As(err, &unknown) {
			t.Errorf("got %v, want an unknown-authority error", err)
		}
	})
}

// mailConn is a line-oriented IMAP or POP3 session.
type mailConn struct {
	t *testing.T
	c net.Conn
	r *bufio.Reader
}

func dialMail(t *testing.T, port int, tlsConf *tls.Config) *mailConn {
	t.Helper()
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	var conn net.Conn
	var err error
	if tlsConf != nil {
		conn, err = tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", addr, tlsConf)
	} else {
		conn, err = net.DialTimeout("tcp", addr, 5*time.Second)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(wait))
	return &mailConn{t: t, c: conn, r: bufio.NewReader(conn)}
}

// line reads one line; cmd sends one and reads lines until one starts
// with done, which it returns.
func (m *mailConn) line() string {
	m.t.Helper()
	l, err := m.r.ReadString('\n')
	if err != nil {
		m.t.Fatalf("reading: %v (got %q)", err, l)
	}
	return strings.TrimRight(l, "\r\n")
}

func (m *mailConn) cmd(line, done string) string {
	m.t.Helper()
	if _, err := m.c.Write([]byte(line + "\r\n")); err != nil {
		m.t.Fatal(err)
	}
	for {
		if l := m.line(); strings.HasPrefix(l, done) || strings.HasPrefix(l, "-ERR") || strings.HasPrefix(l, "a NO") || strings.HasPrefix(l, "a BAD") {
			return l
		}
	}
}

func TestDovecotIMAPAndPOP3(t *testing.T) {
	d := StartDovecot(t, DovecotOptions{Users: []MailUser{alice}})
	d.Deliver(t, alice.Name, message("sender@sender.test", alice.Name, "for pop3", "Hello."))
	trust := &tls.Config{RootCAs: caPool(t, d.CAFile)}
	t.Run("IMAP", func(t *testing.T) {
		m := dialMail(t, d.IMAPPort, nil)
		if g := m.line(); !strings.HasPrefix(g, "* OK ") || !strings.Contains(g, "STARTTLS") {
			t.Fatalf("greeting %q", g)
		}
		if got := m.cmd("a LOGIN "+alice.Name+" wrong", "a "); !strings.HasPrefix(got, "a NO ") {
			t.Errorf("LOGIN with a wrong password: %q", got)
		}
		if got := m.cmd("a LOGIN "+alice.Name+" "+alice.Password, "a "); !strings.HasPrefix(got, "a OK ") {
			t.Fatalf("LOGIN: %q", got)
		}
		// A copy saved to Sent, as a mail client does, shows in Messages.
		msg := message(alice.Name, bob.Name, "saved copy", "Kept in Sent.")
		if got := m.cmd(fmt.Sprintf("a APPEND Sent (\\Seen) {%d+}\r\n%s", len(msg), msg), "a "); !strings.HasPrefix(got, "a OK ") {
			t.Fatalf("APPEND: %q", got)
		}
		m.cmd("a LOGOUT", "a ")
		sent := d.Messages(t, alice.Name, "Sent")
		if len(sent) != 1 || !bytes.Equal(sent[0], msg) {
			t.Errorf("Sent holds %q, want the appended message", sent)
		}
	})
	t.Run("IMAPS", func(t *testing.T) {
		if g := dialMail(t, d.IMAPSPort, trust).line(); !strings.HasPrefix(g, "* OK ") {
			t.Errorf("greeting %q", g)
		}
	})
	t.Run("POP3", func(t *testing.T) {
		m := dialMail(t, d.POP3Port, nil)
		if g := m.line(); !strings.HasPrefix(g, "+OK") {
			t.Fatalf("greeting %q", g)
		}
		m.cmd("USER "+alice.Name, "+OK")
		if got := m.cmd("PASS "+alice.Password, "+OK"); !strings.HasPrefix(got, "+OK") {
			t.Fatalf("PASS: %q", got)
		}
		if got := m.cmd("STAT", "+OK"); !strings.HasPrefix(got, "+OK 1 ") {
			t.Errorf("STAT: %q, want one message", got)
		}
		m.cmd("QUIT", "+OK")
	})
	t.Run("POP3S", func(t *testing.T) {
		if g := dialMail(t, d.POP3SPort, trust).line(); !strings.HasPrefix(g, "+OK") {
			t.Errorf("greeting %q", g)
		}
	})
}

// Each server's whole process group is gone once its test ended.
func TestMTAProcessesEndWithTheTest(t *testing.T) {
	var pids []int
	t.Run("run", func(t *testing.T) {
		p, d := startMTA(t)
		c, err := smtp.Dial(p.Addr()) // makes Postfix start smtpd, cleanup, lmtp...
		if err != nil {
			t.Fatal(err)
		}
		if err := c.SendMail(bob.Name, []string{alice.Name}, bytes.NewReader(message(bob.Name, alice.Name, "x", "y"))); err != nil {
			t.Fatal(err)
		}
		c.Close()
		d.WaitMessages(t, alice.Name, "INBOX", 1, wait)
		pids = []int{p.pid, d.pid}
		for _, pid := range pids {
			if n := len(groupMembers(pid)); n < 2 {
				t.Errorf("group %d has %d processes, want a master and children", pid, n)
			}
		}
	})
	for _, pid := range pids {
		if left := groupMembers(pid); len(left) > 0 {
			t.Errorf("processes %v of group %d outlived the test", left, pid)
		}
	}
}
