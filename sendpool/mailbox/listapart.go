package mailbox

import "fmt"

// maxListSessions is how many new sessions in a row, with no size listed
// between them, one List opens at most to ask for sizes apart after
// cuts: one message that cuts costs one over POP3, about log₂ of 10,000
// (14) over IMAP, and any number of damaged messages, sizes listed
// between them, are found. A server that cuts on every size (restarting
// over and over, or one that cannot list the mailbox at all) would
// otherwise be asked for a new session per message: List stops instead.
const maxListSessions = 64

// listSessions counts the new sessions of one List since a size was
// last listed (see maxListSessions).
type listSessions int

// another counts one more new session, and is an error past
// maxListSessions.
func (n *listSessions) another() error {
	if *n++; *n > maxListSessions {
		return fmt.Errorf("mailbox: the server closed the connection on %d sessions in a row while the sizes were asked for apart, listing none between; stopped there (a server restarting, or one that cannot list this mailbox)", maxListSessions)
	}
	return nil
}

// listed starts the count again: a size was listed.
func (n *listSessions) listed() { *n = 0 }

// reopenFailed is why a new session to ask for the sizes apart could not
// be opened (err).
func reopenFailed(err error) error {
	return fmt.Errorf("mailbox: a new session, to ask for the sizes apart after the server closed the connection: %w", err)
}
