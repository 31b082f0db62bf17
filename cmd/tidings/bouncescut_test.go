package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// cutRuns runs bounces (args) three times on camp, the proxy p cutting
// the connection when the command holding markers[i] passes in run i
// (the second message's fetch), and checks what each says: the first two
// pass it over on a new session and read the others (exit 1: it is
// unreadable), first of 5 messages, then second; the third skips it
// unread without asking for it (exit 0), naming it. Each of the first
// two asks for it twice: once more on a new session after the first cut.
func cutRuns(t *testing.T, p *slowProxy, markers [3]string, camp, first, second string, args ...string) {
	t.Helper()
	run := func(i int, code int, want ...string) {
		t.Helper()
		p.armCut(markers[i-1])
		out, errOut, got := runCLI(t, append(append([]string{"bounces"}, args...), camp)...)
		if got != code {
			t.Fatalf("run %d: exit %d, want %d\n%s%s", i, got, code, out, errOut)
		}
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("run %d: output lacks %q:\n%s%s", i, w, out, errOut)
			}
		}
	}
	const named = `(1008 bytes, from "MAILER-DAEMON@mx.example.net", subject "Undelivered Mail Returned to Sender")`
	run(1, exitSomeFailed, first, named+": unreadable: the server closed the connection when asked for it, on a new session too (", "the server closed the connection",
		"; passed over, on a new session: the next run tries it once more, and skips it from then on if it cuts the connection again")
	run(2, exitSomeFailed, second, "in 2 runs now (", "; passed over, on a new session: the next runs skip it, saying so, until bounces.read is removed (or mailbox.timeout is larger)")
	if p.hitCount() != 4 {
		t.Errorf("the message was asked for %d times in two runs, want 4 (twice a run)", p.hitCount())
	}
	run(3, exitOK, "1 passed over unread (the server did not give it; see below)", named+": passed over unread: the server closed the connection when asked for it, in 2 runs; it is read again once ")
	if p.hitCount() != 4 {
		t.Errorf("the third run asked for the message passed over (%d times in all)", p.hitCount())
	}
}

// TestBouncesCutIMAP: a message whose FETCH makes the server (Dovecot
// over IMAP, behind a proxy that closes the connection when that FETCH
// passes, as a server crashing on a damaged message does) drop the
// connection stopped every run there (exit 2), so that a cron job never
// got past it. Each run now passes it over on a new session and reads
// the others (exit 1); once it cut the session in two runs, the next
// skip it unread, saying so.
func TestBouncesCutIMAP(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "imap", 0, "10s")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	const fetch2 = "UID FETCH 2 (UID RFC822.SIZE)"
	cutRuns(t, p, [3]string{fetch2, fetch2, fetch2}, camp,
		"5 messages in the mailbox: 4 matched this campaign (4 bounced; 4 new), 1 unreadable",
		"5 messages in the mailbox, 4 skipped (read by earlier runs): 0 matched this campaign (none; 0 new), 1 unreadable")
	if n := feedbackRecords(t, camp); n != 4 {
		t.Errorf("journal has %d feedback records, want 4", n)
	}
}

// TestBouncesCutPOP3: the same over POP3 (Dovecot, the proxy closing the
// connection when that message's RETR passes), with --delete: each run
// deletes the reports it read on the new session.
func TestBouncesCutPOP3(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "pop3", 0, "10s")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	cutRuns(t, p, [3]string{"RETR 2\r\n", "RETR 1\r\n", "RETR 1\r\n"}, camp,
		"5 messages in the mailbox: 4 matched this campaign (4 bounced; 4 new), 1 unreadable",
		"1 message in the mailbox: 0 matched this campaign (none; 0 new), 1 unreadable", "--delete")
	if n := len(d.Messages(t, bounceUser, "INBOX")); n != 1 {
		t.Errorf("INBOX holds %d messages, want the one passed over", n)
	}
}

