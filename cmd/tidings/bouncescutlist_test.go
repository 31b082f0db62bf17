package main

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// drainAccepted empties p's count of connections accepted.
func drainAccepted(p *slowProxy) {
	for {
		select {
		case <-p.accepted:
		default:
			return
		}
	}
}

// TestBouncesCutListLastIMAP: the message whose size the server cannot
// work out is the last one listed (message 5 of 5). The halving opened a
// new session before each half, even after the other half was listed on
// a live one, and left the session the last cut closed in place, so the
// first message read went to a closed connection and on a new session
// again: 10 sessions. A new session is opened after each cut only: the
// first, one after each of the listing's 4 cuts (1:5, 3:5, 4:5, 5), and
// message 5's two (asked again, then its header): 7; the four others are
// read, and a healthy run after is one session.
func TestBouncesCutListLastIMAP(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "imap", 0, "10s")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	drainAccepted(p)
	p.armCut("UID FETCH 1:5 (UID RFC822.SIZE FLAGS)", "UID FETCH 3:5 (UID RFC822.SIZE FLAGS)", "UID FETCH 4:5 (UID RFC822.SIZE FLAGS)", "UID FETCH 5 (UID RFC822.SIZE FLAGS)", "UID FETCH 5 (UID RFC822.SIZE)")
	out, errOut, code := runCLI(t, "bounces", camp)
	sessions := len(p.accepted)
	if code != exitSomeFailed || !strings.Contains(out, "message 5 (size not known") {
		t.Fatalf("exit %d, want %d, message 5's size not known\n%s%s", code, exitSomeFailed, out, errOut)
	}
	for _, id := range []string{"message 1 ", "message 2 ", "message 3 ", "message 4 "} {
		if strings.Contains(out+errOut, id) {
			t.Errorf("the run names %s\n%s%s", id, out, errOut)
		}
	}
	if n := feedbackRecords(t, camp); n != 4 {
		t.Errorf("journal has %d feedback records, want 4", n)
	}
	if sessions != 7 {
		t.Errorf("the run opened %d sessions, want 7", sessions)
	}
	p.armCut()
	drainAccepted(p)
	if out, errOut, code := runCLI(t, "bounces", camp); code != exitOK || len(p.accepted) != 1 {
		t.Errorf("healthy again: exit %d, %d sessions, want %d and 1\n%s%s", code, len(p.accepted), exitOK, out, errOut)
	}
}

// TestBouncesCutListReadPOP3: a message whose LIST n cut the connection
// but whose RETR on a new session did not (a server that cannot work out
// its size alone) is read; its size not known was written to
// bounces.read as "uidl ID -1", a line the next run refused to load.
// The next run loads the file, skips the five read, and exits 0.
func TestBouncesCutListReadPOP3(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "pop3", 0, "10s")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	p.armCut("LIST\r\n", "LIST 2\r\n")
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitOK || feedbackRecords(t, camp) != 5 {
		t.Fatalf("run 1: exit %d, %d feedback records, want %d and 5\n%s%s", code, feedbackRecords(t, camp), exitOK, out, errOut)
	}
	out, errOut, code = runCLI(t, "bounces", camp)
	if code != exitOK || !strings.Contains(out, "5 skipped") {
		t.Fatalf("run 2: exit %d, want %d, the five skipped\n%s%s", code, exitOK, out, errOut)
	}
}

// TestBouncesCutListExpungedPOP3: another client takes message 1 out of
// the maildrop while the sizes are asked for apart (between the cut of
// LIST 2 and the next session). The new session's message numbers are
// not the last one's: LIST n asked for the message after the one meant,
// and for a number past the last, which the server refused, exit 2. The
// new session's numbers are asked for (UIDL): the four messages left
// are listed and read (message 1, listed before, is gone when read, as
// any message taken out while a run reads).
func TestBouncesCutListExpungedPOP3(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "pop3", 0, "10s")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	p.armCut("LIST\r\n", "LIST 2\r\n")
	p.afterCut(func() {
		if p.hitCount() == 2 {
			p.armCut()
			expungeFirst(t, d)
		}
	})
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitOK || !strings.Contains(out, "4 matched this campaign (4 bounced; 4 new), 0 unreadable") || strings.Contains(out, "ann@example.org") {
		t.Fatalf("exit %d, want %d, the four left read\n%s%s", code, exitOK, out, errOut)
	}
	if n := feedbackRecords(t, camp); n != 4 {
		t.Errorf("journal has %d feedback records, want 4", n)
	}
}

