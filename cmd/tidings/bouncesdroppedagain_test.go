package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestBouncesDroppedGivenAgain: over POP3, message 2 is held in
// bounces.read as dropped (its RETR cut the connection in two runs; in
// "unsized" its LIST n too, its size not known); another client takes it
// out, and a new message comes under its unique-id (against RFC 1939: a
// backup restored; here the proxy renaming the new message's), of
// another size. "sized": it was read, its report recorded, but nothing
// told the user why a message bounces.read named as dropped was read.
// "unsized": it was listed with its size not known, not asked for, and
// passed over for good as the dropped one, until bounces.read is
// removed; its header is asked for now (TOP n 0), another than the
// dropped one's. Either is read, one line saying why, exit 0; the
// dropped line is gone, and the next run skips it as read.
func TestBouncesDroppedGivenAgain(t *testing.T) {
	for _, c := range []struct {
		name    string
		cuts    []string
		differs string
	}{
		{"sized", []string{"RETR 2\r\n"}, "it is "},
		{"unsized", []string{"LIST\r\n", "LIST 2\r\n", "RETR 2\r\n"}, "its header is another's now"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
			camp, p := slowCampaign(t, d, "pop3", 0, "10s")
			reports := fiveBounces(t, camp)
			for _, r := range reports[:4] {
				d.Deliver(t, bounceUser, r)
			}
			cutTwice(t, p, camp, c.cuts)
			read := filepath.Join(filepath.Dir(camp), ".tidings", "t", "bounces.read")
			// Dovecot's unique-ids are the UID and the UIDVALIDITY, 8 hex
			// digits each.
			m := regexp.MustCompile(`(?m)^dropped 00000002([0-9a-f]{8}) 2 `).FindStringSubmatch(readFile(t, read))
			if m == nil {
				t.Fatalf("bounces.read does not hold message 2 as dropped:\n%s", readFile(t, read))
			}
			d.Doveadm(t, "expunge", "-u", bounceUser, "mailbox", "INBOX", "uid", "2")
			d.Deliver(t, bounceUser, append([]byte("X-Pad: "+strings.Repeat("x", 300)+"\r\n"), reports[4]...))
			p.rewrites("00000005"+m[1], "00000002"+m[1])
			p.armCut()
			if c.name == "unsized" {
				p.armCut("LIST\r\n") // the dropped message's size would still cut it
			}

			out, errOut, code := runCLI(t, "bounces", camp)
			if code != exitOK || feedbackRecords(t, camp) != 4 || !strings.Contains(out, "1 matched this campaign (1 bounced; 1 new)") || strings.Contains(out, "passed over unread") {
				t.Fatalf("run 3: exit %d, %d feedback records, want %d and 4, the report under the dropped message's unique-id read\n%s%s", code, feedbackRecords(t, camp), exitOK, out, errOut)
			}
			if !strings.Contains(out, "(message 00000002"+m[1]+": "+read+" held it as dropped (the server closed the connection when asked for it, in 2 runs), but "+c.differs) {
				t.Errorf("run 3 does not say the unique-id names another message now\n%s", out)
			}
			if strings.Contains(readFile(t, read), "dropped ") {
				t.Errorf("bounces.read still holds a dropped line:\n%s", readFile(t, read))
			}
			p.armCut()
			out, errOut, code = runCLI(t, "bounces", camp)
			if code != exitOK || !strings.Contains(out, "4 messages in the mailbox, 4 skipped") {
				t.Errorf("run 4: exit %d, want %d, all 4 skipped\n%s%s", code, exitOK, out, errOut)
			}
		})
	}
}