// TestBouncesCutServer: over POP3 (Dovecot, the proxy cutting the
// connection at the RETR of messages 2 and 3 and at the TOP that asks
// for their headers on the new session), two messages whose header cuts
// the connection too in one run are passed over without being counted,
// saying the server may be at fault, and the third run asks for them
// again: a server that drops every fetch for a while must not get the
// messages it listed skipped. (One message alone doing so is counted:
// TestBouncesSteadySessions.)
func TestBouncesCutServer(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "pop3", 0, "10s")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	p.armCut("RETR 2\r\n", "TOP 2 0\r\n", "RETR 3\r\n", "TOP 3 0\r\n")
	for i := 1; i <= 3; i++ {
		out, errOut, code := runCLI(t, "bounces", camp)
		if code != exitSomeFailed || strings.Count(out, "and did not give its header either on a new session (the server, rather than the message, may be at fault); passed over, on another new session: the next run tries it again") != 2 {
			t.Fatalf("run %d: exit %d, want %d\n%s%s", i, code, exitSomeFailed, out, errOut)
		}
	}
	if n := p.hitCount(); n != 18 {
		t.Errorf("the messages (twice each) and their headers were asked for %d times in three runs, want 18", n)
	}
	if n := feedbackRecords(t, camp); n != 3 {
		t.Errorf("journal has %d feedback records, want 3", n)
	}
}

// TestBouncesCutBye: a FETCH that Dovecot fails on a broken message is
// answered "* BYE Internal error occurred" and the connection closed (the
// proxy says that and cuts it); go-imap tells only "connection closed",
// which stopped the run there (exit 2) as a connection lost. The run
// passes it over on a new session as any cut (exit 1), saying BYE.
func TestBouncesCutBye(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "imap", 0, "10s")
	p.byes("* BYE Internal error occurred. Refer to server log for more information. [2026-12-06 21:10:00]\r\n")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	p.armCut("UID FETCH 2 (UID RFC822.SIZE)")
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitSomeFailed || !strings.Contains(out, "5 messages in the mailbox: 4 matched this campaign (4 bounced; 4 new), 1 unreadable") ||
		!strings.Contains(out, "unreadable: the server closed the connection when asked for it, on a new session too (FETCH of message 2: the server said BYE and closed the connection: EOF); passed over, on a new session") {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
}

// TestBouncesCutOnce: over POP3 (Dovecot, the proxy cutting the
// connection at one RETR, once), a cut that the new session does not
// repeat is no fault of the message (a server restarting, or closing the
// connection after it refused the message before, which only the next
// command finds): the run reads it on the new session, and every other
// (exit 0). Without the second try, such a cut was counted against the
// message: in two runs, an innocent one was skipped unread for good. The
// cut is told in one line under the counts, as a listing's is (it said
// nothing: a cut every run went unseen until messages were passed over).
func TestBouncesCutOnce(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "pop3", 0, "10s")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	p.armCutOnce("RETR 2\r\n")
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitOK || !strings.Contains(out, "5 messages in the mailbox: 5 matched this campaign (5 bounced; 5 new), 0 unreadable") {
		t.Fatalf("exit %d, want %d, all five read\n%s%s", code, exitOK, out, errOut)
	}
	if n := p.hitCount(); n != 1 {
		t.Errorf("the proxy cut %d times, want 1", n)
	}
	const told = "(the server closed the connection while a message was read (mailbox: "
	_, line, _ := strings.Cut(out, told)
	line, _, _ = strings.Cut(line, "\n")
	if n := strings.Count(out, told); n != 1 || !strings.Contains(line, "RETR") || !strings.Contains(line, "a new session read it (a restart, most likely)") || errOut != "" {
		t.Errorf("the cut told %d times on stdout, want once, naming RETR, and nothing on stderr\n%s%s", n, out, errOut)
	}
}

// TestBouncesCutHeaderMaxTime: over POP3 (Dovecot, the proxy cutting the
// connection at one RETR and stalling the TOP that asks for its header on
// the new session), the run's --max-time that is up while the header is
// asked for told nothing of the server, yet the cut was counted against
// the message (a dropped line in bounces.read), as if the new session had
// given the header. The run stops there (exit 2, naming --max-time), the
// message not counted: the next run asks for it as for the first time.
func TestBouncesCutHeaderMaxTime(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "pop3", 0, "10s")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	p.armCut("RETR 2\r\n")
	p.stall("TOP 2 0\r\n")
	out, errOut, code := runCLI(t, "bounces", "--max-time", "4s", camp)
	if code != exitUnusable || !strings.Contains(errOut, "(--max-time) is up") {
		t.Fatalf("exit %d, want %d, the run stopped by --max-time\n%s%s", code, exitUnusable, out, errOut)
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(camp), ".tidings", "t", "bounces.read"))
	if err != nil || strings.Contains(string(b), "\ndropped ") {
		t.Errorf("the cut was counted though the header was never given (%v):\n%s", err, b)
	}
}

