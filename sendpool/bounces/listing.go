package bounces

import (
	"context"
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
