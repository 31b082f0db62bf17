package bounces

import (
	"net/mail"
	"slices"
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
	// byAddress finds keys by their own address: the key, the To of
	// their latest message as recorded and as it went; byEnvelope by the
	// other addresses that message went to (a Cc, a Bcc, the recipients
	// a partial delivery owed or refused), asked only when byAddress
	// finds none, and only where one key's message went to the address
	// (a Cc on every row's message tells no row).
	byAddress  *journal.Lookup
	byEnvelope *journal.Lookup
	// byEarlier finds keys by the To of the messages sent before their
	// latest (journal.State.Earlier), asked only when byAddress finds
	// none: an address a row had is not another's that has it now.
	byEarlier *journal.Lookup
	err       error
}

// NewIndex indexes the recipients the journal has a handed-over message
// for, by the Message-ID and the To of their latest message and of those
// sent before it (journal.State.Earlier). An error is the journal's, read
// back.
func NewIndex(state *journal.State) (*Index, error) {
	var (
		earlierErr error
		lastEntry  *journal.Entry     // the lookups ask about one entry in turn:
		lastAs     []*journal.Attempt // its earlier messages are read back once
	)
	earlier := func(e *journal.Entry) []*journal.Attempt {
		if e == lastEntry {
			return lastAs
		}
		as, err := state.Earlier(e.NormKey)
		if err != nil && earlierErr == nil {
			earlierErr = err
		}
		lastEntry, lastAs = e, as
		return as
	}
	byID := func(e *journal.Entry) []string {
		if !handedOver(e) {
			return nil
		}
		var out []string
		for _, id := range append(messageIDs(earlier(e)), e.MessageID) {
			if id != "" {
				out = append(out, strings.ToLower(id))
			}
		}
		return out
	}
	addrs := func(e *journal.Entry, tos ...string) []string {
		var out []string
		for _, a := range tos {
			if handedOver(e) && strings.Contains(a, "@") {
				out = append(out, normAddress(a))
			}
		}
		return out
	}
	byAddr := func(e *journal.Entry) []string {
		return addrs(e, slices.Concat([]string{e.Key}, addressesOf(e.To), addressesOf(sentTo(e)))...)
	}
	byEnvelope := func(e *journal.Entry) []string {
		return addrs(e, slices.Concat(envelopeOf(e.LastAttempt), e.Owed, e.Refused)...)
	}
	byEarlier := func(e *journal.Entry) []string {
		var tos []string
		for _, a := range earlier(e) {
			tos = append(append(tos, addressesOf(a.To)...), a.Envelope...)
		}
		return addrs(e, tos...)
	}
	l, err := state.NewLookups(byID, byAddr, byEnvelope, byEarlier)
	if err == nil {
		err = earlierErr
	}
	if err != nil {
		return nil, err
	}
	return &Index{state: state, byMessageID: l[0], byAddress: l[1], byEnvelope: l[2], byEarlier: l[3]}, nil
}

// messageIDs are the Message-IDs of attempts.
func messageIDs(attempts []*journal.Attempt) []string {
	ids := make([]string, len(attempts))
	for i, a := range attempts {
		ids[i] = a.MessageID
	}
	return ids
}

// messageOf is e as the message a report is about went out: e itself, or,
// when one of ids (else, none of them being e's, one of addrs, an address
// e's latest message did not go to) names a message the key was sent
// before its latest (journal.State.Earlier), e with that message's To,
// Message-ID and attempt (its envelope), nothing owed, and earlier true.
func (ix *Index) messageOf(e *journal.Entry, ids, addrs []string) (_ *journal.Entry, earlier bool) {
	if e == nil || ix.err != nil {
		return e, false
	}
	as, err := ix.state.Earlier(e.NormKey)
	if err != nil {
		ix.err = err
		return nil, false
	}
	if len(as) == 0 {
		return e, false
	}
	for _, id := range ids {
		if sameID(id, e.MessageID) {
			return e, false
		}
	}
	view := func(a *journal.Attempt) *journal.Entry {
		v := *e
		v.To, v.MessageID, v.LastAttempt, v.Owed, v.Refused = a.To, a.MessageID, a, nil, nil
		return &v
	}
	for i := len(as) - 1; i >= 0; i-- { // the newest first
		for _, id := range ids {
			if sameID(id, as[i].MessageID) {
				return view(as[i]), true
			}
		}
	}
	for _, addr := range addrs {
		if addr == "" || wentTo(e, addr) {
			continue
		}
		for i := len(as) - 1; i >= 0; i-- {
			if v := view(as[i]); wentTo(v, addr) {
				return v, true
			}
		}
	}
	return e, false
}

