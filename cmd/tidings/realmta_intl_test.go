package main

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestRealMTASMTPUTF8 sends to a recipient whose local part is not ASCII
// (用户@example.test, RFC 6531) beside an ASCII one. Postfix with SMTPUTF8
// takes both (and the ASCII one arrives intact in Dovecot); through a Postfix without it
// (smtputf8_enable = no) the run stops with exit 2 before anything is
// sent, naming SMTPUTF8 and the row, rather than sending the ASCII row and
// failing the other.
func TestRealMTASMTPUTF8(t *testing.T) {
	t.Parallel()
	users := []smtptest.MailUser{{Name: "ascii@" + mtaDomain, Password: "secret"}, {Name: "用户@" + mtaDomain, Password: "secret"}}
	rcpts := userNames(users)
	t.Run("offered", func(t *testing.T) {
		p, d := startMTA(t, users, smtptest.PostfixOptions{})
		camp := mtaCampaign(t, p.SMTPPort, rcpts, ", security: none", "send: {concurrency: 1}")
		out, errOut, code := runCLI(t, "send", "--yes", camp)
		if code != exitOK {
			t.Fatalf("send: code %d\n%s%s", code, out, errOut)
		}
		checkReport(t, camp, 2, "sent", "1")
		p.WaitQueueEmpty(t, mtaWait)
		// Dovecot 2.3's LMTP offers no SMTPUTF8, so Postfix bounces the
		// message to 用户 on its way there: only the ASCII one can arrive.
		checkMailboxes(t, d, rcpts[:1], spooled(t, camp))
	})
	t.Run("not offered", func(t *testing.T) {
		p, d := startMTA(t, users, smtptest.PostfixOptions{Main: map[string]string{"smtputf8_enable": "no"}})
		camp := mtaCampaign(t, p.SMTPPort, rcpts, ", security: none", "send: {concurrency: 1}")
		out, errOut, code := runCLI(t, "send", "--yes", camp)
		if code != exitUnusable || !strings.Contains(errOut, "SMTPUTF8") || !strings.Contains(errOut, "row 3") {
			t.Fatalf("send: code %d, want %d naming SMTPUTF8 and row 3\n%s%s", code, exitUnusable, out, errOut)
		}
		for _, u := range rcpts {
			if got := d.Messages(t, u, "INBOX"); len(got) != 0 {
				t.Errorf("%s got %d messages, want none", u, len(got))
			}
		}
	})
}
