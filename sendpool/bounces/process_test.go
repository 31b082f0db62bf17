package bounces

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/mailbox"
)

var t0 = time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)

// memMailbox is a folder of messages held in memory: the mailbox side of
// the interface, with what Process did to it kept for the test to see.
// (The IMAP and POP3 mailboxes are tried against Dovecot and mailpit in
// cmd/tidings.)
type memMailbox struct {
	msgs    map[string][]byte
	order   []string
	moved   map[string]string
	deleted []string
	// refuse and gone make Fetch fail for these ids: the server refuses,
	// or another client removed the message since List.
	refuse, gone map[string]bool
	// listErr makes List fail with it.
	listErr error
}

func newMemMailbox(msgs ...string) *memMailbox {
	mb := &memMailbox{msgs: map[string][]byte{}, moved: map[string]string{}}
	for i, m := range msgs {
		id := fmt.Sprint(i + 1)
		mb.msgs[id] = []byte(strings.ReplaceAll(m, "\n", "\r\n"))
		mb.order = append(mb.order, id)
	}
	return mb
}

func (mb *memMailbox) List(context.Context, time.Time) ([]mailbox.Entry, error) {
	if mb.listErr != nil {
		return nil, mb.listErr
	}
	var out []mailbox.Entry
	for _, id := range mb.order {
		if b, ok := mb.msgs[id]; ok {
			out = append(out, mailbox.Entry{ID: id, Size: int64(len(b))})
		}
	}
	return out, nil
}

func (mb *memMailbox) Fetch(_ context.Context, id string, max int64) ([]byte, error) {
	switch {
	case mb.refuse[id]:
		return nil, &mailbox.ReplyError{Command: "FETCH", Status: "NO", Text: "message is broken"}
	case mb.gone[id]:
		return nil, fmt.Errorf("%w: %s", mailbox.ErrNotFound, id)
	}
	if int64(len(mb.msgs[id])) > max {
		return nil, mailbox.ErrTooLarge
	}
	return mb.msgs[id], nil
}

func (mb *memMailbox) Head(ctx context.Context, id string, max int64) ([]byte, error) {
	b, err := mb.Fetch(ctx, id, MaxMessage)
	if i := bytes.Index(b, []byte("\r\n\r\n")); i >= 0 {
		b = b[:i+4]
	}
	if err == nil && int64(len(b)) > max {
		err = mailbox.ErrTooLarge
	}
	return b, err
}

func (mb *memMailbox) Delete(_ context.Context, ids []string) error {
	for _, id := range ids {
		delete(mb.msgs, id)
		mb.deleted = append(mb.deleted, id)
	}
	return nil
}

func (mb *memMailbox) CheckDispose(_ context.Context, moveTo string, _ bool) error {
	if moveTo == "Nowhere" {
		return errors.New("no folder Nowhere")
	}
	return nil
}

// Scope is a folder's of IMAP UIDs that stay what they are.
func (mb *memMailbox) Scope() mailbox.Scope { return mailbox.Scope{Key: "mem", UIDs: true} }

func (mb *memMailbox) Move(_ context.Context, ids []string, folder string) error {
	for _, id := range ids {
		delete(mb.msgs, id)
		mb.moved[id] = folder
	}
	return nil
}

// sent writes a journal in dir in which each address was sent a message
// whose Message-ID is "<n.tidings@news.example>" (n its row).
func sent(t *testing.T, dir string, addrs ...string) {
	t.Helper()
	var attempts []journal.Attempt
	for i, a := range addrs {
		attempts = append(attempts, journal.Attempt{Row: i + 2, Key: a, To: a, MessageID: fmt.Sprintf("%d.tidings@news.example", i+2)})
	}
	sentMessages(t, dir, attempts)
}

// journalRecorder writes feedback to the journal in dir, as the bounces
// command does.
func journalRecorder(t *testing.T, dir string) (*journal.Writer, func()) {
	t.Helper()
	lock, err := journal.AcquireLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	w, err := journal.Open(context.Background(), lock, journal.Run{PID: 2, Started: t0})
	if err != nil {
		t.Fatal(err)
	}
	return w, func() { w.Close(); lock.Release() }
}

