package mailbox

import (
	"context"
	"time"

	"github.com/tidings/tidings/campaign"
)

// Entry is one message of a mailbox.
type Entry struct {
	// ID names the message across sessions: its IMAP UID (in decimal) in
	// the folder read, or its POP3 unique-id (UIDL).
	ID string
	// Size is the message's size in octets as the server counts it
	// (RFC822.SIZE, or POP3 LIST, which may be an estimate); -1 when
	// the server closed the connection when asked for it, on new sessions
	// too (IMAP: see imapBox.sizesApart).
	Size int64
}

// Mailbox is the folder bounces arrive in, over IMAP or POP3. A Mailbox is
// used by one goroutine at a time; to abort a call in progress, cancel its
// context (this ends the session). The caller ends it with Close. After a
// network or protocol error every later call returns an error wrapping
// ErrClosed; a server's refusal (*ReplyError), ErrTooLarge, ErrNotFound,
// ErrNoUIDPlus and ErrNoFolder leave it usable.
type Mailbox interface {
	// List returns the messages in the folder, oldest first (by UID, or
	// POP3 message number), leaving out those another client marked
	// \Deleted (IMAP). Over IMAP, a non-zero since leaves out the messages
	// the server received before since's date (SEARCH SINCE, RFC 3501
	// 6.4.4: by date, in the server's time zone; pass a day's margin).
	// POP3 has no such search: it lists every message whatever since.
	List(ctx context.Context, since time.Time) ([]Entry, error)
	// ListKnown is List, asking the server less by what earlier runs
	// learned of the messages (see Known).
	ListKnown(ctx context.Context, since time.Time, known Known) ([]Entry, error)
	// Fetch returns message id byte for byte as the server holds it,
	// without marking it read (BODY.PEEK). A message over max bytes (max
	// must be positive) is an error wrapping ErrTooLarge; over IMAP it is
	// not downloaded. An unknown id wraps ErrNotFound. (mailpit's POP3
	// server ends every message with an extra empty line; it is kept.)
	Fetch(ctx context.Context, id string, max int64) ([]byte, error)
	// Head returns the header of message id and the empty line after it,
	// without marking it read (IMAP BODY.PEEK[HEADER], POP3 TOP id 0),
	// to name a message Fetch could not give. Over max bytes is an error
	// wrapping ErrTooLarge; an unknown id wraps ErrNotFound; a POP3 server
	// without TOP refuses it (*ReplyError).
	Head(ctx context.Context, id string, max int64) ([]byte, error)
	// Delete removes the messages ids and nothing else. Over IMAP at once,
	// with UID STORE \Deleted and UID EXPUNGE of those UIDs (UIDPLUS, RFC
	// 4315): a server without UIDPLUS is ErrNoUIDPlus, before anything is
	// changed; UIDs no longer in the folder are passed over. Over POP3 they
	// are marked (DELE) and removed when Close ends the session (QUIT),
	// not at all if the session breaks first; an unknown id wraps
	// ErrNotFound and marks none.
	Delete(ctx context.Context, ids []string) error
	// Move moves the messages ids to folder (IMAP only: POP3 gives
	// ErrIMAPOnly): with MOVE (RFC 6851) where the server offers it, else
	// with UID COPY, then deleting them as Delete does (so without UIDPLUS
	// it is ErrNoUIDPlus and nothing is copied). A folder the server does
	// not have is a *FolderError: it is not created.
	Move(ctx context.Context, ids []string, folder string) error
	// CheckDispose says, changing nothing, whether Move to moveTo (when
	// not "") and Delete (when delete) would work: the folder exists and
	// is not this one, the server has what they need (MOVE or UIDPLUS;
	// UIDPLUS), the protocol can move at all (POP3 cannot: ErrIMAPOnly).
	CheckDispose(ctx context.Context, moveTo string, delete bool) error
	// Scope says where the IDs List gives hold: in other sessions of the
	// same Scope.Key, and as IMAP UIDs or POP3 unique-ids. It asks the
	// server nothing.
	Scope() Scope
	// Close ends the session: LOGOUT (IMAP) or QUIT (POP3, which removes
	// the messages Delete marked). The Mailbox is closed afterwards,
	// whatever the outcome.
	Close(ctx context.Context) error
}

// Open connects to the mailbox cfg names, secures the connection as
// cfg.Security says, logs in and, over IMAP, selects cfg.Folder (a folder
// the server does not have is a *FolderError listing those it has). A
// refused login is a *LoginError; TLS problems a *TLSError; a password
// that would go in clear to a host that is not loopback ErrInsecureAuth.
// On error nothing is left open.
func Open(ctx context.Context, cfg Config) (Mailbox, error) {
	cfg, err := cfg.check()
	if err != nil {
		return nil, err
	}
	if cfg.Protocol == campaign.MailboxPOP3 {
		return openPOP3(ctx, cfg)
	}
	return openIMAP(ctx, cfg)
}
