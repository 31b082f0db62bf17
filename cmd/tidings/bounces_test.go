package main

import (
	"bytes"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/bounces"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/mailbox"
	"github.com/tidings/tidings/sendpool/smtptest"
)

const bounceUser, bouncePass = "news@example.test", "dovecot-bounces-pw"

// bounceAuthserv is the authserv-id of the server receiving the tests'
// mailbox (mailbox.authserv_id); vouchedBy starts its
// Authentication-Results field, whose results follow.
const (
	bounceAuthserv = "mx.example.test"
	vouchedBy      = "Authentication-Results: " + bounceAuthserv
)

// sentBounceCampaign writes a campaign of five recipients sent through srv,
// with the mailbox section mailbox and a suppression list holding one
// older address, and returns its path.
func sentBounceCampaign(t *testing.T, srv *smtptest.Server, mailbox string) string {
	t.Helper()
	return sentBounceSheet(t, srv, mailbox, "email,name\nann@example.org,Ann\nbob@example.org,Bob\ncid@example.org,Cid\ndan@example.org,Dan\neve@example.org,Eve\n")
}

// sentBounceSheet is sentBounceCampaign with the sheet sheet, and its
// extra lines in mailbox (a cc: too, say; a recipients: line of its own
// in place of the sheet's without a key).
func sentBounceSheet(t *testing.T, srv *smtptest.Server, mailbox, sheet string) string {
	t.Helper()
	dir := t.TempDir()
	recipients := "recipients: {path: r.csv}\n"
	if strings.Contains(mailbox, "recipients:") {
		recipients = ""
	}
	writeFiles(t, dir, map[string]string{
		"c.yaml": fmt.Sprintf(`name: t
from: "News <news@example.test>"
to: '{{address .name .email}}'
subject: "December news for {{.name}}"
text: body.txt
%ssuppress: suppress.txt
unsubscribe: {mailto: "mailto:unsubscribe@example.test?subject=unsubscribe"}
smtp: {host: 127.0.0.1, port: %d, security: none}
send: {concurrency: 2, retry_backoff: 1ms}
%s`, recipients, srv.Port, mailbox),
		"body.txt":     "Hi {{.name}}\n",
		"r.csv":        sheet,
		"suppress.txt": "old@example.org  # from an earlier campaign\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != 0 {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	return camp
}

// messageIDs maps each key of the campaign's report to its Message-ID.
func messageIDs(t *testing.T, camp string) map[string]string {
	ids := map[string]string{}
	for _, r := range readReport(t, camp) {
		ids[r["key"]] = r["message_id"]
	}
	return ids
}

// mailboxReports are what comes back after the campaign: a hard bounce
// (by Message-ID), a soft one (by envelope id), a complaint, an
// unsubscribe request, and mail that is none of those or not readable.
func mailboxReports(ids map[string]string) [][]byte {
	crlf := func(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }
	return [][]byte{
		crlf(dsnReport("<"+ids["ann@example.org"]+">", "", "ann@example.org", "failed", "5.1.1", "550 5.1.1 <ann@example.org>: Recipient address rejected: User unknown", "a1")),
		crlf(dsnReport("<lost@elsewhere>", ids["bob@example.org"], "bob@example.org", "delayed", "4.2.2", "452 4.2.2 mailbox full", "b1")),
		crlf(strings.ReplaceAll(arfReport, "MSGID", ids["cid@example.org"])),
		crlf(vouchedBy + "; dmarc=pass header.from=example.org\nFrom: Eve <eve@example.org>\nTo: unsubscribe@example.test\nSubject: unsubscribe\nMessage-ID: <u1@example.org>\n\nplease\n"),
		crlf("From: dan@example.org\nTo: news@example.test\nSubject: Automatic reply: December news\nMessage-ID: <ooo@example.org>\nAuto-Submitted: auto-replied\nX-Autoreply: yes\n\nAway until January.\n"),
		crlf("From: fay@example.org\nTo: news@example.test\nSubject: Re: December news\nMessage-ID: <p1@example.org>\n\nThanks!\n"),
		crlf(dsnReport("<december.abcdefghijklmnopqrstuvwx@news.example>", "", "zed@example.com", "failed", "5.1.1", "550 5.1.1 no such user", "z1")), // another campaign's
		crlf("From: MAILER-DAEMON@mx.example.net\nTo: news@example.test\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <trunc@mx.example.net>\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.exa"),
	}
}

func dsnReport(msgID, envID, rcpt, action, status, diag, id string) string {
	return fmt.Sprintf(`From: MAILER-DAEMON@mx.example.net
To: news@example.test
Subject: Undelivered Mail Returned to Sender
Message-ID: <%[7]s@mx.example.net>
Date: Fri, 04 Dec 2026 10:00:00 +0000
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

Your message could not be delivered.

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
Original-Envelope-Id: %[2]s

Final-Recipient: rfc822; %[3]s
Action: %[4]s
Status: %[5]s
Diagnostic-Code: smtp; %[6]s

--b
Content-Type: text/rfc822-headers

From: news@example.test
To: %[3]s
Subject: December news
Message-ID: %[1]s

--b--
`, msgID, envID, rcpt, action, status, diag, id)
}

const arfReport = `From: fbl@isp.example
To: news@example.test
Subject: FW: December news
Message-ID: <arf1@isp.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="f"

--f
Content-Type: text/plain

This is an email abuse report.

--f
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: ExampleFBL/1.0
Version: 1
Original-Rcpt-To: cid@example.org

--f
Content-Type: text/rfc822-headers

From: news@example.test
To: cid@example.org
Message-ID: <MSGID>
Subject: December news

--f--
`

// TestBouncesDovecotIMAP: bounces over IMAP (STARTTLS, a private Dovecot)
// records the hard bounce, the soft one, the complaint and the
// unsubscribe request; suppresses the hard bounce, the complaint and the
// request; counts the unreadable and foreign reports (exit 1); records
// nothing twice on a second run; moves only the matched reports when
// asked; and the next campaign sharing the list skips those addresses.
func TestBouncesDovecotIMAP(t *testing.T) {
	t.Parallel()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{Users: []smtptest.MailUser{{Name: bounceUser, Password: bouncePass}}})
	srv := smtptest.NewServer(t, smtptest.WithDSN())
	camp := sentBounceCampaign(t, srv, fmt.Sprintf("mailbox: {protocol: imap, host: 127.0.0.1, port: %d, security: starttls, username: %s, password_env: TIDINGS_BOUNCES_PW, ca_file: %s, authserv_id: %s}\n",
		d.IMAPPort, bounceUser, d.CAFile, bounceAuthserv))
	for _, r := range mailboxReports(messageIDs(t, camp)) {
		d.Deliver(t, bounceUser, r)
	}
	appendOld(t, camp, "INBOX", "From: amy@example.org\r\nTo: news@example.test\r\nSubject: Lunch?\r\nMessage-ID: <lunch@example.org>\r\n\r\nFrom 2020.\r\n", time.Date(2020, 3, 4, 12, 0, 0, 0, time.UTC))
	supFile := filepath.Join(filepath.Dir(camp), "suppress.txt")
	before, _ := os.ReadFile(supFile)

	// --quiet (cron's) keeps the counts, not the words on the messages
	// left unread as older than the campaign, which every run leaves.
	out, errOut, code := runCLI(t, "bounces", "-q", "--dry-run", camp)
	if after, _ := os.ReadFile(supFile); code != exitSomeFailed || !bytes.Equal(after, before) || !strings.Contains(out, "3 addresses would be added") || strings.Contains(out, "were not read)") {
		t.Fatalf("dry run, --quiet: code %d, list %q\n%s%s", code, after, out, errOut)
	}
	out, errOut, code = runCLI(t, "bounces", camp)
	if code != exitSomeFailed {
		t.Fatalf("bounces: code %d\n%s%s", code, out, errOut)
	}
	// The 2020 message is not read: 8 messages, not 9.
	for _, want := range []string{"8 messages in the mailbox: 4 matched this campaign (1 bounced, 1 soft-bounce, 1 complained, 1 unsubscribed; 4 new), 1 unreadable, 0 about no message of this campaign, 1 about another tidings campaign's messages, 1 auto-reply ignored, 1 other left alone",
		"row 2", "ann@example.org", "5.1.1", "unreadable", "\nnote: rows as the sheet numbered them when the message was sent: tidings show " + camp + " ADDRESS finds one now\n", "a report (dsn) about a message of campaign december, not this one",
		"(messages the mailbox received before " + time.Now().Add(-48*time.Hour).UTC().Format("2 Jan 2006") + ", two days before the campaign's first run, were not read)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Top down: what was read first, then what was found under its
	// heading, then the note on the rows (it came first, indented, with
	// no heading above it: rev-user21).
	read, found, note := strings.Index(out, "t: 8 messages in the mailbox"), strings.Index(out, "\nfound, one a line"), strings.Index(out, "\nnote: rows as the sheet")
	if read != 0 || found < read || note < found || strings.Index(out, "  row 2 ") < found || strings.Index(out, "  row 2 ") > note {
		t.Errorf("output not in the order read, found, note:\n%s", out)
	}
	list, _ := os.ReadFile(supFile)
	for _, want := range []string{"old@example.org", "ann@example.org  # bounced 5.1.1, tidings bounces, campaign t, ", "cid@example.org  # complained, tidings bounces", "eve@example.org  # unsubscribed, tidings bounces"} {
		if !strings.Contains(string(list), want) {
			t.Errorf("suppression list lacks %q:\n%s", want, list)
		}
	}
	if strings.Contains(string(list), "bob@") {
		t.Errorf("a soft bounce was suppressed:\n%s", list)
	}
	status := map[string]string{}
	for _, r := range readReport(t, camp) {
		status[r["key"]] = r["status"]
	}
	if status["ann@example.org"] != "bounced" || status["bob@example.org"] != "soft-bounce" || status["cid@example.org"] != "complained" || status["dan@example.org"] != "sent" {
		t.Errorf("report statuses %v", status)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(camp), ".tidings", "t", "report.html")); err != nil {
		t.Errorf("report page: %v", err)
	}
	// A send run after it keeps what went out as it went: the addresses
	// now on the suppression list were sent to, then bounced or
	// complained; they are not "suppressed" in the report.
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != 0 || strings.Contains(out, "suppressed") {
		t.Errorf("send after bounces: code %d\n%s%s", code, out, errOut)
	}
	for _, r := range readReport(t, camp) {
		if want := status[r["key"]]; r["status"] != want {
			t.Errorf("after a send: %s is %s, was %s", r["key"], r["status"], want)
		}
	}

	// The runs that move skip the four the first run read and left in
	// the mailbox as no report (unreadable, foreign, auto-reply, other:
	// told, with exit 1, by the run that read them), and read the four
	// reports again, to move them.
	skipped := "8 messages in the mailbox, 4 skipped (read by earlier runs): 4 matched this campaign (1 bounced, 1 soft-bounce, 1 complained, 1 unsubscribed; 0 new), 0 unreadable"
	out, errOut, code = runCLI(t, "bounces", "--dry-run", "--move-to", "Trash", camp)
	if code != exitOK || !strings.Contains(out, skipped) || !strings.Contains(out, "dry run: nothing was recorded, written or moved (4 reports would be moved to Trash)") || len(d.Messages(t, bounceUser, "Trash")) != 0 {
		t.Errorf("dry run with --move-to: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "bounces", "--move-to", "Trash", camp)
	if code != exitOK || !strings.Contains(out, skipped) || !strings.Contains(out, "0 addresses added") || !strings.Contains(out, "4 reports moved to Trash") {
		t.Errorf("second run: code %d\n%s%s", code, out, errOut)
	}
	if again, _ := os.ReadFile(supFile); !bytes.Equal(again, list) {
		t.Errorf("the second run changed the list:\n%s", again)
	}
	st, err := journal.Load(t.Context(), filepath.Join(filepath.Dir(camp), ".tidings", "t"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 5*2+4 {
		t.Errorf("journal has %d records, want 10 for the send and 4 feedback records (and none from the send that found nothing to do)", st.Records)
	}
	if inbox, trash := len(d.Messages(t, bounceUser, "INBOX")), len(d.Messages(t, bounceUser, "Trash")); inbox != 5 || trash != 4 {
		t.Errorf("INBOX %d, Trash %d; want the 4 matched reports moved, the 4 others and the old one left", inbox, trash)
	}

	// The next campaign sharing the list skips those addresses.
	next := strings.Replace(readFile(t, camp), "name: t\n", "name: t2\n", 1)
	nextCamp := filepath.Join(filepath.Dir(camp), "next.yaml")
	writeFiles(t, filepath.Dir(camp), map[string]string{"next.yaml": next})
	out, errOut, _ = runCLI(t, "check", nextCamp)
	if !strings.Contains(out+errOut, "3 suppressed") {
		t.Errorf("check of the next campaign:\n%s%s", out, errOut)
	}
}

// appendOld stores raw in the campaign's IMAP mailbox folder with date as
// the date the server received it (APPEND with an internal date).
func appendOld(t *testing.T, camp, folder, raw string, date time.Time) {
	t.Helper()
	c, err := campaign.Load(camp)
	if err != nil {
		t.Fatal(err)
	}
	cfg := mailbox.ConfigFrom(c.Mailbox, os.Getenv(c.Mailbox.PasswordEnv))
	cfg.SentFolder = folder
	st, err := mailbox.OpenSent(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(t.Context())
	if err := st.Append(t.Context(), []byte(raw), date); err != nil {
		t.Fatal(err)
	}
}

// popBounces is a campaign sent to srv (an in-process server offering
// DSN) with the sheet sheet (sentBounceCampaign's when empty) and the
// extra lines extra, whose mailbox is mailpit's POP3 server, and a func
// that delivers reports there (LF line ends made CRLF).
func popBounces(t *testing.T, extra, sheet string) (camp string, srv *smtptest.Server, mp *smtptest.Mailpit, deliver func(reports ...string)) {
	t.Helper()
	cert := smtptest.NewCert(t, "127.0.0.1")
	const smtpUser, smtpPass = "sender", "mailpit-smtp-pw"
	mp = smtptest.StartMailpit(t, cert, smtpUser, smtpPass, smtptest.MailpitPOP3(bounceUser, bouncePass))
	srv = smtptest.NewServer(t, smtptest.WithDSN())
	mailbox := extra + fmt.Sprintf("mailbox: {protocol: pop3, host: 127.0.0.1, port: %d, security: none, username: %s, password_env: TIDINGS_BOUNCES_PW, authserv_id: %s}\n", mp.POP3Port, bounceUser, bounceAuthserv)
	if sheet == "" {
		camp = sentBounceCampaign(t, srv, mailbox)
	} else {
		camp = sentBounceSheet(t, srv, mailbox, sheet)
	}
	deliver = func(reports ...string) {
		var raw [][]byte
		for _, r := range reports {
			raw = append(raw, []byte(strings.ReplaceAll(strings.ReplaceAll(r, "\r\n", "\n"), "\n", "\r\n")))
		}
		deliverToMailpit(t, mp, cert, smtpUser, smtpPass, bounceUser, raw...)
	}
	return camp, srv, mp, deliver
}

// TestBouncesMailpitPOP3: bounces over POP3 (mailpit's server) matches
// the same reports, and --delete removes the matched ones only.
func TestBouncesMailpitPOP3(t *testing.T) {
	t.Parallel()
	camp, _, mp, deliver := popBounces(t, "", "")
	var reports []string
	for _, r := range mailboxReports(messageIDs(t, camp)) {
		reports = append(reports, string(r))
	}
	deliver(reports...)
	supFile := filepath.Join(filepath.Dir(camp), "suppress.txt")
	before := readFile(t, supFile)
	if _, errOut, code := runCLI(t, "bounces", "--move-to", "Junk", camp); code != exitUnusable || !strings.Contains(errOut, "IMAP only") || readFile(t, supFile) != before {
		t.Errorf("--move-to over POP3: code %d, list changed %v\n%s", code, readFile(t, supFile) != before, errOut)
	}
	out, errOut, code := runCLI(t, "bounces", "--delete", camp)
	if code != exitSomeFailed || !strings.Contains(out, "4 matched this campaign (1 bounced, 1 soft-bounce, 1 complained, 1 unsubscribed; 4 new)") || !strings.Contains(out, "4 reports deleted") {
		t.Fatalf("bounces over POP3: code %d\n%s%s", code, out, errOut)
	}
	if n := len(mp.Messages(t)); n != 4 {
		t.Errorf("mailpit holds %d messages after --delete, want the 4 unmatched", n)
	}
}

// TestBouncesRefuses: without a suppress: file, without a mailbox:
// section, or with a --name nothing was sent under or no name at all,
// bounces exits 2 and says why; while a send holds the lock, 75 (run it
// again later).
func TestBouncesRefuses(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sentBounceCampaign(t, srv, "mailbox: {protocol: imap, host: 127.0.0.1, port: 1, security: none, username: u, password_env: TIDINGS_BOUNCES_PW}\n")
	text := readFile(t, camp)
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{
		"nosup.yaml": strings.Replace(text, "suppress: suppress.txt\n", "", 1),
		"nobox.yaml": text[:strings.Index(text, "mailbox:")],
	})
	for file, want := range map[string]string{"nosup.yaml": "no suppress: file; set suppress:", "nobox.yaml": "no mailbox: section"} {
		_, errOut, code := runCLI(t, "bounces", filepath.Join(dir, file))
		if code != exitUnusable || !strings.Contains(errOut, want) {
			t.Errorf("%s: code %d\n%s", file, code, errOut)
		}
	}
	for name, want := range map[string]string{"never-sent": "--name never-sent: no journal in", "bad name!": `--name: name: "bad name!" may hold only`} {
		_, errOut, code := runCLI(t, "bounces", "--name", name, camp)
		if code != exitUnusable || !strings.Contains(errOut, want) {
			t.Errorf("--name %s: code %d\n%s", name, code, errOut)
		}
	}
	lock, err := journal.AcquireLock(filepath.Join(dir, ".tidings", "t"))
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	_, errOut, code := runCLI(t, "bounces", camp)
	if code != exitTempFail || !strings.Contains(errOut, strconv.Itoa(os.Getpid())) {
		t.Errorf("while locked: code %d\n%s", code, errOut)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMailtoShared: the unsubscribe address counts as shared when it is
// the mailbox's own, the From's or the Reply-To's (any case), and its
// subject= is read from the mailto.
func TestMailtoShared(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mailto, from, replyTo, user string
		shared                      bool
		subject                     string
	}{
		{"mailto:unsubscribe@x.test?subject=unsubscribe", "News <news@x.test>", "", "news@x.test", false, "unsubscribe"},
		{"mailto:news@x.test", "News <news@x.test>", "", "box@x.test", true, ""},
		{"mailto:News@X.test?subject=Remove%20me", "a@x.test", "", "news@x.test", true, "Remove me"},
		{"mailto:help@x.test", "a@x.test", "Help <help@x.test>", "", true, ""},
		{"mailto:help@x.test?subject=Abmelden+bitte", "a@x.test", "Sales <s@x.test>, Help <help@x.test>", "", true, "Abmelden+bitte"},
		{"mailto:u@x.test?subject={{.id}}", "{{.from}}", "", "", false, ""},
	} {
		c := &campaign.Campaign{From: tc.from, ReplyTo: tc.replyTo}
		c.Unsubscribe.Mailto, c.Mailbox.Username = tc.mailto, tc.user
		if got := mailtoShared(c); got != tc.shared {
			t.Errorf("%s: shared %v, want %v", tc.mailto, got, tc.shared)
		}
		if got := mailtoSubject(c); got != tc.subject {
			t.Errorf("%s: subject %q, want %q", tc.mailto, got, tc.subject)
		}
	}
}

// TestForeignFindingWords: a report about another tidings campaign's
// message names that campaign; one about a message tidings did not make
// says it is about no message of this campaign.
func TestForeignFindingWords(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		f    bounces.Finding
		want string
	}{
		{bounces.Finding{ID: "7", Verdict: bounces.Foreign, Format: "dsn", Subject: "Undelivered", Campaign: "december"},
			`  message 7: a report (dsn) about a message of campaign december, not this one (subject "Undelivered")`},
		{bounces.Finding{ID: "8", Verdict: bounces.Foreign, Format: "arf", Subject: "Abuse"},
			`  message 8: a report (arf) about no message of this campaign (subject "Abuse")`},
	} {
		var b strings.Builder
		printFinding(&b, c.f, findingColumns{8, 28})
		if got := strings.TrimRight(b.String(), "\n"); got != c.want {
			t.Errorf("got  %s\nwant %s", got, c.want)
		}
	}
}

// TestBouncesCc: a campaign with a Cc sends, then a bounce about the Cc
// that names neither the message nor the original recipient (as Exim's
// and Gmail's plain-text bounces do) and a complaint the Cc filed reach a
// POP3 mailbox (mailpit): bounces matches both to the row by the
// envelope the journal keeps, and suppresses the Cc, not the To.
func TestBouncesCc(t *testing.T) {
	t.Parallel()
	camp, _, _, deliver := popBounces(t, "cc: '{{.cc}}'\n", "email,name,cc\ndee@example.org,Dee,ccdee@example.org\nann@example.org,Ann,\n")
	dir := filepath.Dir(camp)
	bounce := strings.Replace(dsnReport("<elsewhere@mx.example.net>", "", "ccdee@example.org", "failed", "5.1.1", "550 5.1.1 no such user", "cc1"), "Message-ID: <elsewhere@mx.example.net>\n", "", 1)
	complaint := strings.NewReplacer("Original-Rcpt-To: cid@example.org", "Original-Rcpt-To: ccdee@example.org",
		"To: cid@example.org", "To: dee@example.org\nCc: ccdee@example.org", "MSGID", messageIDs(t, camp)["dee@example.org"]).Replace(arfReport)
	stranger := vouchedBy + "; dkim=pass header.d=example.net\nFrom: Sam <sam@example.net>\nTo: unsubscribe@example.test\nSubject: unsubscribe\nMessage-ID: <u9@example.net>\n\nplease\n"
	deliver(bounce, complaint, stranger)
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitOK || !strings.Contains(out, "2 matched this campaign (1 bounced, 1 complained; 2 new)") || !strings.Contains(out, ", 1 unsubscribe request from addresses that are no row's (listed all the same)") {
		t.Fatalf("bounces: code %d\n%s%s", code, out, errOut)
	}
	list := readFile(t, filepath.Join(dir, "suppress.txt"))
	var addrs []string
	for line := range strings.Lines(list) {
		if f := strings.Fields(line); len(f) > 0 {
			addrs = append(addrs, f[0])
		}
	}
	slices.Sort(addrs)
	if strings.Join(addrs, " ") != "ccdee@example.org old@example.org sam@example.net" {
		t.Errorf("suppress.txt, want the Cc and the stranger who asked:\n%s", list)
	}
	if r := rowByKey(t, camp, "dee@example.org"); r["status"] != "complained" || !strings.HasPrefix(r["detail"], "complained for ccdee@example.org (a Cc or Bcc of the message, not its To)") {
		t.Errorf("report of dee's row: %s %q", r["status"], r["detail"])
	}
}

// TestBouncesShowByKey: bounces said "tidings show c.yaml ADDRESS finds
// one now" of a campaign whose key is no address (a shop's 注文番号),
// where show ADDRESS finds nothing and exits 1 (today's review): it gives
// the command with the row's key, which show finds.
func TestBouncesShowByKey(t *testing.T) {
	t.Parallel()
	camp, _, _, deliver := popBounces(t, "recipients: {path: r.csv, key: 注文番号}\n", "注文番号,email,name\nA-1001,ann@example.org,Ann\n")
	deliver(dsnReport(messageIDs(t, camp)["A-1001"], "", "ann@example.org", "failed", "5.1.1", "550 5.1.1 no such user", "k1"))
	out, errOut, code := runCLI(t, "bounces", camp)
	want := "tidings show " + camp + " A-1001 finds row 2's now, each row by its 注文番号\n"
	if code != exitOK || !strings.Contains(out, want) {
		t.Fatalf("bounces: code %d, want %q\n%s%s", code, want, out, errOut)
	}
	// Off a terminal (a timer's service: journald makes each line an
	// entry) no line is blank.
	assertNoBlankLine(t, "bounces", out+errOut)
	if out, errOut, code := runCLI(t, "show", camp, "A-1001"); code != exitOK || !strings.Contains(out, "ann@example.org") {
		t.Errorf("the command bounces gave: code %d\n%s%s", code, out, errOut)
	}
}

// deliverToMailpit hands each of msgs to mailpit's SMTP server (STARTTLS,
// a login as user), for the mailbox to.
func deliverToMailpit(t *testing.T, mp *smtptest.Mailpit, cert *smtptest.Cert, user, pass, to string, msgs ...[]byte) {
	t.Helper()
	c, err := smtp.DialStartTLS("127.0.0.1:"+strconv.Itoa(mp.SMTPPort), &tls.Config{RootCAs: cert.Pool, ServerName: "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Quit()
	if err := c.Auth(sasl.NewPlainClient("", user, pass)); err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if err := c.SendMail("mailer-daemon@example.net", []string{to}, bytes.NewReader(m)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestBouncesPolicyRefusal: a hard bounce that refused the sender's mail
// (Gmail's 550 5.7.26 DMARC) marks the row bounced but lists no address:
// every recipient there would bounce alike until the sender fixes its
// DMARC, and bounces says so; nor does it hold back the row's corrected
// message.
func TestBouncesPolicyRefusal(t *testing.T) {
	t.Parallel()
	camp, srv, _, deliver := popBounces(t, "", "email,name\nann@example.org,Ann\n")
	id := messageIDs(t, camp)["ann@example.org"]
	bounce := dsnReport(id, "", "ann@example.org", "failed", "5.7.26", "550-5.7.26 Unauthenticated email from example.test is not accepted due to domain's DMARC policy.", "p1")
	deliver(bounce)
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitOK || !strings.Contains(out, "1 matched this campaign (1 bounced; 1 new)") ||
		!strings.Contains(out, "warning: 1 hard bounce refused the message or its sender, not the address") || !strings.Contains(out, "5.7.26") {
		t.Fatalf("bounces: code %d\n%s%s", code, out, errOut)
	}
	if list := readFile(t, filepath.Join(filepath.Dir(camp), "suppress.txt")); strings.Contains(list, "ann@example.org") {
		t.Errorf("suppress.txt lists ann for a DMARC refusal:\n%s", list)
	}
	if r := rowByKey(t, camp, "ann@example.org"); r["status"] != "bounced" {
		t.Errorf("report of ann's row: %s %q, want bounced", r["status"], r["detail"])
	}
	// DMARC fixed, the row corrected: --resend-changed sends it again,
	// since the address was never the problem.
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nann@example.org,Ann Lee\n"})
	out, errOut, code = runCLI(t, "send", "--yes", "--resend-changed", camp)
	if code != exitOK || srv.Received("ann@example.org") != 2 {
		t.Errorf("send --resend-changed after a policy bounce: code %d, ann got %d messages, want 2\n%s%s", code, srv.Received("ann@example.org"), out, errOut)
	}
}

// TestBouncesSizeRefusal: a hard bounce for a message over the
// receiving side's size limit (Gmail's 552-5.2.3, Exchange's 5.2.3
// RESOLVER.RST.RecipSizeLimit) refused the message, not the address: the
// row is bounced and the warning names the size, but the address is not
// suppressed, as for a 5.3.4 "message too big".
func TestBouncesSizeRefusal(t *testing.T) {
	t.Parallel()
	camp, _, _, deliver := popBounces(t, "", "email,name\nann@example.org,Ann\nbob@example.org,Bob\n")
	ids := messageIDs(t, camp)
	deliver(dsnReport(ids["ann@example.org"], "", "ann@example.org", "failed", "5.2.3", "552-5.2.3 Your message exceeded Google's message size limits.", "s1"),
		dsnReport(ids["bob@example.org"], "", "bob@example.org", "failed", "5.2.3", "550 5.2.3 RESOLVER.RST.RecipSizeLimit; message too large for this recipient", "s2"))
	out, errOut, code := runCLI(t, "bounces", camp)
	if code != exitOK || !strings.Contains(out, "2 matched this campaign (2 bounced; 2 new)") ||
		!strings.Contains(out, "warning: 2 hard bounces refused the message or its sender, not the address") {
		t.Fatalf("bounces: code %d\n%s%s", code, out, errOut)
	}
	if list := readFile(t, filepath.Join(filepath.Dir(camp), "suppress.txt")); strings.Contains(list, "ann@") || strings.Contains(list, "bob@") {
		t.Errorf("suppress.txt lists an address whose message was too large:\n%s", list)
	}
	for _, k := range []string{"ann@example.org", "bob@example.org"} {
		if r := rowByKey(t, camp, k); r["status"] != "bounced" {
			t.Errorf("report of %s: %s %q, want bounced", k, r["status"], r["detail"])
		}
	}
}

// TestBouncesCreatesMissingList: a cron job's first bounces run, before
// any report came in, under a suppress: list not made yet (bounces asks
// for the setting; the file does not exist), leaves the list there,
// empty, so that the next day's send is not stopped for want of it (it
// was, exit 2, until a first bounce came); a dry run creates nothing.
func TestBouncesCreatesMissingList(t *testing.T) {
	t.Parallel()
	camp, _, _, _ := popBounces(t, "", "")
	supFile := filepath.Join(filepath.Dir(camp), "suppress.txt")
	if err := os.Remove(supFile); err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := runCLI(t, "bounces", "--dry-run", camp); code != exitOK || fileExists(supFile) {
		t.Errorf("bounces --dry-run: code %d, list made %v\n%s%s", code, fileExists(supFile), out, errOut)
	}
	if out, errOut, code := runCLI(t, "bounces", camp); code != exitOK || !strings.Contains(out, "0 addresses added to ") {
		t.Errorf("bounces: code %d\n%s%s", code, out, errOut)
	}
	if got, err := os.ReadFile(supFile); err != nil || len(got) != 0 {
		t.Errorf("the list after bounces: %q, %v; want it there, empty", got, err)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Errorf("the next send: code %d\n%s%s", code, out, errOut)
	}
}

// fileExists reports whether path names a file (or anything) now.
func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

// TestBouncesNothingWritesNothing: a cron job's bounces run that finds no
// report adds no run line to the journal (it added one every run, so a job
// every ten minutes grew the journal by a line each time for nothing),
// and a run that finds some records them under its run as before.
func TestBouncesNothingWritesNothing(t *testing.T) {
	t.Parallel()
	camp, _, _, deliver := popBounces(t, "", "")
	journalPath := filepath.Join(filepath.Dir(camp), ".tidings", "t", journal.FileName)
	before := readFile(t, journalPath)
	for run := 1; run <= 2; run++ {
		if out, errOut, code := runCLI(t, "bounces", camp); code != exitOK {
			t.Fatalf("bounces %d: code %d\n%s%s", run, code, out, errOut)
		}
	}
	if after := readFile(t, journalPath); after != before {
		t.Errorf("two bounces runs that found nothing wrote to the journal:\n%s", strings.TrimPrefix(after, before))
	}
	var reports []string
	for _, r := range mailboxReports(messageIDs(t, camp)) {
		reports = append(reports, string(r))
	}
	deliver(reports...)
	out, errOut, _ := runCLI(t, "bounces", camp)
	added := strings.TrimPrefix(readFile(t, journalPath), before)
	if !strings.Contains(added, `"command":"bounces"`) || !strings.Contains(added, `"type":"feedback"`) {
		t.Errorf("bounces that found reports journaled:\n%s\nout:\n%s%s", added, out, errOut)
	}
}

// TestBouncesDryRunNoList: bounces --dry-run on a campaign without a
// suppress: file stopped with exit 2 ("no suppress: file"), where a dry
// run, writing nothing, is how a user finds out what bounces would do;
// it shows what it would add to suppress.txt beside the campaign, which
// it names as the setting to make, and writes nothing; a real run still
// refuses, naming the dry run.
func TestBouncesDryRunNoList(t *testing.T) {
	t.Parallel()
	camp, _, _, deliver := popBounces(t, "", "")
	deliver(dsnReport(messageIDs(t, camp)["ann@example.org"], "", "ann@example.org", "failed", "5.1.1", "550 5.1.1 no such user", "k1"))
	writeFiles(t, filepath.Dir(camp), map[string]string{"c.yaml": strings.Replace(readFile(t, camp), "suppress: suppress.txt\n", "", 1)})
	list := filepath.Join(filepath.Dir(camp), "suppress.txt")
	os.Remove(list)
	out, errOut, code := runCLI(t, "bounces", "--dry-run", camp)
	want := "1 address would be added to " + displayPath(list) + " (" + displayPath(camp) + " names no suppress: file: set suppress: suppress.txt, and bounces without --dry-run adds them there)\n  ann@example.org  # bounced 5.1.1"
	if code == exitUnusable || !strings.Contains(out, want) || !strings.Contains(out, "dry run: nothing was recorded") {
		t.Errorf("bounces --dry-run without suppress:: code %d, want %q\n%s%s", code, want, out, errOut)
	}
	if _, err := os.Stat(list); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the dry run wrote %s: %v", list, err)
	}
	if _, errOut, code := runCLI(t, "bounces", camp); code != exitUnusable || !strings.Contains(errOut, "no suppress: file; set suppress: suppress.txt") || !strings.Contains(errOut, "bounces --dry-run shows what it would add") {
		t.Errorf("bounces without suppress:: code %d\n%s", code, errOut)
	}
}
