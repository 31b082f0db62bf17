package mailbox

// Known is what earlier runs learned of a mailbox's messages, for
// ListKnown to ask the server less, and what this run's listings spent
// of the cap on new sessions. Its zero value knows nothing.
type Known struct {
	// Unsized are the messages, by ID, whose size the server could not
	// list (it closed the connection when asked for it, in earlier runs:
	// a damaged message it cannot work out the size of): their sizes are
	// not asked for, and those still there are listed with Size -1. Over
	// POP3 one of them in the maildrop makes the sizes be asked for apart
	// (LIST n) on the one session, without the LIST of all it would cut.
	Unsized map[string]bool
	// Sizes are POP3 messages' sizes as an earlier run listed them, by
	// unique-id: when the sizes are asked for apart (LIST cut, or an
	// Unsized message in the maildrop), those still there are listed
	// with that size, not asked for again (10,000 messages at 50 ms a
	// round trip would take 8 minutes). Over IMAP it is not used.
	Sizes map[string]int64
	// Sessions, when not nil, is the count of new sessions the run's
	// listings opened in a row so far (ListSessions), which this one
	// goes on with: the cap on them is the run's. Nil counts from none.
	Sessions *ListSessions
}

// unsized reports whether the size of message id is not to be asked for.
func (k Known) unsized(id string) bool { return k.Unsized[id] }
