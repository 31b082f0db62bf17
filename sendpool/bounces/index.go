package bounces

import (
	"net/mail"
	"strings"

	"github.com/tidings/tidings/sendpool/journal"
)

// Index is what a report is matched against: the campaign's sent
// messages, from its journal, by Message-ID (which is also the envelope id
// tidings asks DSNs to carry) and by recipient address. It keeps a hash
// of each (journal.Lookup) and reads an entry back from the journal when
// a report names it. The first error reading back is kept (Err), and the
// lookups then find nothing: Process stops at it before recording.
type Index struct {
	state       *journal.State
	byMessageID *journal.Lookup
	byAddress   *journal.Lookup
	err         error
}

// NewIndex indexes the recipients the journal has a handed-over message
// for. An error is the journal's, read back.
func NewIndex(state *journal.State) (*Index, error) {
	byID := func(e *journal.Entry) []string {
		if !handedOver(e) || e.MessageID == "" {
			return nil
		}
		return []string{strings.ToLower(e.MessageID)}
	}
	byAddr := func(e *journal.Entry) []string {
		var out []string
		for _, a := range []string{e.Key, addressOf(e.To)} {
			if handedOver(e) && strings.Contains(a, "@") {
				out = append(out, normAddress(a))
			}
		}
		return out
	}
	l, err := state.NewLookups(byID, byAddr)
	if err != nil {
		return nil, err
	}
	return &Index{state: state, byMessageID: l[0], byAddress: l[1]}, nil
}

// handedOver reports whether e's message was handed over: nothing can
// have come back about one that never was.
func handedOver(e *journal.Entry) bool { return e.LastAttempt != nil || e.Result != nil }

// Err is the first error reading the journal back, nil when none.
func (ix *Index) Err() error { return ix.err }

// find looks name up in l, keeping the first error.
func (ix *Index) find(l *journal.Lookup, name string) *journal.Entry {
	if ix.err != nil || name == "" {
		return nil
	}
	e, err := l.Find(name)
	if err != nil {
		ix.err = err
		return nil
	}
	return e
}

// byID finds the entry whose message has id as its Message-ID (with or
// without angle brackets).
func (ix *Index) byID(id string) *journal.Entry {
	return ix.find(ix.byMessageID, strings.ToLower(strings.Trim(strings.TrimSpace(id), "<>")))
}

// byAddr finds the entry whose key or To is addr.
func (ix *Index) byAddr(addr string) *journal.Entry {
	if addr == "" {
		return nil
	}
	return ix.find(ix.byAddress, normAddress(addr))
}

// addressOf is the address in a To header as the report shows it ("Ann
// <ann@example.org>"); "" when it holds none.
func addressOf(to string) string {
	if a, err := mail.ParseAddress(to); err == nil {
		return a.Address
	}
	return ""
}

// normAddress compares addresses as recipients are compared: space around
// them and case aside.
func normAddress(a string) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(a), "<>"))
}