// TestBouncesGivenAgainCutSizeKept: over POP3, message 4 was read; its
// unique-id is given to a new message of another size (against RFC 1939:
// a backup restored, here the proxy renaming message 5's), which is read,
// but whose RETR the server cuts (run 2, exit 1). bounces.read kept the
// unique-id as read with the old message's size, so a run listing the
// sizes apart on a server without PIPELINING (its LIST of all cut: the
// sizes of those read are the kept ones) took the new message for the
// one read and skipped it unread, for good. The unique-id is forgotten
// as read once listed with another size: run 3 reads the new message and
// records its report.
func TestBouncesGivenAgainCutSizeKept(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "pop3", 0, "10s")
	reports := fiveBounces(t, camp)
	for _, r := range reports[:4] {
		d.Deliver(t, bounceUser, r)
	}
	if out, errOut, code := runCLI(t, "bounces", camp); code != exitOK || feedbackRecords(t, camp) != 4 {
		t.Fatalf("run 1: exit %d, %d feedback records, want %d and 4\n%s%s", code, feedbackRecords(t, camp), exitOK, out, errOut)
	}
	read := filepath.Join(filepath.Dir(camp), ".tidings", "t", "bounces.read")
	m := regexp.MustCompile(`(?m)^uidl 00000004([0-9a-f]{8}) `).FindStringSubmatch(readFile(t, read))
	if m == nil {
		t.Fatalf("bounces.read does not hold message 4:\n%s", readFile(t, read))
	}
	d.Doveadm(t, "expunge", "-u", bounceUser, "mailbox", "INBOX", "uid", "4")
	d.Deliver(t, bounceUser, append([]byte("X-Pad: "+strings.Repeat("x", 300)+"\r\n"), reports[4]...))
	p.rewrites("00000005"+m[1], "00000004"+m[1])
	p.armCut("RETR 4\r\n") // the new message, fourth in the maildrop
	if out, errOut, code := runCLI(t, "bounces", camp); code != exitSomeFailed || !strings.Contains(out, "1 unreadable") {
		t.Fatalf("run 2: exit %d, want %d, the new message cut\n%s%s", code, exitSomeFailed, out, errOut)
	}
	p.rewrites("00000005"+m[1], "00000004"+m[1], "PIPELINING", "NOPIPE")
	p.armCut("LIST\r\n")
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitOK || feedbackRecords(t, camp) != 5 || !strings.Contains(out, "1 matched this campaign (1 bounced; 1 new)") {
		t.Errorf("run 3: exit %d, %d feedback records, want %d and 5, the new message read\n%s%s", code, feedbackRecords(t, camp), exitOK, out, errOut)
	}
}

