package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestBouncesUnopenablePOP3: Dovecot answers RETR of a message whose
// file it cannot open (here a link to itself; after a restore as root,
// its owner or permissions) "-ERR Message 2 expunged.", as of one
// another client took out since the session began, and lists it again
// in the next session. Read as gone (6a739e8), the bounce was passed
// over every run, nothing said but "1 other left alone", exit 0: the
// cron job's owner never learnt of it. Asked for once more on a new
// session, which lists it again and gets the same answer, it is
// unreadable, saying why, exit 1; that cost every run two sessions and
// exit 1 for good (rev-bounce9): counted as a dropped message is, it is
// passed over unread from the third run, one session, no RETR, exit 0.
// Dovecot locks the maildrop for one session (pop3_lock_session): the
// session left for the new one ends with QUIT, and lets go of it.
func TestBouncesUnopenablePOP3(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}, Settings: "pop3_lock_session = yes\n"})
	camp, p := slowCampaign(t, d, "pop3", 0, "10s")
	for _, r := range fiveBounces(t, camp)[:4] {
		d.Deliver(t, bounceUser, r)
	}
	// A Maildir message's GUID is its file's name.
	guid := strings.TrimSpace(strings.TrimPrefix(d.Doveadm(t, "fetch", "-u", bounceUser, "guid", "mailbox", "INBOX", "uid", "2"), "guid:"))
	f := filepath.Join(filepath.Dir(d.CAFile), "home", bounceUser, "Maildir", "new", guid)
	if err := os.Remove(f); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Base(f), f); err != nil {
		t.Fatal(err)
	}
	for run := 1; run <= 2; run++ {
		out, errOut, code := runCLI(t, "bounces", camp)
		if code != exitSomeFailed || !strings.Contains(out, "1 unreadable") || !strings.Contains(out, "(-ERR Message 2 expunged.), but lists it on a new session too: it cannot give it") {
			t.Fatalf("run %d: exit %d, want %d, message 2 unreadable\n%s%s", run, code, exitSomeFailed, out, errOut)
		}
		if strings.Contains(out, `(subject "")`) {
			t.Errorf("run %d names an empty Subject for one the server did not give\n%s", run, out)
		}
		if n := acceptedSince(p); n != 2 {
			t.Errorf("run %d: %d sessions, want 2: the run's, and the one message 2 was asked for again on", run, n)
		}
	}
	// From then on it is passed over unread, as a message that cut the
	// connection in two runs is: one session a run, no RETR of it, exit 0.
	for run := 3; run <= 4; run++ {
		var asked atomic.Bool
		p.beforeCommand("RETR 2\r\n", func() { asked.Store(true) })
		out, errOut, code := runCLI(t, "bounces", camp)
		if code != exitOK || !strings.Contains(out, "1 passed over unread") || !strings.Contains(out, "passed over unread: the server says it is not there but lists it, in 2 runs") {
			t.Fatalf("run %d: exit %d, want %d, message 2 passed over unread\n%s%s", run, code, exitOK, out, errOut)
		}
		if n := acceptedSince(p); n != 1 || asked.Load() {
			t.Errorf("run %d: %d sessions, RETR 2 sent: %v; want 1 session, no RETR 2", run, n, asked.Load())
		}
	}
}

// acceptedSince is how many connections the proxy accepted since it was
// last drained.
func acceptedSince(p *slowProxy) int {
	for n := 0; ; n++ {
		select {
		case <-p.accepted:
		default:
			return n
		}
	}
}

// TestBouncesExpungedMeanwhilePOP3: another client takes message 2 out
// of the maildrop between the run's UIDL and its RETR (the proxy runs
// doveadm expunge before that RETR reaches Dovecot, which answers "-ERR
// Message 2 expunged."): the new session it is asked for on once more
// does not list it, and it is passed over, nothing said, exit 0, the
// others read.
func TestBouncesExpungedMeanwhilePOP3(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "pop3", 0, "10s")
	for _, r := range fiveBounces(t, camp)[:4] {
		d.Deliver(t, bounceUser, r)
	}
	p.beforeCommand("RETR 2\r\n", func() { d.Doveadm(t, "expunge", "-u", bounceUser, "mailbox", "INBOX", "uid", "2") })
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitOK || feedbackRecords(t, camp) != 3 || !strings.Contains(out, "0 unreadable") {
		t.Errorf("exit %d, %d feedback records, want %d and 3, message 2 passed over\n%s%s", code, feedbackRecords(t, camp), exitOK, out, errOut)
	}
	if n := len(p.accepted); n != 2 {
		t.Errorf("%d sessions, want 2: the run's, and the one message 2 was asked for again on", n)
	}
}

// beforeCommand makes the proxy run fn, once, before the first command
// holding marker reaches the server: another client acting on the
// mailbox meanwhile, the session going on.
func (p *slowProxy) beforeCommand(marker string, fn func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.before, p.beforeFn = []byte(marker), fn
}

// runBefore runs what beforeCommand set when b holds its marker, once.
func (p *slowProxy) runBefore(b []byte) {
	p.mu.Lock()
	fn := p.beforeFn
	if fn == nil || !bytes.Contains(b, p.before) {
		p.mu.Unlock()
		return
	}
	p.beforeFn = nil
	p.mu.Unlock()
	fn()
}
