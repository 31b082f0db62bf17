package smtptest_test

import (
	"net/http"
	"testing"

	"github.com/emersion/go-smtp"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSMTPCommandsNotAProbe: an HTTP readiness probe to the server's port
// (another test's, polling a port it freed, which the server's
// 127.0.0.1:0 was given) is a connection (Connections) but no SMTP
// command (SMTPCommands); a mail client's EHLO and QUIT are. A test that
// asks whether a command connected at all reads SMTPCommands. (The
// hostile-input test read Connections and failed once so under load.)
func TestSMTPCommandsNotAProbe(t *testing.T) {
	srv := smtptest.NewServer(t)
	if resp, err := http.Get("http://" + srv.Addr + "/readyz"); err == nil {
		resp.Body.Close()
	}
	if c, n := srv.Connections(), srv.SMTPCommands(); c != 1 || n != 0 {
		t.Errorf("after an HTTP probe: %d connections, %d SMTP commands; want 1 and 0", c, n)
	}
	c, err := smtp.Dial(srv.Addr)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Hello("client.example"); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
	if n := srv.SMTPCommands(); n != 2 {
		t.Errorf("after EHLO and QUIT: %d SMTP commands, want 2", n)
	}
}
