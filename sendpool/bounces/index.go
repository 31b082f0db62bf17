package bounces

import (
	"net/mail"
	"strings"

	"github.com/tidings/tidings/sendpool/journal"
)

// Index is what a report is matched against: the campaign's sent
// messages, from its journal, by Message-ID (which is also the envelope id
// tidings asks DSNs to carry) and by recipient address.
type Index struct {
	state       *journal.State
	byMessageID map[string]*journal.Entry
	byAddress   map[string]*journal.Entry
}

// NewIndex indexes the recipients the journal has a handed-over message
// for.
func NewIndex(state *journal.State) *Index {
	ix := &Index{state: state, byMessageID: map[string]*journal.Entry{}, byAddress: map[string]*journal.Entry{}}
	for _, e := range state.Entries() {
		if e.LastAttempt == nil && e.Result == nil {
			continue // never handed over: nothing can have come back
		}
		if e.MessageID != "" {
			ix.byMessageID[strings.ToLower(e.MessageID)] = e
		}
		for _, a := range []string{e.Key, addressOf(e.To)} {
			if strings.Contains(a, "@") {
				ix.byAddress[normAddress(a)] = e
			}
		}
	}
	return ix
}

// byID finds the entry whose message has id as its Message-ID (with or
// without angle brackets).
func (ix *Index) byID(id string) *journal.Entry {
	id = strings.ToLower(strings.Trim(strings.TrimSpace(id), "<>"))
	if id == "" {
		return nil
	}
	return ix.byMessageID[id]
}

// byAddr finds the entry whose key or To is addr.
func (ix *Index) byAddr(addr string) *journal.Entry {
	if addr == "" {
		return nil
	}
	return ix.byAddress[normAddress(addr)]
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