// TestBouncesCutHelp: bounces --help told of a message whose fetch
// overruns, passed over and skipped after two runs, but not of one that
// makes the server close the connection, dealt with alike.
func TestBouncesCutHelp(t *testing.T) {
	t.Parallel()
	out, _, code := runCLI(t, "bounces", "--help")
	if code != 0 || !strings.Contains(strings.Join(strings.Fields(out), " "), "or makes the server close the connection (asked for once more on a new session, and cut there too), is passed over") {
		t.Errorf("bounces --help: code %d, says nothing of a cut:\n%s", code, out)
	}
}

// TestBouncesCutMove: over IMAP (Dovecot, the proxy cutting the
// connection at the UID MOVE that ends the run, once), the reports read
// and recorded stayed in the mailbox, the run ending on a bare "MOVE: the
// server closed the connection" (exit 2) that said neither what was
// recorded nor what the next run does. As for a run stopped while
// reading, they are moved on a new session, and the line says so.
func TestBouncesCutMove(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "imap", 0, "10s")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	p.armCutOnce("UID MOVE")
	out, errOut, code := runCLI(t, "bounces", "--move-to", "Trash", camp)
	if code != exitUnusable || !strings.Contains(errOut, "the server closed the connection") || !strings.Contains(errOut, "the 5 reports among them were moved to Trash on a new session: every message listed was read") {
		t.Fatalf("exit %d, want %d, the reports moved on a new session\n%s%s", code, exitUnusable, out, errOut)
	}
	if n := len(d.Messages(t, bounceUser, "INBOX")); n != 0 {
		t.Errorf("INBOX holds %d messages, want none", n)
	}
	if n := feedbackRecords(t, camp); n != 5 {
		t.Errorf("journal has %d feedback records, want 5", n)
	}
}

// TestBouncesCutListNamed: over IMAP, a cut while the mailbox was listed
// said "LIST", which is IMAP's folder command, for the UID SEARCH the
// server got (and for the size FETCH: TestEndlessResponsesAfterLongSearch
// and TestBouncesCutListIMAP). It is named as the server got it. (A cut
// SEARCH names no message: it stops the run, exit 2.)
func TestBouncesCutListNamed(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "imap", 0, "10s")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	for _, c := range []struct{ marker, named string }{
		{"UID SEARCH", "mailbox: UID SEARCH: the server closed the connection"},
	} {
		p.armCut(c.marker)
		out, errOut, code := runCLI(t, "bounces", camp)
		if code != exitUnusable || !strings.Contains(errOut, c.named) || strings.Contains(errOut, "LIST") {
			t.Errorf("cut at %s: exit %d, want %d, naming %q\n%s%s", c.marker, code, exitUnusable, c.named, out, errOut)
		}
	}
}

// TestBouncesCutListIMAP: a message whose size the server cannot work
// out (Dovecot crashing on a damaged one: the proxy closes the
// connection when a size FETCH naming it passes, and when its own
// FETCH does) stopped every run while the mailbox was listed, exit 2,
// before any message was read. The sizes are asked for in halves on new
// sessions down to that message, which is then asked for, passed over
// and counted as any message that cuts the connection, the others read;
// the third run skips it unread.
func TestBouncesCutListIMAP(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "imap", 0, "10s")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	cuts := []string{"UID FETCH 1:5 (UID RFC822.SIZE FLAGS)", "UID FETCH 1:2 (UID RFC822.SIZE FLAGS)", "UID FETCH 2 (UID RFC822.SIZE FLAGS)", "UID FETCH 2 (UID RFC822.SIZE)"}
	const named = `message 2 (size not known, from "MAILER-DAEMON@mx.example.net", subject "Undelivered Mail Returned to Sender")`
	for i, c := range []struct {
		code int
		want string
	}{
		{exitSomeFailed, named + ": unreadable: the server closed the connection when asked for it, on a new session too ("},
		{exitSomeFailed, "in 2 runs now ("},
		{exitOK, named + ": passed over unread: the server closed the connection when asked for it, in 2 runs"},
	} {
		p.armCut(cuts...)
		out, errOut, code := runCLI(t, "bounces", camp)
		if code != c.code || !strings.Contains(out, c.want) {
			t.Fatalf("run %d: exit %d, want %d, saying %q\n%s%s", i+1, code, c.code, c.want, out, errOut)
		}
	}
	if n := feedbackRecords(t, camp); n != 4 {
		t.Errorf("journal has %d feedback records, want 4", n)
	}
}