// expungeFirst takes message 1 out of Dovecot d's INBOX, as another
// client would.
func expungeFirst(t *testing.T, d *smtptest.Dovecot) {
	c, err := client.Dial(net.JoinHostPort("127.0.0.1", strconv.Itoa(d.IMAPPort)))
	if err != nil {
		t.Error(err)
		return
	}
	defer c.Logout()
	set := new(imap.SeqSet)
	set.AddNum(1)
	for _, err := range []func() error{
		func() error { return c.Login(bounceUser, bouncePass) },
		func() error { _, err := c.Select("INBOX", false); return err },
		func() error {
			return c.Store(set, imap.FormatFlagsOp(imap.AddFlags, true), []any{imap.DeletedFlag}, nil)
		},
		func() error { return c.Expunge(nil) },
	} {
		if err := err(); err != nil {
			t.Error(err)
			return
		}
	}
}

// TestBouncesCutListEvery: a server that closes the connection on every
// size asked for (a restart on each, or a folder it cannot list) was
// asked for each on a new session: about two per message over IMAP, one
// over POP3, 70 messages listed with their sizes not known. The listing
// stops after 64 new sessions in a row with no size listed, exit 2,
// saying why (over POP3 it said "mailbox: mailbox:").
func TestBouncesCutListEvery(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ protocol, cut string }{
		{"imap", "RFC822.SIZE FLAGS)"},
		{"pop3", "LIST"},
	} {
		t.Run(c.protocol, func(t *testing.T) {
			d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
			camp, p := slowCampaign(t, d, c.protocol, 0, "10s")
			for range 14 {
				for _, r := range fiveBounces(t, camp) {
					d.Deliver(t, bounceUser, r)
				}
			}
			drainAccepted(p)
			p.armCut(c.cut)
			out, errOut, code := runCLI(t, "bounces", camp)
			if code != exitUnusable || !strings.Contains(errOut, "tidings: mailbox: the server closed the connection on 64 sessions in a row while the sizes were asked for apart") || len(p.accepted) != 65 {
				t.Fatalf("exit %d, %d sessions, want %d, 65 and the listing stopped, said once\n%s%s", code, len(p.accepted), exitUnusable, out, errOut)
			}
		})
	}
}

// TestBouncesCutListRetryCap: a listing the server cut where it names no
// message (here on the 31st session, the sizes cut on every one: POP3's
// UIDL, IMAP's SELECT) is asked for again on a new session, and that
// second listing counted its new sessions from none: 30 before the cut,
// 1 for the retry, 64 more, 96 sessions where the cap is 64 in a row.
// The retry goes on with the first listing's count: 65 sessions, as for
// a listing cut on every size alone (TestBouncesCutListEvery), exit 2.
func TestBouncesCutListRetryCap(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ protocol, cut, once string }{
		{"pop3", "LIST", "UIDL"},
		{"imap", "RFC822.SIZE FLAGS)", "SELECT"},
	} {
		t.Run(c.protocol, func(t *testing.T) {
			d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
			camp, p := slowCampaign(t, d, c.protocol, 0, "10s")
			for range 14 {
				for _, r := range fiveBounces(t, camp) {
					d.Deliver(t, bounceUser, r)
				}
			}
			drainAccepted(p)
			p.afterCut(func() {
				switch p.hitCount() {
				case 30:
					p.armCut(c.cut, c.once)
				case 31:
					p.armCut(c.cut)
				}
			})
			p.armCut(c.cut)
			out, errOut, code := runCLI(t, "bounces", camp)
			if code != exitUnusable || !strings.Contains(errOut, "tidings: mailbox: the server closed the connection on 64 sessions in a row while the sizes were asked for apart") || len(p.accepted) != 65 {
				t.Fatalf("exit %d, %d sessions, want %d, 65 and the listing stopped\n%s%s", code, len(p.accepted), exitUnusable, out, errOut)
			}
		})
	}
}

