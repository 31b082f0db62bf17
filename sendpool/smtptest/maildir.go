package smtptest

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Messages returns the messages in user's folder ("INBOX" or "" for the
// inbox, otherwise a folder name such as "Sent"; "a/b" for a subfolder),
// oldest first, read from the Maildir (new/ and cur/). They are stored as
// delivered: CRLF line ends, after the Return-Path and Delivered-To header
// fields Dovecot adds (and the Received field of any MTA on the way).
func (d *Dovecot) Messages(t testing.TB, user, folder string) [][]byte {
	t.Helper()
	msgs, err := d.readMaildir(user, folder)
	if err != nil {
		t.Fatalf("dovecot: reading %s's %q: %v", user, folder, err)
	}
	return msgs
}

// WaitMessages waits until user's folder holds at least n messages and
// returns them (see Messages). It fails the test after within.
func (d *Dovecot) WaitMessages(t testing.TB, user, folder string, n int, within time.Duration) [][]byte {
	t.Helper()
	var msgs [][]byte
	var err error
	if poll(within, func() bool {
		msgs, err = d.readMaildir(user, folder)
		return err == nil && len(msgs) >= n
	}) {
		return msgs
	}
	t.Fatalf("dovecot: %s's %q holds %d messages after %s, want %d (last error: %v)", user, folder, len(msgs), within, n, err)
	return nil
}

// maildirFolder is the folder's directory in Maildir++ layout (Dovecot's
// default for maildir): the inbox is the Maildir itself, "Sent" is
// Maildir/.Sent and "a/b" Maildir/.a.b.
func (d *Dovecot) maildirFolder(user, folder string) string {
	root := filepath.Join(d.home(user), "Maildir")
	if folder == "" || strings.EqualFold(folder, "INBOX") {
		return root
	}
	return filepath.Join(root, "."+strings.ReplaceAll(folder, "/", "."))
}

// Flags returns the Maildir flags of each message in user's folder, in
// the order of Messages: the letters after ":2," in its file name ("S"
// for \Seen, "ST" for \Seen and \Deleted; "" for a message in new/).
func (d *Dovecot) Flags(t testing.TB, user, folder string) []string {
	t.Helper()
	names, err := d.maildirNames(user, folder)
	if err != nil {
		t.Fatalf("dovecot: reading %s's %q: %v", user, folder, err)
	}
	flags := make([]string, len(names))
	for i, n := range names {
		if _, info, ok := strings.Cut(filepath.Base(n), ":2,"); ok {
			flags[i] = info
		}
	}
	return flags
}

// maildirNames lists a folder's message files ("new/…", "cur/…") oldest
// first; a folder not made yet is empty.
func (d *Dovecot) maildirNames(user, folder string) ([]string, error) {
	dir := d.maildirFolder(user, folder)
	var names []string
	for _, sub := range []string{"new", "cur"} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil && !os.IsNotExist(err) {
			return nil, err
		}
		for _, e := range entries {
			if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				names = append(names, filepath.Join(sub, e.Name()))
			}
		}
	}
	slices.SortFunc(names, byDelivery)
	return names, nil
}

// readMaildir reads a folder's messages; a folder not made yet is empty.
func (d *Dovecot) readMaildir(user, folder string) ([][]byte, error) {
	dir := d.maildirFolder(user, folder)
	names, err := d.maildirNames(user, folder)
	if err != nil {
		return nil, err
	}
	msgs := make([][]byte, 0, len(names))
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if os.IsNotExist(err) {
			continue // moved from new/ to cur/ meanwhile; the next read sees it
		}
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, b)
	}
	return msgs, nil
}

// byDelivery orders Maildir files ("new/<sec>.M<usec>P<pid>.<host>,...")
// by the time in their names, then by name.
func byDelivery(a, b string) int {
	as, au := maildirTime(a)
	bs, bu := maildirTime(b)
	return cmp.Or(cmp.Compare(as, bs), cmp.Compare(au, bu), cmp.Compare(filepath.Base(a), filepath.Base(b)))
}

func maildirTime(path string) (sec, usec int64) {
	sp, rest, _ := strings.Cut(filepath.Base(path), ".")
	sec, _ = strconv.ParseInt(sp, 10, 64)
	if m, ok := strings.CutPrefix(rest, "M"); ok {
		end := strings.IndexFunc(m, func(r rune) bool { return r < '0' || r > '9' })
		if end < 0 {
			end = len(m)
		}
		usec, _ = strconv.ParseInt(m[:end], 10, 64)
	}
	return sec, usec
}