// TestBouncesCutListPOP3: the same over POP3 (Dovecot, the proxy closing
// the connection when LIST passes, LIST 2, and RETR 2): every run
// stopped at LIST, exit 2. The sizes are asked for one message at a time
// (LIST n) on a new session, message 2 listed with its size not known,
// then passed over and counted as any message that cuts the connection;
// the third run skips it unread.
func TestBouncesCutListPOP3(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "pop3", 0, "10s")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	for i, c := range []struct {
		code int
		want string
	}{
		{exitSomeFailed, ` (size not known, from "MAILER-DAEMON@mx.example.net", subject "Undelivered Mail Returned to Sender"): unreadable: the server closed the connection when asked for it, on a new session too (`},
		{exitSomeFailed, "in 2 runs now ("},
		{exitOK, `(size not known, from "MAILER-DAEMON@mx.example.net", subject "Undelivered Mail Returned to Sender"): passed over unread: the server closed the connection when asked for it, in 2 runs`},
	} {
		p.armCut("LIST\r\n", "LIST 2\r\n", "RETR 2\r\n")
		out, errOut, code := runCLI(t, "bounces", camp)
		if code != c.code || !strings.Contains(out, c.want) {
			t.Fatalf("run %d: exit %d, want %d, saying %q\n%s%s", i+1, code, c.code, c.want, out, errOut)
		}
	}
	if n := feedbackRecords(t, camp); n != 4 {
		t.Errorf("journal has %d feedback records, want 4", n)
	}
}

// TestBouncesCutSearchOnce: a cut of IMAP's UID SEARCH or POP3's UIDL,
// which name no message, stopped the run (exit 2) even when the server
// only restarted then. The listing is asked for once more on a new
// session: cut once, the run reads all five (exit 0); cut on the new
// session too, it stops (exit 2), naming the command and saying the
// mailbox most likely needs repair. The run the new session lists says
// so in one line under the counts (it said nothing, exit 0: a cut every
// run went unseen until the one it stopped at).
func TestBouncesCutSearchOnce(t *testing.T) {
	for _, c := range []struct{ protocol, marker, named string }{
		{"imap", "UID SEARCH", "mailbox: UID SEARCH: the server closed the connection"},
		{"pop3", "UIDL\r\n", "UIDL"},
	} {
		t.Run(c.protocol, func(t *testing.T) {
			d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
			camp, p := slowCampaign(t, d, c.protocol, 0, "10s")
			for _, r := range fiveBounces(t, camp) {
				d.Deliver(t, bounceUser, r)
			}
			p.armCut(c.marker)
			out, errOut, code := runCLI(t, "bounces", camp)
			if code != exitUnusable || !strings.Contains(errOut, c.named) || !strings.Contains(errOut, ", and again on a new session") || !strings.Contains(errOut, "doveadm force-resync") || p.hitCount() != 2 {
				t.Errorf("cut every time: exit %d, %d cuts, want %d, 2, the command named and the repair advised\n%s%s", code, p.hitCount(), exitUnusable, out, errOut)
			}
			p.armCutOnce(c.marker)
			out, errOut, code = runCLI(t, "bounces", camp)
			if code != exitOK || feedbackRecords(t, camp) != 5 {
				t.Errorf("cut once: exit %d, %d feedback records, want %d and 5\n%s%s", code, feedbackRecords(t, camp), exitOK, out, errOut)
			}
			// The cut got past is told, in one line under the counts:
			// one every run is a mailbox on its way to needing repair.
			const told = "(the server closed the connection while the mailbox was listed (mailbox: "
			_, line, _ := strings.Cut(out, told)
			line, _, _ = strings.Cut(line, "\n")
			if n := strings.Count(out, told); n != 1 || !strings.Contains(line, strings.TrimPrefix(c.named, "mailbox: ")) || !strings.Contains(line, "a new session listed it (a restart, most likely)") || errOut != "" {
				t.Errorf("cut once: the cut told %d times on stdout, want once, and nothing on stderr\n%s%s", n, out, errOut)
			}
		})
	}
}