// TestBouncesCutListFewDamagedIMAP: the halving costs a new session for
// each range holding a message whose size FETCH cuts, about 15 for one
// message of 10,000, so five such messages in a mailbox of 10,000 made a
// run open more than 64 sessions and stop, exit 2, and every run after,
// the damaged messages staying in the mailbox; here 17 of 70 (every
// fourth) cost 68. A server that cuts on every size lists nothing
// between its cuts; this one lists the others between them: the listing
// goes on, the 17 listed with their sizes not known, and read (their
// FETCH of the message does not cut).
func TestBouncesCutListFewDamagedIMAP(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "imap", 0, "10s")
	for range 14 {
		for _, r := range fiveBounces(t, camp) {
			d.Deliver(t, bounceUser, r)
		}
	}
	drainAccepted(p)
	var bad []uint32
	for uid := uint32(4); uid <= 70; uid += 4 {
		bad = append(bad, uid)
	}
	markers := halvingCuts(1, 70, bad)
	p.armCut(markers...)
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitOK || len(p.accepted) != 69 || !strings.Contains(out, "70 messages in the mailbox: 70 matched") {
		t.Fatalf("exit %d, %d sessions, want %d, 69 (the first, 68 for the listing) and all 70 read\n%s%s", code, len(p.accepted), exitOK, out, errOut)
	}
}

// halvingCuts is the FETCH commands of sizes over lo:hi and its halves,
// as the listing asks them, that hold one of bad.
func halvingCuts(lo, hi uint32, bad []uint32) []string {
	if !slices.ContainsFunc(bad, func(u uint32) bool { return u >= lo && u <= hi }) {
		return nil
	}
	set := strconv.FormatUint(uint64(lo), 10)
	if hi > lo {
		set += ":" + strconv.FormatUint(uint64(hi), 10)
	}
	cuts := []string{"UID FETCH " + set + " (UID RFC822.SIZE FLAGS)"}
	if hi == lo {
		return cuts
	}
	mid := lo + (hi-lo+1)/2
	return append(append(cuts, halvingCuts(lo, mid-1, bad)...), halvingCuts(mid, hi, bad)...)
}

// TestBouncesCutListThirdRunFree: once bounces.read holds a message as
// dropped with its size not known (its size cut the connection in two
// runs), every later run still asked for its size: over IMAP by the
// halving, a new session a cut (4 here for 5 messages, about 15 in
// 10,000), over POP3 by a cut LIST, a new session and a LIST n for every
// message (10,000 at a 50 ms round trip: 8 minutes). The third run lists
// it with its size not known without asking: one session, no command the
// proxy would cut, no LIST of all over POP3 (the sizes of the others
// asked for pipelined, TestBouncesCutListUIDLGivenAgain).
func TestBouncesCutListThirdRunFree(t *testing.T) {
	for _, c := range []struct {
		protocol string
		cuts     []string
		asked    string // a command the third run does not send
	}{
		{"imap", []string{"UID FETCH 1:5 (UID RFC822.SIZE FLAGS)", "UID FETCH 1:2 (UID RFC822.SIZE FLAGS)", "UID FETCH 2 (UID RFC822.SIZE FLAGS)", "UID FETCH 2 (UID RFC822.SIZE)"}, "UID FETCH 2 "},
		{"pop3", []string{"LIST\r\n", "LIST 2\r\n", "RETR 2\r\n"}, "LIST\r\n"},
	} {
		t.Run(c.protocol, func(t *testing.T) {
			d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
			camp, p := slowCampaign(t, d, c.protocol, 0, "10s")
			for _, r := range fiveBounces(t, camp) {
				d.Deliver(t, bounceUser, r)
			}
			cutTwice(t, p, camp, c.cuts)
			drainAccepted(p)
			hits := p.hitCount()
			p.armCut(append(c.cuts, c.asked)...)
			out, errOut, code := runCLI(t, "bounces", camp)
			if code != exitOK || !strings.Contains(out, "(size not known, ") || !strings.Contains(out, "passed over unread") {
				t.Fatalf("run 3: exit %d, want %d, the message passed over unread\n%s%s", code, exitOK, out, errOut)
			}
			if n, cut := len(p.accepted), p.hitCount()-hits; n != 1 || cut != 0 {
				t.Errorf("run 3 opened %d sessions and sent %d commands the proxy cut, want 1 and none\n%s%s", n, cut, out, errOut)
			}
		})
	}
}

