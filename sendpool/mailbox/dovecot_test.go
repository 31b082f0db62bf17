package mailbox_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/mailbox"
	"github.com/tidings/tidings/sendpool/smtptest"
)

const (
	user = "bounces@example.test"
	pass = "imap-s3cret-pw"
)

// lab is a Dovecot with one mailbox, and the Config that reaches it.
type lab struct {
	d   *smtptest.Dovecot
	cfg mailbox.Config
}

// capsNoMove is what Dovecot offers after login with MOVE taken away;
// capsNoUIDPlus takes UIDPLUS away too.
const (
	capsNoMove    = "imap_capability = IMAP4rev1 LITERAL+ ID IDLE NAMESPACE UIDPLUS SPECIAL-USE"
	capsNoUIDPlus = "imap_capability = IMAP4rev1 LITERAL+ ID IDLE NAMESPACE SPECIAL-USE"
)

// startLab starts Dovecot with extra dovecot.conf settings and returns a
// Config for IMAP over implicit TLS, trusting Dovecot's certificate.
func startLab(t *testing.T, settings string) *lab {
	t.Helper()
	d := smtptest.StartDovecot(t, smtptest.DovecotOptions{
		Users:    []smtptest.MailUser{{Name: user, Password: pass}},
		Settings: settings,
	})
	return &lab{d: d, cfg: mailbox.Config{
		Protocol: campaign.MailboxIMAP, Host: "127.0.0.1", Port: d.IMAPSPort, Security: campaign.SecurityTLS,
		Username: user, Password: pass, Folder: "INBOX", SentFolder: "Sent",
		Timeout: 10 * time.Second, RootCAs: d.Cert.Pool,
	}}
}

// open opens the mailbox; it is closed when the test ends.
func (l *lab) open(t *testing.T, cfg mailbox.Config) mailbox.Mailbox {
	t.Helper()
	mb, err := mailbox.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mb.Close(context.Background()) })
	return mb
}

// report builds a bounce-like message with CR LF line ends.
func report(subject string, body ...string) []byte {
	head := []string{
		"From: Mail Delivery System <mailer-daemon@example.org>",
		"To: " + user,
		"Subject: " + subject,
		"Message-ID: <" + strings.ReplaceAll(subject, " ", ".") + "@example.org>",
		"MIME-Version: 1.0",
		"Content-Type: text/plain; charset=utf-8",
		"Content-Transfer-Encoding: 8bit",
		"",
	}
	return []byte(strings.Join(append(head, body...), "\r\n") + "\r\n")
}

// original strips from a message as Dovecot stored it after LMTP the
// fields it adds at the top (Return-Path, Delivered-To, Received), leaving
// the message as it was delivered.
func original(t *testing.T, stored []byte) []byte {
	t.Helper()
	rest := stored
	for _, name := range []string{"Return-Path:", "Delivered-To:", "Received:"} {
		if !bytes.HasPrefix(rest, []byte(name)) {
			t.Fatalf("stored message does not start with %s next: %q", name, rest[:min(len(rest), 80)])
		}
		for { // the field and its continuation lines
			i := bytes.Index(rest, []byte("\r\n"))
			rest = rest[i+2:]
			if rest[0] != ' ' && rest[0] != '\t' {
				break
			}
		}
	}
	return rest
}

var reports = [][]byte{
	report("undeliverable one", "The message to a@example.com could not be delivered.", "", "-- ", "Postmaster"),
	report("dotted lines", ".hidden", "..two dots", ".", "", "Grüße, 退信"),
	report("third", strings.Repeat("a long line of text ", 300)),
}

// ids are the IDs of list.
func ids(list []mailbox.Entry) []string {
	var out []string
	for _, e := range list {
		out = append(out, e.ID)
	}
	return out
}