// TestBouncesDroppedNoDigest: over POP3, bounces.read holds message 2 as
// dropped with its size not known, but no digest of its header (a file
// written before they were kept, as here with its header line taken
// out). "given again": a new message under its unique-id (the proxy
// renaming message 5's) was passed over for good as the dropped one,
// until bounces.read is removed; "same": the dropped message stayed
// without a digest, so a new message later given its unique-id would
// be. Such a record is tried once more (run 3): the new message is read,
// its report recorded; the dropped one cuts again, is passed over as
// in its third run, and its header's digest kept, so that run 4 passes
// it over unread, exit 0. "header cut": the server now cuts its TOP too
// (its header damaged since); run 3 did not count it (the server, rather
// than the message, may be at fault), so every run tried it once more,
// exit 1, for good; a record passed over before is counted all the same,
// and run 4 passes it over, exit 0.
func TestBouncesDroppedNoDigest(t *testing.T) {
	for _, name := range []string{"given again", "same", "header cut"} {
		again := name == "given again"
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
			camp, p := slowCampaign(t, d, "pop3", 0, "10s")
			reports := fiveBounces(t, camp)
			for _, r := range reports[:4] {
				d.Deliver(t, bounceUser, r)
			}
			cuts := []string{"LIST\r\n", "LIST 2\r\n", "RETR 2\r\n"}
			cutTwice(t, p, camp, cuts)
			read := filepath.Join(filepath.Dir(camp), ".tidings", "t", "bounces.read")
			was := readFile(t, read)
			m := regexp.MustCompile(`(?m)^header 00000002([0-9a-f]{8}) [0-9a-f]{16}\n`).FindStringSubmatch(was)
			if m == nil {
				t.Fatalf("bounces.read holds no header line for message 2:\n%s", was)
			}
			old := strings.Replace(strings.Replace(was, m[0], "", 1), "\nversion 2\n", "\nversion 1\n", 1)
			if err := os.WriteFile(read, []byte(old), 0o600); err != nil {
				t.Fatal(err)
			}
			p.armCut(cuts...)
			if again {
				d.Doveadm(t, "expunge", "-u", bounceUser, "mailbox", "INBOX", "uid", "2")
				d.Deliver(t, bounceUser, append([]byte("X-Pad: "+strings.Repeat("x", 300)+"\r\n"), reports[4]...))
				p.rewrites("00000005"+m[1], "00000002"+m[1])
				p.armCut("LIST\r\n") // the dropped message's size would still cut it
				out, errOut, code := runCLI(t, "bounces", camp)
				if code != exitOK || feedbackRecords(t, camp) != 4 || !strings.Contains(out, "1 matched this campaign (1 bounced; 1 new)") {
					t.Fatalf("run 3: exit %d, %d feedback records, want %d and 4, the new message read\n%s%s", code, feedbackRecords(t, camp), exitOK, out, errOut)
				}
				return
			}
			if name == "header cut" {
				p.armCut(append(cuts, "TOP 2 0\r\n")...)
				for run := 3; run <= 4; run++ {
					out, errOut, code := runCLI(t, "bounces", camp)
					if want := []int{exitSomeFailed, exitOK}[run-3]; code != want || run == 3 && !strings.Contains(out, "in 3 runs now") || run == 4 && !strings.Contains(out, "passed over unread") {
						t.Fatalf("run %d: exit %d, want %d, the message counted once more, then passed over\n%s%s", run, code, want, out, errOut)
					}
				}
				return
			}
			out, errOut, code := runCLI(t, "bounces", camp)
			if code != exitSomeFailed || !strings.Contains(out, "in 3 runs now") || !strings.Contains(readFile(t, read), m[0]) {
				t.Fatalf("run 3: exit %d, want %d, the message tried once more and its digest kept\n%s%s\n%s", code, exitSomeFailed, out, errOut, readFile(t, read))
			}
			out, errOut, code = runCLI(t, "bounces", camp)
			if code != exitOK || !strings.Contains(out, "passed over unread") {
				t.Errorf("run 4: exit %d, want %d, the message passed over unread\n%s%s", code, exitOK, out, errOut)
			}
		})
	}
}

// TestBouncesDroppedStatusFields: over POP3, bounces.read holds message
// 2 as dropped with its size not known, and the digest of its header.
// A server that keeps a message's flags in its header (an mbox server's
// Status and X-Status, written once a session saw it; here the proxy
// adds them) gave another header to the next run's TOP: the digest
// differed, the message was taken for another under its unique-id and
// read, cutting the connection again, exit 1, its count started anew,
// and so on every run or two. The digest is of the fields a message is
// written and delivered with (Received, Message-ID, Date, From, To,
// Subject): run 3 passes it over unread, exit 0. "garbled": the damaged
// message's header has a line that is no field (a line of its body in
// it), which net/mail does not read: its digest was of the whole header,
// Status fields and all, and run 3 read it, exit 1, as before.
func TestBouncesDroppedStatusFields(t *testing.T) {
	for _, garbled := range []bool{false, true} {
		t.Run(map[bool]string{false: "fields", true: "garbled"}[garbled], func(t *testing.T) {
			t.Parallel()
			d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
			camp, p := slowCampaign(t, d, "pop3", 0, "10s")
			for i, r := range fiveBounces(t, camp)[:4] {
				if garbled && i == 1 {
					r = []byte(strings.Replace(string(r), "\r\nSubject: ", "\r\nThis line lost its field name\r\nSubject: ", 1))
				}
				d.Deliver(t, bounceUser, r)
			}
			cuts := []string{"LIST\r\n", "LIST 2\r\n", "RETR 2\r\n"}
			cutTwice(t, p, camp, cuts)
			p.rewrites("\r\nSubject: ", "\r\nStatus: RO\r\nX-Status: A\r\nSubject: ")
			p.armCut(cuts...)
			out, errOut, code := runCLI(t, "bounces", camp)
			if code != exitOK || !strings.Contains(out, "passed over unread") || strings.Contains(out, "which this run read") {
				t.Errorf("run 3: exit %d, want %d, the message passed over unread\n%s%s", code, exitOK, out, errOut)
			}
		})
	}
}

