package mailbox_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/mailbox"
)

// TestHead: Head returns a message's header section and the empty line
// after it, byte for byte as Dovecot stored it, over IMAP and POP3, and
// no more; a header over the cap wraps ErrTooLarge, an unknown message
// ErrNotFound, and the session goes on.
func TestHead(t *testing.T) {
	l := startLab(t, "")
	for _, r := range reports {
		l.d.Deliver(t, user, r)
	}
	stored := l.d.Messages(t, user, "INBOX")
	for _, cfg := range []mailbox.Config{l.cfg, l.pop3Config()} {
		mb := l.open(t, cfg)
		list, err := mb.List(t.Context(), time.Time{})
		if err != nil || len(list) != len(stored) {
			t.Fatalf("%s: List = %v, %v", cfg.Protocol, list, err)
		}
		for i, e := range list {
			want := stored[i][:bytes.Index(stored[i], []byte("\r\n\r\n"))+4]
			if got, err := mb.Head(t.Context(), e.ID, 64<<10); err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s: Head(%s) = %q, %v; want %q", cfg.Protocol, e.ID, got, err, want)
			}
		}
		if _, err := mb.Head(t.Context(), list[0].ID, 20); !errors.Is(err, mailbox.ErrTooLarge) {
			t.Errorf("%s: Head over the cap: %v, want ErrTooLarge", cfg.Protocol, err)
		}
		if _, err := mb.Head(t.Context(), "999", 64<<10); !errors.Is(err, mailbox.ErrNotFound) {
			t.Errorf("%s: Head(999): %v, want ErrNotFound", cfg.Protocol, err)
		}
		if _, err := mb.Fetch(t.Context(), list[1].ID, 1<<20); err != nil {
			t.Errorf("%s: Fetch after those: %v", cfg.Protocol, err)
		}
	}
}