// TestIMAPListFetch: List names every delivered message with its size, and
// Fetch returns each byte for byte as Dovecot stored it, without setting
// \Seen.
func TestIMAPListFetch(t *testing.T) {
	l := startLab(t, "")
	for _, r := range reports {
		l.d.Deliver(t, user, r)
	}
	mb := l.open(t, l.cfg)
	list, err := mb.List(t.Context(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	stored := l.d.Messages(t, user, "INBOX")
	if len(list) != len(reports) || len(stored) != len(reports) {
		t.Fatalf("List = %v, Maildir holds %d; want %d", list, len(stored), len(reports))
	}
	for i, e := range list {
		if e.Size != int64(len(stored[i])) {
			t.Errorf("%s: Size %d, want %d", e.ID, e.Size, len(stored[i]))
		}
		got, err := mb.Fetch(t.Context(), e.ID, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, stored[i]) || !bytes.Equal(original(t, got), reports[i]) {
			t.Errorf("%s: fetched\n%q\nwant\n%q", e.ID, got, stored[i])
		}
	}
	if flags := l.d.Flags(t, user, "INBOX"); slices.ContainsFunc(flags, func(f string) bool { return strings.Contains(f, "S") }) {
		t.Errorf("Maildir flags %q: a fetch set \\Seen", flags)
	}
	if _, err := mb.Fetch(t.Context(), "999", 1<<20); !errors.Is(err, mailbox.ErrNotFound) {
		t.Errorf("Fetch(999) = %v, want ErrNotFound", err)
	}
	if _, err := mb.Fetch(t.Context(), "x1", 1<<20); !errors.Is(err, mailbox.ErrNotFound) {
		t.Errorf("Fetch(x1) = %v, want ErrNotFound", err)
	}
	// Still usable after those.
	if again, err := mb.List(t.Context(), time.Time{}); err != nil || !slices.Equal(ids(again), ids(list)) {
		t.Errorf("List again = %v, %v", again, err)
	}
}

// TestIMAPListSince: List with a since date leaves out the messages the
// server received before it (by internal date), and lists them all
// without one. The old message is stored with APPEND and a 2020 date, as
// a years-old letter in a person's inbox.
func TestIMAPListSince(t *testing.T) {
	l := startLab(t, "")
	inbox := l.cfg
	inbox.SentFolder = "INBOX"
	st := openSent(t, inbox)
	if err := st.Append(t.Context(), sentMessage("old.0001@acme.example", 500), time.Date(2020, 1, 2, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	l.d.Deliver(t, user, reports[0])
	l.d.Deliver(t, user, reports[1])
	mb := l.open(t, l.cfg)
	all, err := mb.List(t.Context(), time.Time{})
	if err != nil || len(all) != 3 {
		t.Fatalf("List without since = %v, %v; want 3", all, err)
	}
	recent, err := mb.List(t.Context(), time.Now().Add(-48*time.Hour))
	if err != nil || !slices.Equal(ids(recent), ids(all[1:])) {
		t.Fatalf("List since two days ago = %v, %v; want the two delivered now, %v", recent, err, all[1:])
	}
	if none, err := mb.List(t.Context(), time.Now().Add(72*time.Hour)); err != nil || len(none) != 0 {
		t.Errorf("List since three days ahead = %v, %v; want none", none, err)
	}
}

// TestIMAPSizeCap: a message over the cap is ErrTooLarge, not downloaded,
// and the session goes on; one exactly at the cap comes whole.
func TestIMAPSizeCap(t *testing.T) {
	l := startLab(t, "")
	l.d.Deliver(t, user, reports[2])
	var transcript bytes.Buffer
	cfg := l.cfg
	cfg.Debug = &transcript
	mb := l.open(t, cfg)
	list, err := mb.List(t.Context(), time.Time{})
	if err != nil || len(list) != 1 {
		t.Fatalf("List = %v, %v", list, err)
	}
	size := list[0].Size
	_, err = mb.Fetch(t.Context(), list[0].ID, size-1)
	if !errors.Is(err, mailbox.ErrTooLarge) || !strings.Contains(err.Error(), fmt.Sprintf("has %d bytes, the cap is %d", size, size-1)) {
		t.Errorf("Fetch(cap %d) = %v, want ErrTooLarge", size-1, err)
	}
	if strings.Contains(transcript.String(), "BODY") {
		t.Errorf("a message over the cap was fetched:\n%s", transcript.String())
	}
	got, err := mb.Fetch(t.Context(), list[0].ID, size)
	if err != nil || int64(len(got)) != size {
		t.Errorf("Fetch(cap %d) = %d bytes, %v", size, len(got), err)
	}
	if _, err := mb.Fetch(t.Context(), list[0].ID, 0); err == nil {
		t.Error("Fetch with cap 0 accepted")
	}
}

// TestIMAPDelete: Delete removes the messages named, and only those: a
// message another client marked \Deleted (and did not expunge) survives,
// which a plain EXPUNGE would have removed.
func TestIMAPDelete(t *testing.T) {
	l := startLab(t, "")
	for _, r := range reports {
		l.d.Deliver(t, user, r)
	}
	mb := l.open(t, l.cfg)
	list, err := mb.List(t.Context(), time.Time{})
	if err != nil || len(list) != 3 {
		t.Fatalf("List = %v, %v", list, err)
	}
	markDeleted(t, l, list[2].ID)
	if got, err := mb.List(t.Context(), time.Time{}); err != nil || !slices.Equal(ids(got), ids(list[:2])) {
		t.Errorf("List after another client's \\Deleted = %v, %v; want the first two", got, err)
	}
	if err := mb.Delete(t.Context(), []string{list[0].ID}); err != nil {
		t.Fatal(err)
	}
	stored := l.d.Messages(t, user, "INBOX")
	if len(stored) != 2 || !bytes.Equal(original(t, stored[0]), reports[1]) || !bytes.Equal(original(t, stored[1]), reports[2]) {
		t.Fatalf("after Delete the Maildir holds %d messages, want the second and the third (marked \\Deleted by another)", len(stored))
	}
	if flags := l.d.Flags(t, user, "INBOX"); !strings.Contains(flags[1], "T") || strings.Contains(flags[0], "T") {
		t.Errorf("flags %q: want only the third still marked \\Deleted (T)", flags)
	}
	if got, err := mb.List(t.Context(), time.Time{}); err != nil || !slices.Equal(ids(got), []string{list[1].ID}) {
		t.Errorf("List after Delete = %v, %v", got, err)
	}
	if err := mb.Delete(t.Context(), []string{list[0].ID}); err != nil {
		t.Errorf("Delete of a UID gone already = %v, want nil", err)
	}
}

// markDeleted marks the message uid in INBOX \Deleted, without expunging
// it, as another client would (go-imap's own client, logged in apart).
func markDeleted(t *testing.T, l *lab, uid string) {
	t.Helper()
	c, err := client.DialTLS(net.JoinHostPort(l.cfg.Host, strconv.Itoa(l.d.IMAPSPort)), &tls.Config{RootCAs: l.d.Cert.Pool})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Logout()
	if err := c.Login(user, pass); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Select("INBOX", false); err != nil {
		t.Fatal(err)
	}
	set, err := imap.ParseSeqSet(uid)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.UidStore(set, imap.FormatFlagsOp(imap.AddFlags, true), []any{imap.DeletedFlag}, nil); err != nil {
		t.Fatal(err)
	}
}

// TestIMAPMove: Move with MOVE, and with COPY and UID EXPUNGE where MOVE is
// not offered; either way the other messages stay, byte for byte, and a
// message marked \Deleted by another client survives the fallback.
func TestIMAPMove(t *testing.T) {
	for name, settings := range map[string]string{"MOVE": "", "COPY": capsNoMove} {
		t.Run(name, func(t *testing.T) {
			l := startLab(t, settings)
			for _, r := range reports {
				l.d.Deliver(t, user, r)
			}
			var transcript bytes.Buffer
			cfg := l.cfg
			cfg.Debug = &transcript
			mb := l.open(t, cfg)
			list, err := mb.List(t.Context(), time.Time{})
			if err != nil || len(list) != 3 {
				t.Fatalf("List = %v, %v", list, err)
			}
			markDeleted(t, l, list[2].ID)
			if err := mb.Move(t.Context(), []string{list[0].ID, list[1].ID}, "Junk"); err != nil {
				t.Fatal(err)
			}
			verb := map[string]string{"MOVE": " UID MOVE ", "COPY": " UID COPY "}[name]
			if !strings.Contains(transcript.String(), verb) {
				t.Errorf("transcript lacks %q:\n%s", verb, transcript.String())
			}
			moved := l.d.Messages(t, user, "Junk")
			if len(moved) != 2 || !bytes.Equal(original(t, moved[0]), reports[0]) || !bytes.Equal(original(t, moved[1]), reports[1]) {
				t.Errorf("Junk holds %d messages, want the first two as delivered", len(moved))
			}
			left := l.d.Messages(t, user, "INBOX")
			if len(left) != 1 || !bytes.Equal(original(t, left[0]), reports[2]) {
				t.Errorf("INBOX holds %d messages, want the third (marked \\Deleted by another client)", len(left))
			}
			if got, err := mb.List(t.Context(), time.Time{}); err != nil || len(got) != 0 {
				t.Errorf("List after Move = %v, %v", got, err)
			}
		})
	}
}

// TestIMAPMoveToNoFolder: a folder the server lacks is a *FolderError that
// lists those it has; nothing is created or moved, and the session goes
// on.
func TestIMAPMoveToNoFolder(t *testing.T) {
	l := startLab(t, "")
	l.d.Deliver(t, user, reports[0])
	mb := l.open(t, l.cfg)
	list, err := mb.List(t.Context(), time.Time{})
	if err != nil || len(list) != 1 {
		t.Fatalf("List = %v, %v", list, err)
	}
	err = mb.Move(t.Context(), ids(list), "Processed")
	var fe *mailbox.FolderError
	if !errors.As(err, &fe) || !errors.Is(err, mailbox.ErrNoFolder) {
		t.Fatalf("Move = %v, want a *FolderError", err)
	}
	want := `mailbox: no folder "Processed" on ` + l.cfg.Addr() + ` (its folders: `
	if !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), `Sent (\Sent)`) || !strings.Contains(err.Error(), "INBOX") {
		t.Errorf("message %q, want it to start %q and list INBOX and Sent (\\Sent)", err, want)
	}
	if got, err := mb.List(t.Context(), time.Time{}); err != nil || len(got) != 1 {
		t.Errorf("List after the refusal = %v, %v", got, err)
	}
	if err := mb.Move(t.Context(), ids(list), "inbox"); err == nil {
		t.Error("Move to the folder read accepted")
	}
}

// TestIMAPNoUIDPlus: without UIDPLUS, Delete and the COPY fallback of Move
// are refused before anything changes (a plain EXPUNGE would remove the
// messages other clients marked \Deleted).
func TestIMAPNoUIDPlus(t *testing.T) {
	l := startLab(t, capsNoUIDPlus)
	l.d.Deliver(t, user, reports[0])
	l.d.Deliver(t, user, reports[1])
	mb := l.open(t, l.cfg)
	list, err := mb.List(t.Context(), time.Time{})
	if err != nil || len(list) != 2 {
		t.Fatalf("List = %v, %v", list, err)
	}
	if err := mb.Delete(t.Context(), ids(list[:1])); !errors.Is(err, mailbox.ErrNoUIDPlus) {
		t.Errorf("Delete = %v, want ErrNoUIDPlus", err)
	}
	if err := mb.Move(t.Context(), ids(list[:1]), "Junk"); !errors.Is(err, mailbox.ErrNoUIDPlus) || !strings.Contains(err.Error(), "nor MOVE") {
		t.Errorf("Move = %v, want ErrNoUIDPlus saying MOVE is lacking too", err)
	}
	if n := len(l.d.Messages(t, user, "INBOX")); n != 2 {
		t.Errorf("INBOX holds %d messages, want both", n)
	}
	if n := len(l.d.Messages(t, user, "Junk")); n != 0 {
		t.Errorf("Junk holds %d messages, want none", n)
	}
	if flags := l.d.Flags(t, user, "INBOX"); slices.ContainsFunc(flags, func(f string) bool { return strings.Contains(f, "T") }) {
		t.Errorf("flags %q: a message was marked \\Deleted", flags)
	}
	if got, err := mb.List(t.Context(), time.Time{}); err != nil || len(got) != 2 {
		t.Errorf("List after the refusals = %v, %v", got, err)
	}
}