// TestBouncesDroppedNowUnsized: over POP3, bounces.read holds message 2
// as dropped with its size (its RETR cut in two runs); now its LIST n
// cuts too (the server can no longer work out its size). Listed with
// its size not known, it was taken for another message under its
// unique-id ("it is -1 bytes now, that one 1008 bytes: the server gave
// its unique-id to another message"), read, cutting again, exit 1, its
// count started anew, and so on. A size not known tells nothing: as a
// record without a header digest, it is tried once more (run 3: "in 3
// runs now", exit 1, its digest kept), and passed over unread after.
func TestBouncesDroppedNowUnsized(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "pop3", 0, "10s")
	for _, r := range fiveBounces(t, camp)[:4] {
		d.Deliver(t, bounceUser, r)
	}
	cutTwice(t, p, camp, []string{"RETR 2\r\n"})
	p.armCut("LIST\r\n", "LIST 2\r\n", "RETR 2\r\n")
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitSomeFailed || !strings.Contains(out, "in 3 runs now") || strings.Contains(out, "which this run read") {
		t.Fatalf("run 3: exit %d, want %d, the message tried once more, in its third run\n%s%s", code, exitSomeFailed, out, errOut)
	}
	out, errOut, code = runCLI(t, "bounces", camp)
	if code != exitOK || !strings.Contains(out, "passed over unread") || strings.Contains(out, "which this run read") {
		t.Errorf("run 4: exit %d, want %d, the message passed over unread\n%s%s", code, exitOK, out, errOut)
	}
}

// TestBouncesDroppedHeaderCutLocked: over POP3, bounces.read holds
// message 2 as dropped with its size not known and its header's digest;
// the server cuts its TOP too, which each run asks for, and, locking
// the maildrop for one session at a time (Dovecot's pop3_lock_session),
// has not noticed the session cut is gone (the proxy holds its side).
// The header was asked for before any message was read, and the new
// session after the cut refused: every run stopped there, exit 2, a new
// bounce (message 5) never read. It is asked for after the others are
// read, and no new session opened when nothing is left to do on one:
// the bounce recorded, message 2 passed over, exit 0. With --delete
// (the server letting go of the session cut) the bounce is deleted on
// a new session (the 3 read before with it, not deleted then), exit 0.
func TestBouncesDroppedHeaderCutLocked(t *testing.T) {
	for _, del := range []bool{false, true} {
		t.Run(map[bool]string{false: "locked", true: "delete"}[del], func(t *testing.T) {
			t.Parallel()
			d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}, Settings: "pop3_lock_session = yes\n"})
			camp, p := slowCampaign(t, d, "pop3", 0, "20s")
			reports := fiveBounces(t, camp)
			for _, r := range reports[:4] {
				d.Deliver(t, bounceUser, r)
			}
			cuts := []string{"LIST\r\n", "LIST 2\r\n", "RETR 2\r\n"}
			cutTwice(t, p, camp, cuts)
			d.Deliver(t, bounceUser, reports[4])
			args := []string{"bounces", camp}
			if del {
				args = []string{"bounces", "--delete", camp}
			} else {
				p.holds()
				defer p.release()
			}
			p.armCut(append(cuts, "TOP 2 0\r\n")...)
			out, errOut, code := runCLI(t, args...)
			if code != exitOK || feedbackRecords(t, camp) != 4 || !strings.Contains(out, "passed over unread") {
				t.Fatalf("run 3: exit %d, %d feedback records, want %d and 4, the new bounce read, message 2 passed over\n%s%s", code, feedbackRecords(t, camp), exitOK, out, errOut)
			}
			if del && (!strings.Contains(out, "4 reports deleted") || strings.Count(d.Doveadm(t, "search", "-u", bounceUser, "mailbox", "INBOX", "all"), "\n") != 1) {
				t.Errorf("run 3 did not delete the 4 bounces read, message 2 left\n%s%s", out, errOut)
			}
		})
	}
}

