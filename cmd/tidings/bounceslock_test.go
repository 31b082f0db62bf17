package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestBouncesCutPOP3Locked: a POP3 server that locks the maildrop for one
// session at a time (Dovecot with pop3_lock_session) and has not noticed
// that the session a message cut short is gone (the proxy holds its side
// open) refuses the new session the run passes the message over on: after
// some 10s with "-ERR [IN-USE]", which bounces told as a login refused,
// bidding the user check mailbox.username and the password; or, with a
// shorter mailbox.timeout, not at all, told as a bare i/o timeout at
// AUTH. The run stops (exit 2) saying the maildrop is still locked for
// the session cut short, and does not count the message: once the server
// let go, the next run tries it again as for the first time.
func TestBouncesCutPOP3Locked(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ timeout, want string }{
		{"20s", "the maildrop is locked by another POP3 session (server replied -ERR [IN-USE] Mailbox is locked by another POP3 session.): not a login problem; it passes once the server ends that session (the server still holds the maildrop for the session cut short, not having noticed it is gone); this does not count against the message: the next run tries it again"},
		{"2s", "i/o timeout (a POP3 server that locks the maildrop for one session at a time may still hold it for the session cut short, and keep the login waiting); this does not count against the message: the next run tries it again"},
	} {
		d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}, Settings: "pop3_lock_session = yes\n"})
		camp, p := slowCampaign(t, d, "pop3", 0, c.timeout)
		for _, r := range fiveBounces(t, camp) {
			d.Deliver(t, bounceUser, r)
		}
		p.holds()
		p.armCut("RETR 2\r\n")
		out, errOut, code := runCLI(t, "bounces", camp)
		if code != exitUnusable || !strings.Contains(errOut, c.want) || strings.Contains(errOut, "password") {
			t.Fatalf("timeout %s: exit %d, want %d, saying %q\n%s%s", c.timeout, code, exitUnusable, c.want, out, errOut)
		}
		p.release()
		out, errOut, code = runCLI(t, "bounces", camp)
		if code != exitSomeFailed || !strings.Contains(out, "; passed over, on a new session: the next run tries it once more, and skips it from then on if it cuts the connection again") {
			t.Fatalf("timeout %s, the lock let go: exit %d, want %d, the cut counted once\n%s%s", c.timeout, code, exitSomeFailed, out, errOut)
		}
	}
}

// TestBouncesCutInterruptedReopening: Ctrl-C while the run opens the new
// session it passes a cut message over on (its POP3 login waiting on the
// lock the session cut short still holds) ends the run as every
// interrupted command ends, exit 130, not as a run stopped by its
// mailbox (exit 2).
func TestBouncesCutInterruptedReopening(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}, Settings: "pop3_lock_session = yes\n"})
	camp, p := slowCampaign(t, d, "pop3", 0, "20s")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	p.holds()
	p.armCut("RETR 2\r\n")
	ctx, cancel := context.WithCancelCause(t.Context())
	go func() {
		<-p.accepted // the run's session
		<-p.accepted // the new one, its login held by the lock
		cancel(errInterrupted)
	}()
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	err := execute(ctx, g, []string{"bounces", camp})
	if code := exitCode(err); code != exitInterrupted {
		t.Fatalf("exit %d, want %d (%v)\n%s%s", code, exitInterrupted, err, out.String(), errOut.String())
	}
	p.release()
}

// TestBouncesCutReopenMaxTime: when --max-time ran out while the run
// opened the new session it passes a cut message over on (its POP3 login
// waiting on the lock the session cut short still holds), the stopped
// run's line lost --max-time's advice to give the run more time, the
// error of the new session hiding its cause. With --delete (the report
// read not deleted either: the lock holds), it names the limit and gives
// the advice.
func TestBouncesCutReopenMaxTime(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}, Settings: "pop3_lock_session = yes\n"})
	camp, p := slowCampaign(t, d, "pop3", 0, "6s")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	p.holds()
	defer p.release()
	p.armCut("RETR 2\r\n")
	out, errOut, code := runCLI(t, "bounces", "--delete", "--max-time", "4s", camp)
	if code != exitUnusable || !strings.Contains(errOut, "(--max-time) too: when they fill it, give one run more time") {
		t.Fatalf("exit %d, want %d, the advice to give the run more time\n%s%s", code, exitUnusable, out, errOut)
	}
}

// TestBouncesCutListInterrupted: Ctrl-C while the run asks for the sizes
// apart on a new session, after the listing's size FETCH (IMAP) or LIST
// (POP3) was cut (the new session's FETCH, or LIST 1, held by the proxy),
// ends the run as every interrupted command ends, exit 130.
func TestBouncesCutListInterrupted(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ protocol, cut, held string }{
		{"imap", "UID FETCH 1:5 (UID RFC822.SIZE FLAGS)", "UID FETCH 1:2 (UID RFC822.SIZE FLAGS)"},
		{"pop3", "LIST\r\n", "LIST 1\r\n"},
	} {
		t.Run(c.protocol, func(t *testing.T) {
			d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
			camp, p := slowCampaign(t, d, c.protocol, 0, "20s")
			for _, r := range fiveBounces(t, camp) {
				d.Deliver(t, bounceUser, r)
			}
			p.armCut(c.cut)
			p.stall(c.held)
			ctx, cancel := context.WithCancelCause(t.Context())
			go func() {
				<-p.accepted // the run's session
				<-p.accepted // the new one, its size command held
				cancel(errInterrupted)
			}()
			var out, errOut bytes.Buffer
			g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
			err := execute(ctx, g, []string{"bounces", camp})
			if code := exitCode(err); code != exitInterrupted {
				t.Fatalf("exit %d, want %d (%v)\n%s%s", code, exitInterrupted, err, out.String(), errOut.String())
			}
		})
	}
}
