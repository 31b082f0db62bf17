package main

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestBouncesSteadySessions: a cron job runs bounces every ten minutes
// over POP3 on Dovecot locking the maildrop for one session at a time
// (pop3_lock_session), no new mail coming: once the runs that find a
// damaged message are over, each run opens one session, whatever state
// its message was left in: none damaged, one whose RETR the server cuts
// (dropped), one whose LIST n, RETR and TOP n 0 it cuts too (dropped,
// its size not known), and exits 0: also when the server cuts the
// session its header is asked for on too (Dovecot on a message file it
// cannot read), which cost every run four sessions (six, its size not
// known) and exit 1 for good. (Its size and header not known, the run
// after the two reads it once more, for want of a digest: that one
// opens six.)
func TestBouncesSteadySessions(t *testing.T) {
	for _, c := range []struct {
		name string
		cuts []string
	}{
		{"healthy", nil},
		{"dropped", []string{"RETR 2\r\n"}},
		{"unsized", []string{"LIST\r\n", "LIST 2\r\n", "RETR 2\r\n"}},
		{"unsized-head", []string{"LIST\r\n", "LIST 2\r\n", "RETR 2\r\n", "TOP 2 0\r\n"}},
		{"dropped-head", []string{"RETR 2\r\n", "TOP 2 0\r\n"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}, Settings: "pop3_lock_session = yes\n"})
			camp, p := slowCampaign(t, d, "pop3", 0, "20s")
			for _, r := range fiveBounces(t, camp)[:4] {
				d.Deliver(t, bounceUser, r)
			}
			if c.cuts == nil {
				if out, errOut, code := runCLI(t, "bounces", camp); code != exitOK {
					t.Fatalf("run 1: exit %d\n%s%s", code, out, errOut)
				}
			} else {
				cutTwice(t, p, camp, c.cuts)
			}
			for run := 3; run <= 5; run++ {
				acceptedSince(p)
				p.armCut(c.cuts...)
				out, errOut, code := runCLI(t, "bounces", camp)
				n := acceptedSince(p)
				t.Logf("run %d: %d sessions, exit %d\n%s", run, n, code, out)
				if c.name == "unsized-head" && run == 3 {
					continue
				}
				if code != exitOK || n != 1 || strings.Contains(out, "unreadable:") {
					t.Errorf("run %d: exit %d, %d sessions; want %d, 1\n%s%s", run, code, n, exitOK, out, errOut)
				}
			}
		})
	}
}