// TestBouncesDroppedNoDigestMany: after an upgrade, bounces.read holds
// 40 messages as dropped with their sizes not known and no header digest
// (a file from before they were kept): the run that tries them once more
// opens two new sessions for each (80, past the 64 a listing may open in
// a row), and must not stop on that cap, nor try them again in the runs
// after: run 3 exits 1, each counted in its third run, and runs 4 and 5
// pass all 40 over, exit 0.
func TestBouncesDroppedNoDigestMany(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "pop3", 0, "10s")
	const n = 40
	cuts := []string{"LIST\r\n"}
	for i := 1; i <= n; i++ {
		d.Deliver(t, bounceUser, fmt.Appendf(nil, "From: MAILER-DAEMON@mx.example.net\r\nTo: %s\r\nSubject: Undelivered Mail Returned to Sender\r\n\r\nbody %d\r\n", bounceUser, i))
		cuts = append(cuts, fmt.Sprintf("LIST %d\r\n", i), fmt.Sprintf("RETR %d\r\n", i))
	}
	cutTwice(t, p, camp, cuts)
	read := filepath.Join(filepath.Dir(camp), ".tidings", "t", "bounces.read")
	was := readFile(t, read)
	old := strings.Replace(regexp.MustCompile(`(?m)^header .*\n`).ReplaceAllString(was, ""), "\nversion 2\n", "\nversion 1\n", 1)
	if strings.Count(was, "\nheader ") != n || strings.Contains(old, "\nheader ") {
		t.Fatalf("bounces.read does not hold %d header lines:\n%s", n, was)
	}
	if err := os.WriteFile(read, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	for run := 3; run <= 5; run++ {
		p.armCut(cuts...)
		out, errOut, code := runCLI(t, "bounces", camp)
		want, counted, passed := exitOK, 0, n
		if run == 3 {
			want, counted, passed = exitSomeFailed, n, 0
		}
		if code != want || strings.Count(out, "in 3 runs now") != counted || strings.Count(out, ": passed over unread:") != passed {
			t.Fatalf("run %d: exit %d, want %d, %d counted in their third run, %d passed over\n%s%s", run, code, want, counted, passed, out, errOut)
		}
	}
}

// TestBouncesGivenAgainSameReport: over POP3, message 4 was read; a run
// lists it at another size (here the proxy rewriting its LIST line: a
// server whose sizes are estimates) and its RETR is cut, so its
// unique-id is forgotten as read (otherUnread), and the next run, the
// size as before, reads the same report again: it records nothing twice
// ("0 new", no second feedback record), lists no address twice, and the
// run after skips it.
func TestBouncesGivenAgainSameReport(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, p := slowCampaign(t, d, "pop3", 0, "10s")
	for _, r := range fiveBounces(t, camp)[:4] {
		d.Deliver(t, bounceUser, r)
	}
	sup := filepath.Join(filepath.Dir(camp), "suppress.txt")
	for run, want := range []struct {
		code int
		says string
	}{
		{exitOK, "4 matched this campaign (4 bounced; 4 new)"},
		{exitSomeFailed, "1 unreadable"},
		{exitOK, "1 matched this campaign (1 bounced; 0 new)"},
		{exitOK, "4 messages in the mailbox, 4 skipped"},
	} {
		p.rewrites()
		p.armCut()
		if run == 1 {
			p.rewrites("\r\n4 1008\r\n", "\r\n4 1300\r\n")
			p.armCut("RETR 4\r\n")
		}
		out, errOut, code := runCLI(t, "bounces", camp)
		if code != want.code || !strings.Contains(out, want.says) || feedbackRecords(t, camp) != 4 || strings.Count(readFile(t, sup), "dan@example.org") != 1 {
			t.Fatalf("run %d: exit %d, %d feedback records, want %d and 4, saying %q, dan@example.org listed once\n%s%s\n%s", run+1, code, feedbackRecords(t, camp), want.code, want.says, out, errOut, readFile(t, sup))
		}
	}
}
