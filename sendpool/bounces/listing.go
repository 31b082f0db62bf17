package bounces

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tidings/tidings/sendpool/mailbox"
)

// knownLister is a Mailbox that lists asking the server less by what
// earlier runs learned (mailbox.Known; sendpool/mailbox's is one).
type knownLister interface {
	ListKnown(ctx context.Context, since time.Time, known mailbox.Known) ([]mailbox.Entry, error)
}

// ListKnown is the session's ListKnown, or its List when it has none.
func (r *Reopening) ListKnown(ctx context.Context, since time.Time, known mailbox.Known) ([]mailbox.Entry, error) {
	return listKnown(ctx, r.Session, since, known)
}

// listKnown is mb's ListKnown, or its List when it has none.
func listKnown(ctx context.Context, mb Mailbox, since time.Time, known mailbox.Known) ([]mailbox.Entry, error) {
	if kl, ok := mb.(knownLister); ok {
		return kl.ListKnown(ctx, since, known)
	}
	return mb.List(ctx, since)
}

// listAgainCut lists mb (listKnown), and once more on a new session when
// the server cut the connection while it listed (mailbox.Dropped: a cut
// the listing did not get past, such as IMAP's UID SEARCH or POP3's UIDL,
// which name no message): a cut that session does not repeat was the
// server's (a restart), and is returned as cut for the run to tell. One
// that cuts it too is a *ListCutError. The two listings share one count
// of new sessions (mailbox.ListSessions), the new session between them
// counted: a run opens no more than its cap allows, not the cap twice.
func listAgainCut(ctx context.Context, mb Mailbox, since time.Time, known mailbox.Known) (listed []mailbox.Entry, cut, err error) {
	if known.Sessions == nil {
		known.Sessions = new(mailbox.ListSessions)
	}
	listed, err = listKnown(ctx, mb, since, known)
	if !mailbox.Dropped(err) || ctx.Err() != nil {
		return listed, nil, err
	}
	if serr := known.Sessions.Another(); serr != nil {
		return nil, nil, fmt.Errorf("%w (the last cut: %v)", serr, err)
	}
	if serr := reopenAfter(ctx, mb, err, "asking for the listing again"); serr != nil {
		return nil, nil, serr
	}
	listed, again := listKnown(ctx, mb, since, known)
	if mailbox.Dropped(again) {
		return nil, nil, &ListCutError{First: err, Again: again}
	}
	return listed, err, again
}

// ListCutError is a listing of the mailbox the server cut the connection
// on twice, on a new session too (listAgainCut): no restart, but a
// mailbox the server cannot list, most likely damaged (an index or a
// message it cannot read), which no run gets past until it is repaired.
// It unwraps to the second cut.
type ListCutError struct{ First, Again error }

func (e *ListCutError) Error() string {
	again := ""
	if w := mailboxWords(e.Again); w != mailboxWords(e.First) {
		again = " (" + w + ")"
	}
	return fmt.Sprintf("%v, and again on a new session%s: no restart, the server cannot list this mailbox; it most likely needs repair "+
		"(on Dovecot: doveadm force-resync -u <login> <folder>, INBOX over POP3), or the message it fails on deleted with another mail client; until then every run stops here", e.First, again)
}

func (e *ListCutError) Unwrap() error { return e.Again }

// mailboxWords is err's text without the package's prefix.
func mailboxWords(err error) string {
	return strings.TrimPrefix(err.Error(), "mailbox: ")
}
