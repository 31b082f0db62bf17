package mailbox

import "fmt"

// Scope says where the IDs a Mailbox's List gives hold: an ID names the
// same message in every session whose Scope has the same Key, and no
// other message ever, for as long as that message is there.
type Scope struct {
	// Key names the server, the login and the folder, and over IMAP the
	// folder's UIDVALIDITY (RFC 3501 2.3.1.1): a folder made anew under
	// the same name has another, and its UIDs name other messages. It is
	// one line of text. "" says the IDs hold in this session only (an
	// IMAP server that gave no UIDVALIDITY): nothing may keep them.
	Key string
	// UIDs says the IDs are IMAP UIDs: decimal numbers that the server
	// gives new messages in ascending order and never gives again under
	// Key. Otherwise they are POP3 unique-ids (UIDL, RFC 1939 7), which
	// the server never gives another message of the maildrop.
	UIDs bool
}

func (b *imapBox) Scope() Scope {
	if b.uidValidity == 0 {
		return Scope{}
	}
	c := b.s.cfg
	return Scope{Key: fmt.Sprintf("imap %q %q %q %d", c.Addr(), c.Username, c.Folder, b.uidValidity), UIDs: true}
}

func (b *pop3Box) Scope() Scope {
	return Scope{Key: fmt.Sprintf("pop3 %q %q", b.cfg.Addr(), b.cfg.Username)}
}
