package mailbox_test

import (
	"errors"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/mailbox"
)

// TestPOP3ExpungedMeanwhile: a message another client takes out of the
// maildrop while a POP3 session is open (here doveadm expunge, as an
// IMAP client or a webmail would) is one Dovecot still lists, by the
// sizes it read at login, but whose RETR and TOP it refuses with "-ERR
// Message 2 expunged.": that was a *ReplyError (the server refusing a
// message it holds: unreadable, exit 1, "refused by the server"), where
// "There's no message 9." was ErrNotFound (passed over, nothing said).
// Both are ErrNotFound.
func TestPOP3ExpungedMeanwhile(t *testing.T) {
	l := startLab(t, "")
	for _, r := range reports {
		l.d.Deliver(t, user, r)
	}
	mb := l.open(t, l.pop3Config())
	list, err := mb.List(t.Context(), time.Time{})
	if err != nil || len(list) != 3 {
		t.Fatalf("List = %v, %v", list, err)
	}
	l.d.Doveadm(t, "expunge", "-u", user, "mailbox", "INBOX", "uid", "2")
	if _, err := mb.Fetch(t.Context(), list[1].ID, 1<<20); !errors.Is(err, mailbox.ErrNotFound) {
		t.Errorf("Fetch of a message expunged since = %v, want ErrNotFound", err)
	}
	if _, err := mb.Head(t.Context(), list[1].ID, 64<<10); !errors.Is(err, mailbox.ErrNotFound) {
		t.Errorf("Head of a message expunged since = %v, want ErrNotFound", err)
	}
	if _, err := mb.Fetch(t.Context(), list[2].ID, 1<<20); err != nil {
		t.Errorf("Fetch of message 3 after: %v", err)
	}
}