func index(t *testing.T, dir string) *Index {
	t.Helper()
	st, err := journal.Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ix, err := NewIndex(st)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func dsn(msgID, envID, rcpt, action, status, diag string) string {
	return fmt.Sprintf(`From: MAILER-DAEMON@mx.example.net
To: news@news.example
Subject: Undelivered Mail Returned to Sender
Message-ID: <dsn-%[3]s-%[5]s@mx.example.net>
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
Original-Recipient: rfc822; %[3]s
Action: %[4]s
Status: %[5]s
Diagnostic-Code: smtp; %[6]s

--b
Content-Type: text/rfc822-headers

From: news@news.example
To: %[3]s
Subject: December news
Message-ID: %[1]s

--b--
`, msgID, envID, rcpt, action, status, diag)
}

const arf = `From: feedback@fbl.example.com
To: abuse@news.example
Subject: complaint about message
Message-ID: <arf-1@fbl.example.com>
Date: Fri, 04 Dec 2026 11:00:00 +0000
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

From: news@news.example
To: cid@example.org
Message-ID: <4.tidings@news.example>
Subject: December news

--f--
`

const vacation = `From: dan@example.org
To: news@news.example
Subject: Out of Office: December news
Message-ID: <ooo-1@example.org>
Auto-Submitted: auto-replied
Content-Type: text/plain

I am away until January.
`

// authserv is the authserv-id of the server receiving the tests'
// mailbox; vouched is its Authentication-Results for mail From
// example.org.
const (
	authserv = "mx.news.example"
	vouched  = "Authentication-Results: " + authserv + "; dkim=pass header.d=example.org; dmarc=pass header.from=example.org\n"
)

const unsubscribe = vouched + `From: Eve <eve@example.org>
To: unsubscribe@news.example
Subject: unsubscribe
Message-ID: <u-1@example.org>
Content-Type: text/plain

please
`

const truncated = `From: MAILER-DAEMON@mx.example.net
To: news@news.example
Subject: Undelivered Mail Returned to Sender
Message-ID: <trunc@mx.example.net>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.exa`

const personal = `From: fay@example.org
To: news@news.example
Subject: Re: December news
Message-ID: <p-1@example.org>
Content-Type: text/plain

Thanks!
`

// TestProcess: each kind of message in the mailbox gets its verdict; the
// journal gets one feedback record per bounced, complaining or
// unsubscribing recipient; hard bounces, complaints and unsubscribe
// requests go to the suppression list with a comment, soft bounces do not;
// only the matched reports are moved; a second run records and adds
// nothing.
func TestProcess(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sent(t, dir, "ann@example.org", "bob@example.org", "cid@example.org", "dan@example.org", "eve@example.org")
	supFile := filepath.Join(t.TempDir(), "suppress.txt")
	if err := os.WriteFile(supFile, []byte("old@example.org"), 0o644); err != nil { // no final newline
		t.Fatal(err)
	}
	mb := newMemMailbox(
		dsn("<2.tidings@news.example>", "", "ann@example.org", "failed", "5.1.1", "550 5.1.1 <ann@example.org>: user unknown"),
		dsn("<nothing@else>", "3.tidings@news.example", "bob@example.org", "failed", "5.2.2", "552 5.2.2 mailbox full"),
		arf, vacation, unsubscribe, truncated, personal,
		dsn("<other@campaign>", "", "zed@example.com", "failed", "5.1.1", "550 5.1.1 no such user"),
	)
	opts := Options{Unsubscribe: "unsubscribe@news.example", AuthservID: authserv, SuppressFile: supFile, Campaign: "December news", Now: func() time.Time { return t0 }}
	run := func() *Summary {
		t.Helper()
		sup, err := campaign.LoadSuppression(supFile)
		if err != nil {
			t.Fatal(err)
		}
		opts.Suppressed = sup
		w, done := journalRecorder(t, dir)
		defer done()
		sum, err := Process(ctx, mb, index(t, dir), w, opts)
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	sum := run()
	want := []Verdict{Matched, Matched, Matched, AutoReply, Matched, Unreadable, Other, Foreign}
	if len(sum.Findings) != len(want) {
		t.Fatalf("%d findings, want %d", len(sum.Findings), len(want))
	}
	for i, f := range sum.Findings {
		if f.Verdict != want[i] {
			t.Errorf("message %s (%q): %v, want %v (%s)", f.ID, f.Subject, f.Verdict, want[i], f.Problem)
		}
	}
	if f := sum.Findings[5]; f.Problem == "" || f.Subject != "Undelivered Mail Returned to Sender" {
		t.Errorf("the truncated report's problem is %q, its subject %q", f.Problem, f.Subject)
	}
	st, err := journal.Load(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[string]sendpool.Status{}
	for r, err := range st.Report() {
		if err != nil {
			t.Fatal(err)
		}
		statuses[r.Key] = r.Status
	}
	wantStatus := map[string]sendpool.Status{"ann@example.org": sendpool.StatusBounced, "bob@example.org": sendpool.StatusSoftBounce,
		"cid@example.org": sendpool.StatusComplained, "dan@example.org": sendpool.StatusSent, "eve@example.org": sendpool.StatusSent}
	for k, s := range wantStatus {
		if statuses[k] != s {
			t.Errorf("%s is %v, want %v", k, statuses[k], s)
		}
	}
	if e, err := st.Entry("eve@example.org"); err != nil || e.Feedback == nil || e.Feedback.Kind != journal.FeedbackUnsubscribed {
		t.Errorf("eve's unsubscribe request is not recorded: %+v, %v", e, err)
	}
	got, _ := os.ReadFile(supFile)
	wantList := "old@example.org\n" +
		"ann@example.org  # bounced 5.1.1, tidings bounces, campaign December news, 2026-12-04\n" +
		"cid@example.org  # complained, tidings bounces, campaign December news, 2026-12-04\n" +
		"eve@example.org  # unsubscribed, tidings bounces, campaign December news, 2026-12-04\n"
	if string(got) != wantList {
		t.Errorf("suppression list:\n%s\nwant:\n%s", got, wantList)
	}
	if _, err := campaign.LoadSuppression(supFile); err != nil {
		t.Errorf("the list does not read back: %v", err)
	}
	if len(mb.moved) != 0 || len(mb.deleted) != 0 {
		t.Errorf("the mailbox was touched without being asked: moved %v, deleted %v", mb.moved, mb.deleted)
	}

	opts.MoveTo = "Processed"
	again := run()
	for _, f := range again.Findings {
		if f.New != 0 {
			t.Errorf("second run recorded %d new for message %s", f.New, f.ID)
		}
	}
	if len(again.Suppress) != 0 {
		t.Errorf("second run suppresses %v again", again.Suppress)
	}
	if got2, _ := os.ReadFile(supFile); string(got2) != wantList {
		t.Errorf("second run changed the list:\n%s", got2)
	}
	moved := slices.Sorted(func(yield func(string) bool) {
		for id := range mb.moved {
			if !yield(id) {
				return
			}
		}
	})
	if !slices.Equal(moved, []string{"1", "2", "3", "5"}) || again.Processed != 4 {
		t.Errorf("moved %v (processed %d), want the four matched reports", moved, again.Processed)
	}
}

// TestProcessDryRun: a dry run says what it would do and writes nothing.
func TestProcessDryRun(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sent(t, dir, "ann@example.org")
	supFile := filepath.Join(t.TempDir(), "suppress.txt")
	mb := newMemMailbox(dsn("<2.tidings@news.example>", "", "ann@example.org", "failed", "5.1.1", "550 5.1.1 user unknown"))
	w, done := journalRecorder(t, dir)
	sum, err := Process(ctx, mb, index(t, dir), w, Options{DryRun: true, Delete: true, SuppressFile: supFile, Campaign: "x"})
	done()
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Suppress) != 1 || sum.Suppress[0].Address != "ann@example.org" || sum.Findings[0].New != 1 {
		t.Errorf("dry run summary %+v", sum)
	}
	if _, err := os.Stat(supFile); !os.IsNotExist(err) {
		t.Errorf("dry run wrote the suppression list: %v", err)
	}
	if len(mb.deleted) != 0 {
		t.Errorf("dry run deleted %v", mb.deleted)
	}
	st, _ := journal.Load(ctx, dir)
	if e, err := st.Entry("ann@example.org"); err != nil || e.Feedback != nil {
		t.Errorf("dry run recorded %+v, %v", e, err)
	}
}

// TestProcessRefusesOddAddress: an address a report names that would not
// read back as one line of the list is reported, not written.
func TestProcessRefusesOddAddress(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sent(t, dir, "ann@example.org")
	supFile := filepath.Join(t.TempDir(), "suppress.txt")
	odd := strings.Replace(unsubscribe, "Eve <eve@example.org>", `"a # b"@example.org`, 1)
	mb := newMemMailbox(odd)
	w, done := journalRecorder(t, dir)
	sum, err := Process(ctx, mb, index(t, dir), w, Options{Unsubscribe: "unsubscribe@news.example", AuthservID: authserv, SuppressFile: supFile, Campaign: "x"})
	done()
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Suppress) != 0 || len(sum.Refused) != 1 {
		t.Errorf("suppress %v, refused %v", sum.Suppress, sum.Refused)
	}
}

// TestProcessRefusesHashAddress: "#" is atext, so a#b@example.org is an
// address, but the list reads "#" as a comment's start: written, the
// line would read back as "a", which no list takes, and every campaign
// sharing the list would stop at it. A report naming such an address
// (anyone can send an unsubscribe request) is refused, not written.
func TestProcessRefusesHashAddress(t *testing.T) {
	dir := t.TempDir()
	sent(t, dir, "ann@example.org")
	supFile := filepath.Join(t.TempDir(), "suppress.txt")
	if err := os.WriteFile(supFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	odd := strings.Replace(unsubscribe, "Eve <eve@example.org>", "a#b@example.org", 1)
	w, done := journalRecorder(t, dir)
	sum, err := Process(context.Background(), newMemMailbox(odd), index(t, dir), w, Options{Unsubscribe: "unsubscribe@news.example", AuthservID: authserv, SuppressFile: supFile, Campaign: "x"})
	done()
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Suppress) != 0 || len(sum.Refused) != 1 {
		t.Errorf("suppress %v, refused %v", sum.Suppress, sum.Refused)
	}
	if _, err := campaign.LoadSuppression(supFile); err != nil {
		t.Errorf("the list no longer loads: %v", err)
	}
}

// TestProcessLargeMessage: a message larger than MaxMessage is not read,
// and counted unreadable.
func TestProcessLargeMessage(t *testing.T) {
	dir := t.TempDir()
	sent(t, dir, "ann@example.org")
	mb := &sizedMailbox{memMailbox: newMemMailbox(personal)}
	w, done := journalRecorder(t, dir)
	sum, err := Process(context.Background(), mb, index(t, dir), w, Options{SuppressFile: filepath.Join(dir, "s")})
	done()
	if err != nil {
		t.Fatal(err)
	}
	if f := sum.Findings[0]; f.Verdict != Unreadable || !strings.Contains(f.Problem, "larger than") || mb.fetched {
		t.Errorf("finding %+v, fetched %v", f, mb.fetched)
	}
}

type sizedMailbox struct {
	*memMailbox
	fetched bool
}

func (mb *sizedMailbox) List(ctx context.Context, since time.Time) ([]mailbox.Entry, error) {
	l, err := mb.memMailbox.List(ctx, since)
	for i := range l {
		l[i].Size = 50 << 20
	}
	return l, err
}

func (mb *sizedMailbox) Fetch(ctx context.Context, id string, max int64) ([]byte, error) {
	mb.fetched = true
	return mb.memMailbox.Fetch(ctx, id, max)
}

// TestProcessOtherMessages: a report naming a message tidings made that
// is no row's is never matched by address: another campaign's is Foreign
// (although its recipient is on this list), this campaign's test
// message's is Other. A Message-ID tidings did not make (a relay rewrote
// it) leaves the address to decide. A --move-to that cannot work stops
// the run before anything is recorded.
func TestProcessOtherMessages(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sent(t, dir, "ann@example.org")
	supFile := filepath.Join(t.TempDir(), "suppress.txt")
	mb := newMemMailbox(
		dsn("<december.abcdefghijklmnopqrstuvwx@news.example>", "", "ann@example.org", "failed", "5.1.1", "550 5.1.1 no such user"),
		dsn("<news.abcdefghijklmnopqrstuvwx@news.example>", "", "ann@example.org", "failed", "5.1.1", "550 5.1.1 no such user"),
		dsn("<0100018c2f3a4b5c-1234@email.amazonses.com>", "", "ann@example.org", "failed", "5.1.1", "550 5.1.1 no such user"),
	)
	w, done := journalRecorder(t, dir)
	defer done()
	opts := Options{SuppressFile: supFile, Campaign: "news"}
	sum, err := Process(ctx, mb, index(t, dir), w, opts)
	if err != nil {
		t.Fatal(err)
	}
	if v := []Verdict{sum.Findings[0].Verdict, sum.Findings[1].Verdict, sum.Findings[2].Verdict}; v[0] != Foreign || v[1] != Other || v[2] != Matched {
		t.Errorf("verdicts %v, want foreign, other, matched", v)
	}
	if c := sum.Findings[0].Campaign; c != "december" {
		t.Errorf("the foreign report's campaign is %q, want december", c)
	}
	opts.MoveTo, opts.SuppressFile = "Nowhere", filepath.Join(t.TempDir(), "other.txt")
	if _, err := Process(ctx, newMemMailbox(dsn("<2.tidings@news.example>", "", "ann@example.org", "failed", "5.1.1", "550")), index(t, dir), w, opts); err == nil {
		t.Fatal("a move to a missing folder went ahead")
	}
	if _, err := os.Stat(opts.SuppressFile); !os.IsNotExist(err) {
		t.Errorf("the suppression list was written before the move was found impossible: %v", err)
	}
}

// TestProcessRedactedComplaint: a feedback report that redacts the
// recipient (RFC 6590) but names the row's message suppresses the row's
// address, not the redacted one; a bounce for a forwarding target without
// an ORCPT records the bounce but suppresses nothing of the row's.
func TestProcessRedactedComplaint(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sent(t, dir, "ann@example.org", "bob@example.org", "cid@example.org")
	supFile := filepath.Join(t.TempDir(), "suppress.txt")
	redacted := strings.ReplaceAll(arf, "cid@example.org", "redacted@example.net")
	forwarded := strings.Replace(dsn("<2.tidings@news.example>", "", "ann.l@gmail.example", "failed", "5.1.1", "550 5.1.1 no such user"), "Original-Recipient: rfc822; ann.l@gmail.example\n", "", 1)
	mb := newMemMailbox(redacted, forwarded)
	w, done := journalRecorder(t, dir)
	defer done()
	sum, err := Process(ctx, mb, index(t, dir), w, Options{SuppressFile: supFile, Campaign: "x"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range sum.Suppress {
		got = append(got, s.Address)
	}
	if strings.Join(got, " ") != "cid@example.org" {
		t.Errorf("suppressed %v, want the complaining row's address only", got)
	}
	if m := sum.Findings[1].Matches; len(m) != 1 || m[0].Entry == nil || m[0].Entry.Key != "ann@example.org" || m[0].Kind != journal.FeedbackBounced {
		t.Errorf("the forwarded bounce: %+v", m)
	}
}

// TestProcessFetchFailures: a message the server refuses to give is named
// unreadable and one removed meanwhile passed over; the others are read.
func TestProcessFetchFailures(t *testing.T) {
	dir := t.TempDir()
	sent(t, dir, "ann@example.org")
	mb := newMemMailbox(personal, personal, dsn("<2.tidings@news.example>", "", "ann@example.org", "failed", "5.1.1", "550 5.1.1 no such user"))
	mb.refuse, mb.gone = map[string]bool{"1": true}, map[string]bool{"2": true}
	w, done := journalRecorder(t, dir)
	defer done()
	sum, err := Process(context.Background(), mb, index(t, dir), w, Options{SuppressFile: filepath.Join(t.TempDir(), "s.txt")})
	if err != nil {
		t.Fatal(err)
	}
	if f := sum.Findings; f[0].Verdict != Unreadable || !strings.Contains(f[0].Problem, "message is broken") || f[1].Verdict != Other || f[2].Verdict != Matched {
		t.Errorf("findings %+v", f)
	}
}

// TestProcessListRefused: a server refusing to list the folder's
// messages (SEARCH answered NO) or without the folder is the run's error,
// as it is, not a run stopped by a limit or a lost connection, whose
// words promise that the next run reads the mailbox; a lost connection
// still is one.
func TestProcessListRefused(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		err     error
		stopped bool
	}{
		{&mailbox.ReplyError{Command: "UID SEARCH", Status: "NO", Text: "search refused"}, false},
		{&mailbox.FolderError{Folder: "Bounces"}, false},
		{fmt.Errorf("mailbox: UID SEARCH: %w", io.ErrUnexpectedEOF), true},
	} {
		mb := newMemMailbox()
		mb.listErr = c.err
		_, err := Process(context.Background(), mb, index(t, dir), nil, Options{SuppressFile: filepath.Join(t.TempDir(), "s.txt")})
		_, stopped := errors.AsType[*StoppedError](err)
		if !errors.Is(err, c.err) || stopped != c.stopped {
			t.Errorf("List failing with %v: Process = %v (a stop: %v), want it wrapped, a stop: %v", c.err, err, stopped, c.stopped)
		}
	}
}

// TestProcessSharedUnsubscribeAddress: when the unsubscribe address also
// gets other mail (it is the From, where replies go), a reply or any other
// letter to it is no request; only a Subject that asks (the word, in
// English or Chinese, or the mailto's own subject=, its + also read as a
// space) is. A dedicated
// address takes every message as one.
func TestProcessSharedUnsubscribeAddress(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sent(t, dir, "ann@example.org", "bob@example.org")
	letter := func(from, subject string) string {
		return vouched + "From: " + from + "\nTo: news@news.example\nSubject: " + subject + "\nMessage-ID: <" + strings.ReplaceAll(subject, " ", "") + "@example.org>\n\nHello.\n"
	}
	mb := newMemMailbox(
		letter("amy@example.org", "Lunch?"),
		letter("ann@example.org", "Re: December news"),
		letter("bob@example.org", "Unsubscribe"),
		letter("cid@example.org", "退订"),
		letter("dan@example.org", "please remove me"),
		letter("eve@example.org", "Abmelden bitte"),
	)
	w, done := journalRecorder(t, dir)
	defer done()
	opts := Options{Unsubscribe: "news@news.example", UnsubscribeShared: true, UnsubscribeSubject: "Abmelden+bitte", AuthservID: authserv,
		SuppressFile: filepath.Join(t.TempDir(), "suppress.txt"), Campaign: "news", DryRun: true}
	sum, err := Process(ctx, mb, index(t, dir), w, opts)
	if err != nil {
		t.Fatal(err)
	}
	var got []Verdict
	for _, f := range sum.Findings {
		got = append(got, f.Verdict)
	}
	if want := []Verdict{Other, Other, Matched, Matched, Other, Matched}; !slices.Equal(got, want) {
		t.Errorf("shared address: verdicts %v, want %v (%+v)", got, want, sum.Findings[0])
	}
	opts.UnsubscribeShared = false
	sum, err = Process(ctx, mb, index(t, dir), w, opts)
	if err != nil {
		t.Fatal(err)
	}
	if n := sum.Count(Matched); n != 6 {
		t.Errorf("dedicated address: %d requests, want every message", n)
	}
}

// TestReplyCode: the reply code at the start of a diagnostic, or quoted
// before an enhanced code inside a plain-text bounce's.
func TestReplyCode(t *testing.T) {
	for diag, want := range map[string]int{
		"550 5.1.1 <a@x>: User unknown": 550,
		"452-4.2.2 full":                452,
		"host mailin.example.net [192.0.2.51] said: 550 5.1.1 <bob@example.net>: Recipient address rejected": 550,
		"(reason: 554 5.7.1 rejected)":                                       554,
		"Remote server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound'": 550,
		"mailbox unavailable":                                                0,
		"tried 3 times, 12 hours":                                            0,
		"port 2525 refused 5.0.0":                                            0,
		"1550 5.1.1 not a code":                                              0,
	} {
		if got := replyCode(diag); got != want {
			t.Errorf("replyCode(%q) = %d, want %d", diag, got, want)
		}
	}
}

// TestProcessCcRecipient: a bounce or a complaint about a Cc, or about
// the second address of a To, is matched to its row by the message's
// envelope (journal.Attempt.Envelope), also when the report names no
// original recipient or no Message-ID, and suppresses that address, not
// the row's first.
func TestProcessCcRecipient(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sentMessages(t, dir, []journal.Attempt{
		{Row: 2, Key: "dee@example.org", To: "Dee <dee@example.org>", Envelope: []string{"dee@example.org", "ccdee@example.org"}, MessageID: "2.tidings@news.example"},
		{Row: 3, Key: "INV-3", To: "Ann <ann@example.org>, Bob <bob@example.org>", Envelope: []string{"ann@example.org", "bob@example.org"}, MessageID: "3.tidings@news.example"},
	})

	noORCPT := func(s, rcpt string) string {
		return strings.Replace(s, "Original-Recipient: rfc822; "+rcpt+"\n", "", 1)
	}
	ccBounce := noORCPT(dsn("", "", "ccdee@example.org", "failed", "5.1.1", "550 5.1.1 no such user"), "ccdee@example.org")
	ccComplaint := strings.NewReplacer("Original-Rcpt-To: cid@example.org", "Original-Rcpt-To: ccdee@example.org",
		"To: cid@example.org", "To: dee@example.org\nCc: ccdee@example.org", "<4.tidings@news.example>", "<2.tidings@news.example>").Replace(arf)
	secondTo := noORCPT(dsn("", "", "bob@example.org", "failed", "5.1.1", "550 5.1.1 no such user"), "bob@example.org")
	mb := newMemMailbox(ccBounce, ccComplaint, secondTo)
	rec, done := journalRecorder(t, dir)
	defer done()
	sum, err := Process(ctx, mb, index(t, dir), rec, Options{SuppressFile: filepath.Join(t.TempDir(), "suppress.txt"), Campaign: "x"})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		row       int
		recipient string
		kind      journal.FeedbackKind
	}{{2, "ccdee@example.org", journal.FeedbackBounced}, {2, "ccdee@example.org", journal.FeedbackComplained}, {3, "bob@example.org", journal.FeedbackBounced}}
	for i, f := range sum.Findings {
		if f.Verdict != Matched || len(f.Matches) != 1 {
			t.Fatalf("report %d: %v %+v", i, f.Verdict, f.Matches)
		}
		m := f.Matches[0]
		if m.Entry == nil || m.Entry.Row != want[i].row || m.Recipient != want[i].recipient || m.Kind != want[i].kind || m.Suppress != want[i].recipient {
			t.Errorf("report %d: row %v recipient %q kind %v suppress %q; want %+v", i, m.Entry, m.Recipient, m.Kind, m.Suppress, want[i])
		}
	}
	var got []string
	for _, s := range sum.Suppress {
		got = append(got, s.Address)
	}
	slices.Sort(got)
	if got = slices.Compact(got); strings.Join(got, " ") != "bob@example.org ccdee@example.org" {
		t.Errorf("suppressed %v, want the Cc and the To's second address, never dee", got)
	}
}

// failingRecorder stands for a run stopped after the suppression list was
// written and before the journal was.
type failingRecorder struct{}

func (failingRecorder) Feedback(context.Context, journal.Feedback) error {
	return errors.New("stopped")
}

// TestProcessListWrittenFirst: the suppression list is written before the
// journal, so a run stopped between the two leaves the address listed and
// the next run records the report without listing it twice; an address
// taken out of the list by hand stays out while the reports about it are
// ones the journal has, and a new report lists it again.
func TestProcessListWrittenFirst(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sent(t, dir, "ann@example.org")
	supFile := filepath.Join(t.TempDir(), "suppress.txt")
	if err := os.WriteFile(supFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	bounce := dsn("<2.tidings@news.example>", "", "ann@example.org", "failed", "5.1.1", "550 5.1.1 user unknown")
	mb := newMemMailbox(bounce)
	run := func(rec Recorder) (*Summary, error) {
		t.Helper()
		sup, err := campaign.LoadSuppression(supFile)
		if err != nil {
			t.Fatal(err)
		}
		return Process(ctx, mb, index(t, dir), rec, Options{SuppressFile: supFile, Suppressed: sup, Campaign: "x", Now: func() time.Time { return t0 }})
	}
	listed := func() int {
		b, _ := os.ReadFile(supFile)
		return strings.Count(string(b), "ann@example.org")
	}
	if _, err := run(failingRecorder{}); err == nil || listed() != 1 {
		t.Fatalf("stopped run: %v, ann listed %d times, want once", err, listed())
	}
	w, done := journalRecorder(t, dir)
	sum, err := run(w)
	done()
	if err != nil || sum.Findings[0].New != 1 || len(sum.Suppress) != 0 || listed() != 1 {
		t.Fatalf("run after the stop: %v, new %d, suppress %v, ann listed %d times", err, sum.Findings[0].New, sum.Suppress, listed())
	}
	if err := os.WriteFile(supFile, nil, 0o644); err != nil { // taken out by hand
		t.Fatal(err)
	}
	w, done = journalRecorder(t, dir)
	sum, err = run(w)
	done()
	if err != nil || len(sum.Suppress) != 0 || listed() != 0 {
		t.Fatalf("run after the address was taken out: %v, suppress %v, ann listed %d times", err, sum.Suppress, listed())
	}
	mb = newMemMailbox(bounce, strings.ReplaceAll(bounce, "<dsn-ann@example.org-5.1.1@mx.example.net>", "<dsn-2@mx.example.net>"))
	w, done = journalRecorder(t, dir)
	sum, err = run(w)
	done()
	if err != nil || len(sum.Suppress) != 1 || listed() != 1 {
		t.Fatalf("run with a new report: %v, suppress %v, ann listed %d times", err, sum.Suppress, listed())
	}
}

// TestSuppressionWeightiestKind: an address two reports of one run
// suppress is listed once, its comment naming the weightier kind.
func TestSuppressionWeightiestKind(t *testing.T) {
	s := newSuppressions(nil)
	s.add(Match{Suppress: "Gus@example.org", Kind: journal.FeedbackUnsubscribed})
	s.add(Match{Suppress: "gus@example.org", Kind: journal.FeedbackBounced, Status: "5.1.1"})
	s.add(Match{Suppress: "gus@example.org", Kind: journal.FeedbackUnsubscribed})
	if len(s.list) != 1 || s.list[0].Kind != journal.FeedbackBounced || s.list[0].Status != "5.1.1" {
		t.Errorf("list %+v, want gus once, bounced 5.1.1", s.list)
	}
}

// TestSuppressionOneForm: an address reported once with its domain in
// Unicode and once in ASCII (IDNA) form is one line of the list, as the
// list reads both; the run lists it as listed in either form.
func TestSuppressionOneForm(t *testing.T) {
	s := newSuppressions(nil)
	s.add(Match{Suppress: "ann@bücher.example", Kind: journal.FeedbackUnsubscribed})
	s.add(Match{Suppress: "Ann@xn--bcher-kva.example", Kind: journal.FeedbackBounced, Status: "5.1.1"})
	if len(s.list) != 1 || s.list[0].Address != "ann@bücher.example" || s.list[0].Kind != journal.FeedbackBounced {
		t.Errorf("list %+v, want ann once, bounced", s.list)
	}
	if !s.listed("ann@xn--bcher-kva.example") || !s.listed("ANN@BÜCHER.example") {
		t.Error("ann not listed in both forms")
	}
}

// TestProcessCcOfAnotherRow: a report matched by address goes to the row
// that address is the key or To of, not to another row whose message
// went to it as a Cc; an address that several rows' messages went to as
// a Cc names no row, and its hard bounce suppresses it all the same.
func TestProcessCcOfAnotherRow(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sentMessages(t, dir, []journal.Attempt{
		{Row: 2, Key: "ann@example.org", To: "ann@example.org", MessageID: "2.tidings@news.example"},
		{Row: 3, Key: "bob@example.org", To: "bob@example.org", Envelope: []string{"bob@example.org", "ann@example.org", "acct@example.org"}, MessageID: "3.tidings@news.example"},
		{Row: 4, Key: "cid@example.org", To: "cid@example.org", Envelope: []string{"cid@example.org", "acct@example.org"}, MessageID: "4.tidings@news.example"},
	})
	bounce := func(rcpt string) string {
		return strings.Replace(dsn("", "", rcpt, "failed", "5.1.1", "550 5.1.1 no such user"), "Original-Recipient: rfc822; "+rcpt+"\n", "", 1)
	}
	mb := newMemMailbox(bounce("ann@example.org"), bounce("acct@example.org"))
	rec, done := journalRecorder(t, dir)
	list := filepath.Join(t.TempDir(), "suppress.txt")
	opts := Options{Unsubscribe: "unsubscribe@news.example", SuppressFile: list, Campaign: "x"}
	sum, err := Process(ctx, mb, index(t, dir), rec, opts)
	done()
	if err != nil {
		t.Fatal(err)
	}
	if m := sum.Findings[0].Matches; len(m) != 1 || m[0].Entry == nil || m[0].Entry.Row != 2 {
		t.Errorf("ann's bounce: %+v, want row 2, hers", m)
	}
	if f := sum.Findings[1]; f.Verdict != Matched || len(f.Matches) != 1 || f.Matches[0].Entry != nil || f.Matches[0].Suppress != "acct@example.org" || f.New != 1 {
		t.Errorf("a bounce for a Cc of rows 3 and 4: %v %+v, want no row's, new, and the address suppressed", f.Verdict, f.Matches)
	}
	if len(sum.Suppress) != 2 {
		t.Errorf("suppressed %+v, want ann and acct", sum.Suppress)
	}

	// The user takes both out of the list by hand: the reports, still in
	// the mailbox, list neither again.
	if err := os.WriteFile(list, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	rec, done = journalRecorder(t, dir)
	defer done()
	if sum, err = Process(ctx, mb, index(t, dir), rec, opts); err != nil {
		t.Fatal(err)
	}
	if len(sum.Suppress) != 0 || sum.Findings[1].New != 0 {
		t.Errorf("second run: suppressed %+v, %d new; want nothing listed again", sum.Suppress, sum.Findings[1].New)
	}
}

// TestProcessToAsItWent: a bounce for the address a message went to is
// that row's, and suppresses it, also after a later run noted the row
// invalid with another To.
func TestProcessToAsItWent(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sentMessages(t, dir, []journal.Attempt{{Row: 2, Key: "INV-1", To: "ann@example.org", MessageID: "2.tidings@news.example"}},
		journal.Result{Row: 2, Key: "INV-1", To: "ann.new@example.org", Status: sendpool.StatusInvalid, Detail: "a problem since"})
	bounce := strings.Replace(dsn("<2.tidings@news.example>", "", "ann@example.org", "failed", "5.1.1", "550 5.1.1 no such user"), "Original-Recipient: rfc822; ann@example.org\n", "", 1)
	rec, done := journalRecorder(t, dir)
	defer done()
	sum, err := Process(ctx, newMemMailbox(bounce), index(t, dir), rec, Options{SuppressFile: filepath.Join(t.TempDir(), "suppress.txt"), Campaign: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if m := sum.Findings[0].Matches; len(m) != 1 || m[0].Suppress != "ann@example.org" {
		t.Errorf("the bounce: %+v, want ann suppressed", m)
	}
}

// TestProcessListedElsewhere: a report the journal has lists its address
// again when the record names no list (an older tidings wrote the journal
// before the list) or another list than the campaign's now; the same
// report twice in the mailbox is recorded once.
func TestProcessListedElsewhere(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	sent(t, dir, "ann@example.org", "bob@example.org")
	supFile := filepath.Join(t.TempDir(), "suppress.txt")
	if err := os.WriteFile(supFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ann := dsn("<2.tidings@news.example>", "", "ann@example.org", "failed", "5.1.1", "550 5.1.1 user unknown")
	bob := dsn("<3.tidings@news.example>", "", "bob@example.org", "failed", "5.1.1", "550 5.1.1 user unknown")
	w, done := journalRecorder(t, dir)
	old := journal.Feedback{ID: journal.FeedbackID("dsn-ann@example.org-5.1.1@mx.example.net", "ann@example.org"), Row: 2, Key: "ann@example.org",
		Recipient: "ann@example.org", Kind: journal.FeedbackBounced, Status: "5.1.1", Recorded: t0} // as an older tidings wrote it
	if err := w.Feedback(ctx, old); err != nil {
		t.Fatal(err)
	}
	done()
	run := func(list string, mb *memMailbox) *Summary {
		t.Helper()
		sup, err := campaign.LoadSuppression(list)
		if err != nil {
			t.Fatal(err)
		}
		w, done := journalRecorder(t, dir)
		defer done()
		sum, err := Process(ctx, mb, index(t, dir), w, Options{SuppressFile: list, Suppressed: sup, Campaign: "x", Now: func() time.Time { return t0 }})
		if err != nil {
			t.Fatal(err)
		}
		return sum
	}
	sum := run(supFile, newMemMailbox(ann, bob, bob))
	if got, _ := os.ReadFile(supFile); strings.Count(string(got), "ann@") != 1 || strings.Count(string(got), "bob@") != 1 {
		t.Errorf("list after the first run:\n%s", got)
	}
	if n := sum.Findings[0].New + sum.Findings[1].New + sum.Findings[2].New; n != 1 {
		t.Errorf("%d new reports, want bob's once", n)
	}
	// The same list by another path (a symlink to its folder): its
	// addresses are there, ann's taken out by hand stays out.
	if err := os.WriteFile(supFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(filepath.Dir(supFile), link); err != nil {
		t.Fatal(err)
	}
	run(filepath.Join(link, "suppress.txt"), newMemMailbox(bob))
	if got, _ := os.ReadFile(supFile); len(got) != 0 {
		t.Errorf("the list by another path lists again what is recorded there:\n%s", got)
	}
	other := filepath.Join(t.TempDir(), "other.txt")
	if err := os.WriteFile(other, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	run(other, newMemMailbox(ann, bob))
	if got, _ := os.ReadFile(other); strings.Count(string(got), "ann@") != 1 || strings.Count(string(got), "bob@") != 1 {
		t.Errorf("another list: the reports recorded for the first list list their addresses in it too:\n%s", got)
	}
}

// sentMessages writes a journal in dir in which each attempt's message
// was sent, then the extra results, in one run.
func sentMessages(t testing.TB, dir string, attempts []journal.Attempt, extra ...journal.Result) {
	t.Helper()
	ctx := context.Background()
	lock, err := journal.AcquireLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	w, err := journal.Open(ctx, lock, journal.Run{PID: 1, Started: t0})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, a := range attempts {
		a.Try, a.Time = 1, t0
		if err := w.Attempt(ctx, a); err != nil {
			t.Fatal(err)
		}
		if err := w.Result(ctx, journal.Result{Row: a.Row, Key: a.Key, To: a.To, Status: sendpool.StatusSent, Attempts: 1, Code: 250, MessageID: a.MessageID}); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range extra {
		if err := w.Result(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
}

// TestProcessOriginalRecipientForms: a DSN's Original-Recipient as MTAs
// write it. An MTA that echoes the ORCPT as sent gives it xtext-encoded
// (ann+2Bnews@ is ann+news@, RFC 3461 4.2): that address is suppressed,
// not the encoded one; an address that only looks encoded (ann+2024@)
// stays as it is. Exchange's "X500;/o=…" is no Internet address: the
// Final-Recipient is the address suppressed. A policy refusal (5.7.26,
// DMARC: the sender's mail, not the address) is recorded bounced but
// suppresses nothing; a 5.7.1 whose words refuse the address does.
func TestProcessOriginalRecipientForms(t *testing.T) {
	for _, tc := range []struct {
		name, rcpt, orcpt, status, diag, want string
	}{
		{"xtext", "ann+news@example.org", "rfc822; ann+2Bnews@example.org", "5.1.1", "550 5.1.1 no such user", "ann+news@example.org"},
		{"looks encoded", "ann+2024@example.org", "rfc822; ann+2024@example.org", "5.1.1", "550 5.1.1 no such user", "ann+2024@example.org"},
		{"X500", "bob@example.net", "X500;/o=ExchangeLabs/ou=Exchange Administrative Group/cn=Recipients/cn=bob", "5.1.10", "550 5.1.10 RESOLVER.ADR.RecipientNotFound", "bob@example.net"},
		{"policy", "cy@example.org", "rfc822; cy@example.org", "5.7.26", "550 5.7.26 Unauthenticated email from news.example is not accepted due to domain's DMARC policy", ""},
		{"recipient refused in 5.7.1", "dee@example.org", "rfc822; dee@example.org", "5.7.1", "554 5.7.1 <dee@example.org>: Recipient address rejected: Access denied", "dee@example.org"},
		{"generic words of a policy refusal", "eve@example.org", "rfc822; eve@example.org", "5.7.1", "550 5.7.1 Requested action not taken: mailbox unavailable (rejected for policy reasons: spam)", ""},
		{"the sender refused", "fay@example.org", "rfc822; fay@example.org", "5.7.1", "550 5.7.1 <news@news.example>: Sender address rejected: Domain does not exist", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			sent(t, dir, tc.rcpt)
			bounce := strings.Replace(dsn("<2.tidings@news.example>", "", tc.rcpt, "failed", tc.status, tc.diag),
				"Original-Recipient: rfc822; "+tc.rcpt+"\n", "Original-Recipient: "+tc.orcpt+"\n", 1)
			rec, done := journalRecorder(t, dir)
			defer done()
			sum, err := Process(context.Background(), newMemMailbox(bounce), index(t, dir), rec, Options{SuppressFile: filepath.Join(t.TempDir(), "suppress.txt"), Campaign: "x"})
			if err != nil {
				t.Fatal(err)
			}
			m := sum.Findings[0].Matches
			if len(m) != 1 || m[0].Entry == nil || m[0].Entry.Row != 2 || m[0].Kind != journal.FeedbackBounced || m[0].Suppress != tc.want {
				t.Fatalf("the bounce: %+v, want row 2 bounced, %q suppressed", m, tc.want)
			}
			if tc.want == "" && (len(sum.Suppress) != 0 || !m[0].Policy) {
				t.Errorf("policy refusal: Policy %v, %d addresses listed; want it told as such, none listed", m[0].Policy, len(sum.Suppress))
			}
		})
	}
}

// TestProcessSharedCcPolicyBounce: a policy refusal (DMARC) of a Cc that
// several rows' messages went to is told as such and lists nothing, as
// one about a row's own address.
func TestProcessSharedCcPolicyBounce(t *testing.T) {
	dir := t.TempDir()
	sentMessages(t, dir, []journal.Attempt{
		{Row: 2, Key: "bob@example.org", To: "bob@example.org", Envelope: []string{"bob@example.org", "acct@example.org"}, MessageID: "2.tidings@news.example"},
		{Row: 3, Key: "cid@example.org", To: "cid@example.org", Envelope: []string{"cid@example.org", "acct@example.org"}, MessageID: "3.tidings@news.example"},
	})
	bounce := strings.Replace(dsn("", "", "acct@example.org", "failed", "5.7.26", "550 5.7.26 Unauthenticated email is not accepted due to domain's DMARC policy"),
		"Original-Recipient: rfc822; acct@example.org\n", "", 1)
	rec, done := journalRecorder(t, dir)
	defer done()
	sum, err := Process(context.Background(), newMemMailbox(bounce), index(t, dir), rec, Options{SuppressFile: filepath.Join(t.TempDir(), "suppress.txt"), Campaign: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if m := sum.Findings[0].Matches; len(m) != 1 || m[0].Entry != nil || !m[0].Policy || m[0].Suppress != "" || len(sum.Suppress) != 0 {
		t.Errorf("a DMARC bounce of a shared Cc: %+v, listed %v; want a policy bounce of no row, nothing listed", m, sum.Suppress)
	}
}

// TestProcessForgedOriginalRecipient: anyone can mail the bounce mailbox,
// and a recipient knows their own message's Message-ID. A DSN about that
// message (by its Message-ID, or by the recipient's own address) whose
// Original-Recipient names an address the message never went to lists
// no address: the row is recorded bounced, the stranger stays off the
// suppression list every campaign sharing it reads.
func TestProcessForgedOriginalRecipient(t *testing.T) {
	for _, tc := range []struct{ name, msgID string }{
		{"by Message-ID", "<2.tidings@news.example>"},
		{"by address", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			sent(t, dir, "ann@example.org", "bob@example.org")
			forged := strings.Replace(dsn(tc.msgID, "", "ann@example.org", "failed", "5.1.1", "550 5.1.1 no such user"),
				"Original-Recipient: rfc822; ann@example.org\n", "Original-Recipient: rfc822; ceo@victim.example\n", 1)
			supFile := filepath.Join(t.TempDir(), "suppress.txt")
			rec, done := journalRecorder(t, dir)
			defer done()
			sum, err := Process(context.Background(), newMemMailbox(forged), index(t, dir), rec, Options{SuppressFile: supFile, Campaign: "x"})
			if err != nil {
				t.Fatal(err)
			}
			if m := sum.Findings[0].Matches; len(m) != 1 || m[0].Entry == nil || m[0].Entry.Row != 2 || m[0].Suppress != "" {
				t.Errorf("the forged bounce: %+v, want row 2 bounced and no address listed", m)
			}
			if b, err := os.ReadFile(supFile); len(sum.Suppress) != 0 || strings.Contains(string(b), "victim") {
				t.Errorf("listed %v; the list holds %q (%v)", sum.Suppress, b, err)
			}
		})
	}
}

// overrunMailbox is a memMailbox whose FETCH of message slow overruns its
// bounds, ending the session, which Reopen opens anew; scope is its
// Scope's Key ("" for a server that gives no UIDVALIDITY).
type overrunMailbox struct {
	*memMailbox
	slow     string
	scope    string
	ended    bool
	reopened int
	refuse   error // what Reopen fails with (nil: it does not)
}

func (mb *overrunMailbox) Fetch(ctx context.Context, id string, max int64) ([]byte, error) {
	if mb.ended {
		return nil, mailbox.ErrClosed
	}
	if id == mb.slow {
		mb.ended = true
		return nil, &mailbox.LimitError{Addr: "127.0.0.1:143", Command: "UID FETCH", Step: "FETCH of message " + id, Limit: "it took longer than its time limit of 5s"}
	}
	return mb.memMailbox.Fetch(ctx, id, max)
}

func (mb *overrunMailbox) Reopen(context.Context) error {
	if mb.refuse != nil {
		return mb.refuse
	}
	mb.ended = false
	mb.reopened++
	return nil
}

func (mb *overrunMailbox) Scope() mailbox.Scope { return mailbox.Scope{Key: mb.scope, UIDs: true} }

// TestProcessPassesOver: a message whose fetch overran its bounds is
// passed over on a new session, named by its header, and the messages
// after it read; the finding says the next run tries it once more, or,
// where nothing can be kept (no UIDVALIDITY), that it tries it again.
func TestProcessPassesOver(t *testing.T) {
	for _, c := range []struct{ scope, next string }{
		{"mem", "the next run tries it once more, and skips it from then on"},
		{"", "the next run tries it again"},
	} {
		dir := t.TempDir()
		sent(t, dir, "ann@example.org")
		bounce := dsn("<2.tidings@news.example>", "", "ann@example.org", "failed", "5.1.1", "550 5.1.1 no such user")
		mb := &overrunMailbox{memMailbox: newMemMailbox(personal, bounce), slow: "1", scope: c.scope}
		w, done := journalRecorder(t, dir)
		mem, err := LoadMemory(dir)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := Process(t.Context(), mb, index(t, dir), w, Options{SuppressFile: filepath.Join(dir, "s.txt"), Campaign: "x", Memory: mem, Bound: 5 * time.Second})
		done()
		if err != nil || mb.reopened != 1 || len(sum.Findings) != 2 || sum.Count(Matched) != 1 {
			t.Fatalf("scope %q: %v, reopened %d, findings %+v", c.scope, err, mb.reopened, sum)
		}
		f := sum.Findings[0]
		if !f.Overran || f.Verdict != Unreadable || f.From == "" || f.Subject == "" || !strings.Contains(f.Problem, c.next) {
			t.Errorf("scope %q: finding %+v, want %q", c.scope, f, c.next)
		}
	}
}

// TestProcessOverrunStops: a run that cannot open a new session after a
// message's fetch overran stops there, and does not count the overrun
// (the server, rather than the message, may be at fault): two such runs
// had the message skipped unread from then on.
func TestProcessOverrunStops(t *testing.T) {
	dir := t.TempDir()
	sent(t, dir, "ann@example.org")
	bounce := dsn("<2.tidings@news.example>", "", "ann@example.org", "failed", "5.1.1", "550 5.1.1 no such user")
	for run := 1; run <= 2; run++ {
		mb := &overrunMailbox{memMailbox: newMemMailbox(bounce, personal), slow: "1", scope: "mem", refuse: errors.New("connection refused")}
		mem, err := LoadMemory(dir)
		if err != nil {
			t.Fatal(err)
		}
		w, done := journalRecorder(t, dir)
		_, err = Process(t.Context(), mb, index(t, dir), w, Options{SuppressFile: filepath.Join(dir, "s.txt"), Campaign: "x", Memory: mem, Bound: 5 * time.Second})
		done()
		if _, ok := errors.AsType[*StoppedError](err); !ok {
			t.Fatalf("run %d: %v, want a *StoppedError", run, err)
		}
	}
	mem, err := LoadMemory(dir)
	if err != nil {
		t.Fatal(err)
	}
	mem.readBy(mem.rules)
	if kept, passed, _ := mem.passOver(entries("1", "2"), 5*time.Second); len(passed) != 0 || len(kept) != 2 || len(mem.overran) != 0 {
		t.Errorf("after two runs stopped at message 1: passed over %+v, overruns kept %v", passed, mem.overran)
	}
}

// TestProcessSenderNoRecipient: a plain-text bounce whose words name the
// campaign's envelope sender on a line of its own (no MAIL FROM, no
// Return-Path to tell it by) counted it as a second recipient of the row,
// "2 bounced" for one (today's review); with Options.Senders it is no
// recipient: one match, the row's address, suppressed.
func TestProcessSenderNoRecipient(t *testing.T) {
	dir := t.TempDir()
	sent(t, dir, "ann@example.org")
	bounce := "From: MAILER-DAEMON@mx.example.net\nTo: news@news.example\nSubject: Undelivered Mail Returned to Sender\n" +
		"Message-ID: <plain-1@mx.example.net>\nDate: Fri, 04 Dec 2026 10:00:00 +0000\n\n" +
		"This is the mail system at host mx.example.net.\n\n" +
		"<ann@example.org>: host mx.example.org said: 550 5.1.1 user unknown\n\n" +
		"Envelope sender:\nbounces@news.example\n\n" +
		"--- Below this line is a copy of the message.\n\n" +
		"From: news@news.example\nTo: ann@example.org\nMessage-ID: <2.tidings@news.example>\nSubject: News\n\nHello\n"
	rec, done := journalRecorder(t, dir)
	defer done()
	sum, err := Process(context.Background(), newMemMailbox(bounce), index(t, dir), rec,
		Options{SuppressFile: filepath.Join(t.TempDir(), "suppress.txt"), Campaign: "x", Senders: []string{"Bounces@news.example"}})
	if err != nil {
		t.Fatal(err)
	}
	f := sum.Findings[0]
	if f.Verdict != Matched || len(f.Matches) != 1 || f.Matches[0].Recipient != "ann@example.org" || f.Matches[0].Suppress != "ann@example.org" {
		t.Errorf("%v %+v; want one match, ann@example.org suppressed", f.Verdict, f.Matches)
	}
}

// TestProcessKeepsRowOnly: a finding keeps of the journal's entry it
// matched its row and key only, not the attempt, result and feedback read
// back for the match: a mailbox of 20,000 bounces kept about 800 bytes
// more a report on the heap until the run ended
// (BenchmarkProcessBounces).
func TestProcessKeepsRowOnly(t *testing.T) {
	dir := t.TempDir()
	sentMessages(t, dir, []journal.Attempt{{Row: 2, Key: "ann@example.org", To: "Ann Lee <ann@example.org>", MessageID: "2.tidings@news.example"}})
	mb := newMemMailbox(dsn("<2.tidings@news.example>", "", "ann@example.org", "failed", "5.1.1", "550 5.1.1 user unknown"))
	sum, err := Process(context.Background(), mb, index(t, dir), nil, Options{DryRun: true, Campaign: "x"})
	if err != nil {
		t.Fatal(err)
	}
	m := sum.Findings[0].Matches
	if len(m) != 1 || m[0].Entry == nil {
		t.Fatalf("matches %+v", m)
	}
	if e := m[0].Entry; e.Row != 2 || e.Key != "ann@example.org" || e.LastAttempt != nil || e.Result != nil || e.Feedback != nil || e.To != "" {
		t.Errorf("the match keeps %+v, want its row and key only", e)
	}
}