// sameID reports whether the Message-IDs a and b (with or without angle
// brackets) are one; never for an empty one.
func sameID(a, b string) bool {
	a, b = strings.Trim(strings.TrimSpace(a), "<>"), strings.Trim(strings.TrimSpace(b), "<>")
	return a != "" && strings.EqualFold(a, b)
}

// toHas reports whether the To header to has addr.
func toHas(to, addr string) bool {
	list, _ := mail.ParseAddressList(to)
	for _, x := range list {
		if normAddress(x.Address) == normAddress(addr) {
			return true
		}
	}
	return false
}

// handedOver reports whether e's message was handed over: nothing can
// have come back about one that never was.
func handedOver(e *journal.Entry) bool { return e.LastAttempt != nil || e.Result != nil }

// Err is the first error reading the journal back, nil when none.
func (ix *Index) Err() error { return ix.err }

// find looks name up with lookup (a journal.Lookup's Find or FindOne),
// keeping the first error.
func (ix *Index) find(lookup func(string) (*journal.Entry, error), name string) *journal.Entry {
	if ix.err != nil || name == "" {
		return nil
	}
	e, err := lookup(name)
	if err != nil {
		ix.err = err
		return nil
	}
	return e
}

// byID finds the entry whose message has id as its Message-ID (with or
// without angle brackets).
func (ix *Index) byID(id string) *journal.Entry {
	return ix.find(ix.byMessageID.Find, strings.ToLower(strings.Trim(strings.TrimSpace(id), "<>")))
}

// byAddr finds the entry whose key or To is addr, else the one entry
// whose message went to addr besides (a Cc), else one whose earlier
// message went to addr.
func (ix *Index) byAddr(addr string) *journal.Entry {
	if addr == "" {
		return nil
	}
	a := normAddress(addr)
	if e := ix.find(ix.byAddress.Find, a); e != nil || ix.err != nil {
		return e
	}
	if e := ix.find(ix.byEnvelope.FindOne, a); e != nil || ix.err != nil {
		return e
	}
	return ix.find(ix.byEarlier.Find, a)
}

// sharedCopy reports whether addr is an address more than one row's
// message went to besides its key and To (a Cc on every invoice): a
// report about it names no row, and suppresses it all the same.
func (ix *Index) sharedCopy(addr string) bool {
	return ix.err == nil && ix.byEnvelope.Shared(normAddress(addr))
}

// addressOf is the address in a To header as the report shows it ("Ann
// <ann@example.org>"); "" when it holds none.
func addressOf(to string) string {
	if a, err := mail.ParseAddress(to); err == nil {
		return a.Address
	}
	return ""
}

// addressesOf are the addresses of a To header, one or several.
func addressesOf(to string) []string {
	list, _ := mail.ParseAddressList(to)
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, a.Address)
	}
	return out
}

// envelopeOf is the envelope a's message went to besides its To (its Cc
// and Bcc, journal.Attempt.Envelope); nil for none or no attempt.
func envelopeOf(a *journal.Attempt) []string {
	if a == nil {
		return nil
	}
	return a.Envelope
}

// sentTo is the To e's message went with: its latest attempt's ("" when
// it has none), which a later decision about the row (an invalid row's
// note, with the To it has now) does not change as it changes e.To.
func sentTo(e *journal.Entry) string {
	if e.LastAttempt == nil {
		return ""
	}
	return e.LastAttempt.To
}

// wentTo reports whether e's message (as messageOf gives it) went to
// addr: its key, an address of its To (as recorded last, or as the
// message went), one of its envelope (a Cc or a Bcc), or one a partial
// delivery of it owed or refused. Attempt lines of an older tidings have
// no envelope: a Cc of theirs is known only when a report names it as
// the original recipient.
func wentTo(e *journal.Entry, addr string) bool {
	a := normAddress(addr)
	if a == "" {
		return false
	}
	same := func(x string) bool { return normAddress(x) == a }
	return same(e.Key) || toHas(e.To, addr) || toHas(sentTo(e), addr) || slices.ContainsFunc(envelopeOf(e.LastAttempt), same) ||
		slices.ContainsFunc(e.Owed, same) || slices.ContainsFunc(e.Refused, same)
}

// normAddress compares addresses as recipients are compared: space around
// them and case aside.
func normAddress(a string) string {
	return strings.ToLower(strings.Trim(strings.TrimSpace(a), "<>"))
}
