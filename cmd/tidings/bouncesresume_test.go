package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/client"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// holder is a TCP proxy on a free loopback port in front of a real
// server. Armed with a marker, it stops passing on a connection's
// commands the first time the client sends the marker: that command never
// reaches the server, no reply comes, and the client waits until a limit
// of its own ends the session (bounces --max-time). It disarms then:
// later connections pass whole. It closes when the test ends.
type holder struct {
	ln     net.Listener
	target string

	mu     sync.Mutex
	marker []byte
	held   int
}

func startHolder(t *testing.T, port int) *holder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	h := &holder{ln: ln, target: net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}
	t.Cleanup(func() { ln.Close() })
	go h.serve(t)
	return h
}

// Port is the port clients connect to.
func (h *holder) Port() int { return h.ln.Addr().(*net.TCPAddr).Port }

// hold arms the hold of the first command holding marker.
func (h *holder) hold(marker string) { h.mu.Lock(); h.marker = []byte(marker); h.mu.Unlock() }

// heldCount is how many connections were held.
func (h *holder) heldCount() int { h.mu.Lock(); defer h.mu.Unlock(); return h.held }

func (h *holder) serve(t *testing.T) {
	for {
		c, err := h.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", h.target)
		if err != nil {
			c.Close()
			continue
		}
		t.Cleanup(func() { c.Close(); s.Close() })
		go func() { defer c.Close(); defer s.Close(); copyAll(c, s) }()
		go func() { defer c.Close(); defer s.Close(); h.commands(c, s) }()
	}
}