// TestBouncesCutListSizesKept: over POP3, with a message bounces.read
// holds as dropped with its size not known in the maildrop, the sizes of
// the others are those bounces.read keeps, the messages read having
// theirs. Those remembered without one (a file written before sizes were
// kept, as here) were asked for apart (LIST n) by every run, their sizes
// never kept: 10,000 of them at a 50 ms round trip, 8 minutes a run, for
// good, on a server without PIPELINING (the proxy hides Dovecot's). The
// run that asks for them keeps the sizes, and the next asks for none.
func TestBouncesCutListSizesKept(t *testing.T) {
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "pop3", 0, "10s")
	p.rewrites("PIPELINING", "NOPIPE")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	cuts := []string{"LIST\r\n", "LIST 2\r\n", "RETR 2\r\n"}
	cutTwice(t, p, camp, cuts)
	path := filepath.Join(filepath.Dir(camp), ".tidings", "t", "bounces.read")
	sized := regexp.MustCompile(`(?m)^(uidl|stay) (\S+) \d+$`)
	if err := os.WriteFile(path, sized.ReplaceAll([]byte(readFile(t, path)), []byte("$1 $2")), 0o600); err != nil {
		t.Fatal(err)
	}
	for run := 3; run <= 4; run++ {
		hits := p.hitCount()
		p.armCut(cuts...)
		if run == 4 {
			p.armCut(append(cuts, "LIST ")...)
		}
		out, errOut, code := runCLI(t, "bounces", camp)
		if code != exitOK || p.hitCount() != hits {
			t.Errorf("run %d: exit %d, %d commands cut, want %d and none (run 4 sends no LIST)\n%s%s", run, code, p.hitCount()-hits, exitOK, out, errOut)
		}
	}
}

// TestBouncesCutListUIDLGivenAgain: over POP3, with a message bounces.read
// holds as dropped with its size not known in the maildrop (no LIST of
// all, which it would cut), the sizes of the messages read were those
// bounces.read kept, so a unique-id given again to another message
// (against RFC 1939: a backup restored, here the proxy renaming message
// 5 to gone message 4) was taken for the message read under it, whatever
// its size: its report skipped unread for good, exit 0. The sizes are
// asked for, pipelined (Dovecot offers PIPELINING): the message, of
// another size, is read and its report recorded; a pipeline cut falls
// back, on a new session, to the sizes kept.
func TestBouncesCutListUIDLGivenAgain(t *testing.T) {
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "pop3", 0, "10s")
	reports := fiveBounces(t, camp)
	for _, r := range reports[:4] {
		d.Deliver(t, bounceUser, r)
	}
	cuts := []string{"LIST\r\n", "LIST 2\r\n", "RETR 2\r\n"}
	cutTwice(t, p, camp, cuts)
	// Dovecot's unique-ids are the UID and the UIDVALIDITY, 8 hex digits
	// each.
	m := regexp.MustCompile(`(?m)^uidl 00000004([0-9a-f]{8}) `).FindStringSubmatch(readFile(t, filepath.Join(filepath.Dir(camp), ".tidings", "t", "bounces.read")))
	if m == nil {
		t.Fatal("bounces.read does not hold message 4")
	}
	d.Doveadm(t, "expunge", "-u", bounceUser, "mailbox", "INBOX", "uid", "4")
	d.Deliver(t, bounceUser, append([]byte("X-Pad: "+strings.Repeat("x", 300)+"\r\n"), reports[4]...))
	p.rewrites("00000005"+m[1], "00000004"+m[1])
	p.armCut(cuts...)
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitOK || feedbackRecords(t, camp) != 4 || !strings.Contains(out, "1 matched this campaign (1 bounced; 1 new)") {
		t.Errorf("run 3: exit %d, %d feedback records, want %d and 4, the report under the unique-id given again read\n%s%s", code, feedbackRecords(t, camp), exitOK, out, errOut)
	}
	// The pipeline cut (a server restarting): a new session, the sizes
	// bounces.read keeps, the run as before.
	hits := p.hitCount()
	p.armCut(append(cuts, "LIST 1\r\n")...)
	out, errOut, code = runCLI(t, "bounces", camp)
	if code != exitOK || p.hitCount() != hits+1 || !strings.Contains(out, "4 messages in the mailbox, 3 skipped (read by earlier runs)") {
		t.Errorf("run 4, its pipeline cut: exit %d, %d commands cut, want %d and 1, the 3 read skipped\n%s%s", code, p.hitCount()-hits, exitOK, out, errOut)
	}
}

// cutTwice runs tidings bounces on camp twice, p cutting the connection
// at each of cuts (commands that read message 2, or its size): each run
// exits 1, and message 2 is skipped from then on.
func cutTwice(t *testing.T, p *slowProxy, camp string, cuts []string) {
	t.Helper()
	for run := 1; run <= 2; run++ {
		p.armCut(cuts...)
		if out, errOut, code := runCLI(t, "bounces", camp); code != exitSomeFailed {
			t.Fatalf("run %d: exit %d, want %d\n%s%s", run, code, exitSomeFailed, out, errOut)
		}
	}
}
