package mailbox

import "fmt"

// maxListSessions is how many new sessions in a row, with no size listed
// between them, one List (or a run's listings: ListSessions) opens at most to ask for sizes apart after
// cuts: one message that cuts costs one over POP3, about log₂ of 10,000
// (14) over IMAP, and any number of damaged messages, sizes listed
// between them, are found. A server that cuts on every size (restarting
// over and over, or one that cannot list the mailbox at all) would
// otherwise be asked for a new session per message: List stops instead.
const maxListSessions = 64

// ListSessions counts the new sessions a run's listing opened in a row,
// no size listed between them (see maxListSessions). A listing asked
// for again on a new session after the server cut the first
// (sendpool/bounces does so once) goes on with the first one's count,
// that new session counted too (Another): the cap holds for the run,
// which would otherwise open twice as many. Its zero value has counted
// none.
type ListSessions struct{ n int }

// Another counts one more new session, and is an error past
// maxListSessions.
func (s *ListSessions) Another() error {
	if s.n++; s.n > maxListSessions {
		return fmt.Errorf("mailbox: the server closed the connection on %d sessions in a row while the sizes were asked for apart, listing none between; stopped there (a server restarting, or one that cannot list this mailbox)", maxListSessions)
	}
	return nil
}

// listed starts the count again: a size was listed.
func (s *ListSessions) listed() { s.n = 0 }

// sessions is k.Sessions, or a count of its own from none when nil.
func (k Known) sessions() *ListSessions {
	if k.Sessions != nil {
		return k.Sessions
	}
	return new(ListSessions)
}

// reopenFailed is why a new session to ask for the sizes apart could not
// be opened (err).
func reopenFailed(err error) error {
	return fmt.Errorf("mailbox: a new session, to ask for the sizes apart after the server closed the connection: %w", err)
}
