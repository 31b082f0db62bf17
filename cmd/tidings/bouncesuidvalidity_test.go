package main

import (
	"os"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestBouncesCutListUIDValidity: a message bounces.read holds as dropped
// with its size not known (its size cut the connection in two runs) is
// listed without asking for its size (mailbox.Known) by UID. The folder
// deleted and made anew (another UIDVALIDITY) holds other messages under
// the same UIDs: the run forgets what it held, saying why, and reads them
// all, the new message 2 too, none passed over unread (no change in
// behaviour: a guard on mailbox.Known).
func TestBouncesCutListUIDValidity(t *testing.T) {
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "imap", 0, "10s")
	b := readFile(t, camp)
	if err := os.WriteFile(camp, []byte(strings.Replace(b, "timeout: 10s}", "timeout: 10s, folder: Bounces}", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	fill := func() {
		d.Doveadm(t, "mailbox", "create", "-u", bounceUser, "Bounces")
		for _, r := range fiveBounces(t, camp) {
			d.Deliver(t, bounceUser, r)
		}
		d.Doveadm(t, "move", "-u", bounceUser, "Bounces", "mailbox", "INBOX", "all")
	}
	fill()
	cuts := []string{"UID FETCH 1:5 (UID RFC822.SIZE FLAGS)", "UID FETCH 1:2 (UID RFC822.SIZE FLAGS)", "UID FETCH 2 (UID RFC822.SIZE FLAGS)", "UID FETCH 2 (UID RFC822.SIZE)"}
	for run := 1; run <= 2; run++ {
		p.armCut(cuts...)
		if out, errOut, code := runCLI(t, "bounces", camp); code != exitSomeFailed {
			t.Fatalf("run %d: exit %d, want %d\n%s%s", run, code, exitSomeFailed, out, errOut)
		}
	}
	d.Doveadm(t, "mailbox", "delete", "-u", bounceUser, "Bounces")
	fill()
	p.arm("")
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitOK || !strings.Contains(out, "the folder's UIDVALIDITY changed") || strings.Contains(out, "passed over unread") || feedbackRecords(t, camp) != 5 {
		t.Errorf("the folder made anew: exit %d, %d feedback records, want %d and 5, UIDVALIDITY's change said, none passed over unread\n%s%s", code, feedbackRecords(t, camp), exitOK, out, errOut)
	}
}