// copyAll copies from src to dst until either fails.
func copyAll(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// commands passes the client's bytes on to the server, and from the
// marker on passes nothing more (reading until the client closes).
func (h *holder) commands(client, server net.Conn) {
	buf := make([]byte, 32<<10)
	holding := false
	for {
		n, err := client.Read(buf)
		if n > 0 && !holding {
			h.mu.Lock()
			if len(h.marker) > 0 && bytes.Contains(buf[:n], h.marker) {
				holding, h.marker = true, nil
				h.held++
			}
			h.mu.Unlock()
			if !holding {
				if _, werr := server.Write(buf[:n]); werr != nil {
					return
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// fiveBounces are hard bounces for the five recipients of a
// sentBounceCampaign, in the order of its sheet (CR LF line ends).
func fiveBounces(t *testing.T, camp string) [][]byte {
	ids := messageIDs(t, camp)
	var out [][]byte
	for i, k := range []string{"ann@example.org", "bob@example.org", "cid@example.org", "dan@example.org", "eve@example.org"} {
		r := dsnReport("<"+ids[k]+">", "", k, "failed", "5.1.1", "550 5.1.1 user unknown", "r"+strconv.Itoa(i))
		out = append(out, []byte(strings.ReplaceAll(r, "\n", "\r\n")))
	}
	return out
}

// feedbackRecords counts the feedback records in the campaign's journal.
func feedbackRecords(t *testing.T, camp string) int {
	return strings.Count(readFile(t, filepath.Join(filepath.Dir(camp), ".tidings", "t", "journal.jsonl")), `{"type":"feedback"`)
}

// heldCampaign is a campaign sent through an in-process server whose
// IMAP or POP3 mailbox (protocol; folder for IMAP) is Dovecot d's, reached
// through a holder (security none: loopback), and the holder.
func heldCampaign(t *testing.T, d *smtptest.Dovecot, protocol, folder string) (string, *holder) {
	port := d.IMAPPort
	if protocol == "pop3" {
		port = d.POP3Port
	}
	h := startHolder(t, port)
	srv := smtptest.NewServer(t, smtptest.WithDSN())
	camp := sentBounceCampaign(t, srv, fmt.Sprintf("mailbox: {protocol: %s, host: 127.0.0.1, port: %d, security: none, username: %s, password_env: TIDINGS_BOUNCES_PW, folder: %s}\n",
		protocol, h.Port(), bounceUser, folder))
	return camp, h
}

// stoppedAfterThree runs bounces with args, the holder holding the
// command marker (the fourth message's), and checks it stopped at
// --max-time after reading three of five messages (fresh of them new to
// the journal), saying next.
func stoppedAfterThree(t *testing.T, h *holder, marker string, fresh int, next string, args ...string) {
	t.Helper()
	h.hold(marker)
	held := h.heldCount()
	out, errOut, code := runCLI(t, append([]string{"bounces", "--max-time", "4s"}, args...)...)
	if code != exitUnusable || h.heldCount() != held+1 || !strings.Contains(errOut, "the run's time limit of 4s (--max-time) is up") ||
		!strings.Contains(errOut, "what the 3 of 5 messages read before it held is recorded, and "+next) {
		t.Fatalf("stopped run: code %d, held %d; want %d and %q\n%s%s", code, h.heldCount(), exitUnusable, next, out, errOut)
	}
	if !strings.Contains(out, fmt.Sprintf("5 messages in the mailbox, 3 read before the run stopped (see below): 3 matched this campaign (3 bounced; %d new)", fresh)) {
		t.Errorf("stopped run's output:\n%s", out)
	}
}

// TestBouncesStoppedMoves: a run with --move-to that --max-time stops
// after three of five reports (Dovecot over IMAP) moves those three, on a
// new session, once recorded; the next run reads only the other two,
// records them and moves them too. Nothing is recorded twice.
func TestBouncesStoppedMoves(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, h := heldCampaign(t, d, "imap", "INBOX")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	stoppedAfterThree(t, h, "UID FETCH 4 (UID RFC822.SIZE)", 3,
		"the 3 reports among them were moved to Junk on a new session; the next run reads the 2 not read yet", "--move-to", "Junk", camp)
	if inbox, junk := len(d.Messages(t, bounceUser, "INBOX")), len(d.Messages(t, bounceUser, "Junk")); inbox != 2 || junk != 3 {
		t.Fatalf("after the stopped run: INBOX %d, Junk %d; want 2 and the 3 read moved", inbox, junk)
	}
	out, errOut, code := runCLI(t, "bounces", "--move-to", "Junk", camp)
	if code != exitOK || !strings.Contains(out, "2 messages in the mailbox: 2 matched this campaign (2 bounced; 2 new)") || !strings.Contains(out, "2 reports moved to Junk") {
		t.Fatalf("next run: code %d\n%s%s", code, out, errOut)
	}
	if inbox, junk := len(d.Messages(t, bounceUser, "INBOX")), len(d.Messages(t, bounceUser, "Junk")); inbox != 0 || junk != 5 {
		t.Errorf("after the next run: INBOX %d, Junk %d; want all 5 moved", inbox, junk)
	}
	if n := feedbackRecords(t, camp); n != 5 {
		t.Errorf("journal has %d feedback records, want 5", n)
	}
}

// TestBouncesStoppedRemembers: a run that moves nothing, stopped by
// --max-time after three of five messages (Dovecot over IMAP, a folder
// of its own), remembers them: the next run skips them and reads the
// other two, and the one after reads nothing; nothing is recorded twice.
// The folder made anew (another UIDVALIDITY, the same UIDs) is read
// whole again.
func TestBouncesStoppedRemembers(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	makeFolder(t, d, "Bounces", false)
	camp, h := heldCampaign(t, d, "imap", "Bounces")
	reports := fiveBounces(t, camp)
	for _, r := range reports {
		appendOld(t, camp, "Bounces", string(r), time.Now())
	}
	stoppedAfterThree(t, h, "UID FETCH 4 (UID RFC822.SIZE)", 3, "the next run skips them (they are remembered in the state folder's bounces.read) and reads the 2 not read yet", camp)
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitOK || !strings.Contains(out, "5 messages in the mailbox, 3 skipped (read by earlier runs): 2 matched this campaign (2 bounced; 2 new)") ||
		!strings.Contains(out, "(3 messages read by earlier runs were skipped, as ") {
		t.Fatalf("second run: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "bounces", camp)
	if code != exitOK || !strings.Contains(out, "5 messages in the mailbox, 5 skipped (read by earlier runs): 0 matched") || !strings.Contains(out, "(5 messages read by earlier runs were skipped") {
		t.Fatalf("third run: code %d\n%s%s", code, out, errOut)
	}
	if n := feedbackRecords(t, camp); n != 5 {
		t.Errorf("journal has %d feedback records, want 5", n)
	}

	makeFolder(t, d, "Bounces", true)
	for _, r := range reports {
		appendOld(t, camp, "Bounces", string(r), time.Now())
	}
	out, errOut, code = runCLI(t, "bounces", camp)
	if code != exitOK || !strings.Contains(out, "5 messages in the mailbox: 5 matched this campaign (5 bounced; 0 new)") ||
		!strings.Contains(out, "is forgotten: the folder's UIDVALIDITY changed") || strings.Contains(out, "skipped") {
		t.Fatalf("run after the folder was made anew: code %d\n%s%s", code, out, errOut)
	}
	if n := feedbackRecords(t, camp); n != 5 {
		t.Errorf("journal has %d feedback records, want 5", n)
	}
}

// makeFolder creates folder in Dovecot d's mailbox (deleting it first
// when again), as another client would.
func makeFolder(t *testing.T, d *smtptest.Dovecot, folder string, again bool) {
	t.Helper()
	c, err := client.Dial(net.JoinHostPort("127.0.0.1", strconv.Itoa(d.IMAPPort)))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Logout()
	if err := c.Login(bounceUser, bouncePass); err != nil {
		t.Fatal(err)
	}
	if again {
		if err := c.Delete(folder); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Create(folder); err != nil {
		t.Fatal(err)
	}
}

// TestBouncesStoppedPOP3: over POP3 (Dovecot, which offers UIDL) a run
// that deletes nothing, stopped by --max-time after three of five
// messages, remembers them by their unique-ids: the next run reads only
// the other two. With --delete, a stopped run deletes the three it read
// and recorded (on a new session), and the next run reads the rest.
func TestBouncesStoppedPOP3(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, h := heldCampaign(t, d, "pop3", "INBOX")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	stoppedAfterThree(t, h, "RETR 4\r\n", 3, "the next run skips them (they are remembered in the state folder's bounces.read) and reads the 2 not read yet", camp)
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitOK || !strings.Contains(out, "5 messages in the mailbox, 3 skipped (read by earlier runs): 2 matched this campaign (2 bounced; 2 new)") ||
		!strings.Contains(out, "(3 messages read by earlier runs were skipped") {
		t.Fatalf("second run: code %d\n%s%s", code, out, errOut)
	}
	if n := feedbackRecords(t, camp); n != 5 {
		t.Errorf("journal has %d feedback records, want 5", n)
	}
	if n := len(d.Messages(t, bounceUser, "INBOX")); n != 5 {
		t.Errorf("INBOX holds %d messages, want the 5 (nothing deleted)", n)
	}

	// --delete reads every message: those only read before too.
	stoppedAfterThree(t, h, "RETR 4\r\n", 0, "the 3 reports among them were deleted on a new session; the next run reads the 2 not read yet", "--delete", camp)
	if n := len(d.Messages(t, bounceUser, "INBOX")); n != 2 {
		t.Fatalf("after the stopped --delete run INBOX holds %d messages, want 2", n)
	}
	out, errOut, code = runCLI(t, "bounces", "--delete", camp)
	if code != exitOK || !strings.Contains(out, "2 messages in the mailbox: 2 matched this campaign (2 bounced; 0 new)") || !strings.Contains(out, "2 reports deleted") {
		t.Fatalf("next --delete run: code %d\n%s%s", code, out, errOut)
	}
}

// TestBouncesRememberedOtherList: a campaign whose suppress: names
// another list since a read-only run (Dovecot over IMAP) reads the
// mailbox again, as the run says (a dry run says it would, and leaves
// bounces.read as it was), and the reports recorded already list
// their addresses in the new list, as the README promises (the journal
// names the list each went to); the run after that skips them again.
func TestBouncesRememberedOtherList(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, _ := heldCampaign(t, d, "imap", "INBOX")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	if out, errOut, code := runCLI(t, "bounces", camp); code != exitOK || !strings.Contains(out, "5 new)") {
		t.Fatalf("first run: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{
		"c.yaml":    strings.Replace(readFile(t, camp), "suppress: suppress.txt", "suppress: other.txt", 1),
		"other.txt": "",
	})
	memory := filepath.Join(filepath.Dir(camp), ".tidings", "t", "bounces.read")
	before := readFile(t, memory)
	out, errOut, code := runCLI(t, "bounces", "--dry-run", camp)
	if code != exitOK || !strings.Contains(out, "would be forgotten: the campaign's suppress: list is another") || !strings.Contains(out, "5 addresses would be added") || readFile(t, memory) != before {
		t.Fatalf("dry run with another list: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "bounces", camp)
	if code != exitOK || !strings.Contains(out, "5 messages in the mailbox: 5 matched this campaign (5 bounced; 0 new)") ||
		!strings.Contains(out, "is forgotten: the campaign's suppress: list is another") {
		t.Fatalf("run with another list: code %d\n%s%s", code, out, errOut)
	}
	if list := readFile(t, filepath.Join(filepath.Dir(camp), "other.txt")); strings.Count(list, "@example.org  # bounced") != 5 {
		t.Errorf("the other list:\n%s", list)
	}
	out, errOut, code = runCLI(t, "bounces", camp)
	if code != exitOK || !strings.Contains(out, "(5 messages read by earlier runs were skipped") {
		t.Errorf("the run after: code %d\n%s%s", code, out, errOut)
	}
	if n := feedbackRecords(t, camp); n != 5 {
		t.Errorf("journal has %d feedback records, want 5", n)
	}
}

// TestBouncesMovesPastOtherMail: a run with --move-to that --max-time
// stops after three messages, none a report (replies left in the
// mailbox), remembers them, and the next run with --move-to skips them
// and reads on to the reports after them, which it moves: a folder with
// more other mail than one run can read gets through (a run that moves
// read every message again).
func TestBouncesMovesPastOtherMail(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, h := heldCampaign(t, d, "imap", "INBOX")
	for i := range 3 {
		d.Deliver(t, bounceUser, []byte(fmt.Sprintf("From: amy%d@example.org\r\nTo: news@example.test\r\nSubject: Re: November\r\nMessage-ID: <reply%d@example.org>\r\n\r\nThanks!\r\n", i, i)))
	}
	for _, r := range fiveBounces(t, camp)[:2] {
		d.Deliver(t, bounceUser, r)
	}
	h.hold("UID FETCH 4 (UID RFC822.SIZE)")
	out, errOut, code := runCLI(t, "bounces", "--max-time", "4s", "--move-to", "Junk", camp)
	if code != exitUnusable || h.heldCount() != 1 ||
		!strings.Contains(errOut, "what the 3 of 5 messages read before it held is recorded, and none of them was a report to move: the next run skips them (they are remembered in the state folder's bounces.read) and reads the 2 not read yet") {
		t.Fatalf("stopped run: code %d, held %d\n%s%s", code, h.heldCount(), out, errOut)
	}
	out, errOut, code = runCLI(t, "bounces", "--move-to", "Junk", camp)
	if code != exitOK || !strings.Contains(out, "5 messages in the mailbox, 3 skipped (read by earlier runs): 2 matched this campaign (2 bounced; 2 new)") || !strings.Contains(out, "2 reports moved to Junk") {
		t.Fatalf("next run: code %d\n%s%s", code, out, errOut)
	}
	if inbox, junk := len(d.Messages(t, bounceUser, "INBOX")), len(d.Messages(t, bounceUser, "Junk")); inbox != 3 || junk != 2 {
		t.Errorf("INBOX %d, Junk %d; want the 3 replies left and the 2 reports moved", inbox, junk)
	}
	if out, errOut, code := runCLI(t, "bounces", "--move-to", "Junk", camp); code != exitOK || !strings.Contains(out, "3 messages in the mailbox, 3 skipped (read by earlier runs): 0 matched") {
		t.Errorf("third run: code %d\n%s%s", code, out, errOut)
	}
}

// TestBouncesStoppedInterrupted: Ctrl-C (SIGINT) while a run that
// --max-time stopped moves what it read on a new session (Dovecot over
// IMAP, the MOVE held) ends the run as every interrupted command ends,
// exit 130, where it exited 2; what was read stays recorded, the reports
// stay in the mailbox, and it says so.
func TestBouncesStoppedInterrupted(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, h := heldCampaign(t, d, "imap", "INBOX")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	h.hold("UID FETCH 4 (UID RFC822.SIZE)")
	run := startCommand(ctx, t, bin, "bounces", "--max-time", "2s", "--move-to", "Junk", camp)
	waitFor(t, func() bool { return h.heldCount() == 1 })
	h.hold("UID MOVE")
	waitFor(t, func() bool { return h.heldCount() == 2 }) // the new session's MOVE
	run.interrupt(ctx, t)
	errText, err := run.wait()
	code := exitOK
	if ee, ok := errors.AsType[*exec.ExitError](err); ok {
		code = ee.ExitCode()
	}
	if code != exitInterrupted || !strings.Contains(errText, "what the 3 of 5 messages read before it held is recorded, and moving them on a new session failed too (") ||
		!strings.Contains(errText, "the report was not rewritten (interrupted): tidings report ") || !strings.HasSuffix(errText, "tidings: interrupted\n") {
		t.Fatalf("exit %d (%v), want %d\n%s%s", code, err, exitInterrupted, run.stdout, errText)
	}
	if inbox, junk := len(d.Messages(t, bounceUser, "INBOX")), len(d.Messages(t, bounceUser, "Junk")); inbox != 5 || junk != 0 {
		t.Errorf("INBOX %d, Junk %d; want all 5 left", inbox, junk)
	}
	if n := feedbackRecords(t, camp); n != 3 {
		t.Errorf("journal has %d feedback records, want the 3 read", n)
	}
}

// TestBouncesJournalRestored: a journal restored from a backup older than
// bounces.read (Dovecot over IMAP) lacks the records of the reports
// bounces.read says were read, which a run skipping them never wrote: the
// run says the journal is shorter, reads the mailbox again and records
// them.
func TestBouncesJournalRestored(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	camp, _ := heldCampaign(t, d, "imap", "INBOX")
	for _, r := range fiveBounces(t, camp) {
		d.Deliver(t, bounceUser, r)
	}
	path := filepath.Join(filepath.Dir(camp), ".tidings", "t", "journal.jsonl")
	backup := readFile(t, path)
	if out, errOut, code := runCLI(t, "bounces", camp); code != exitOK || feedbackRecords(t, camp) != 5 {
		t.Fatalf("first run: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, filepath.Dir(path), map[string]string{"journal.jsonl": backup})
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitOK || !strings.Contains(out, "is forgotten: the campaign's journal is not the one they were recorded in (restored from an older backup?)") ||
		!strings.Contains(out, "5 messages in the mailbox: 5 matched this campaign (5 bounced; 5 new)") {
		t.Fatalf("run on the restored journal: code %d\n%s%s", code, out, errOut)
	}
	if n := feedbackRecords(t, camp); n != 5 {
		t.Errorf("journal has %d feedback records, want 5", n)
	}
	if out, errOut, code := runCLI(t, "bounces", camp); code != exitOK || !strings.Contains(out, "5 skipped (read by earlier runs)") {
		t.Errorf("the run after: code %d\n%s%s", code, out, errOut)
	}
}
