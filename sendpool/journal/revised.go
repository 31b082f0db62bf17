package journal

import (
	"runtime"
	"slices"

	"github.com/tidings/tidings/sendpool"
)

// Revised returns what of key's row changed since its latest message went
// out: the facets (render.Renderer.Facets: column names, "" for the row's
// files) whose fingerprints now differ from those the message's attempt
// line recorded (Values.Each), where both name the facet, or "?" when the
// facets are the same and none tells the change the sum does. sum is the
// row's render.Message.ValuesSum now (0: not known), and sums gives its
// ValueSums, asked for only when sum is not the one recorded (a spool
// keeps them with the message, not the row). It returns nothing (len 0)
// when nothing changed, when the journal recorded no fingerprints for key
// (an older tidings, a key never tried), and when sum is 0. A facet only
// one side has (a template that reads another column now) is no change of
// the row's. Safe for concurrent use once the State is loaded; it reads a
// line back only when sum differs.
func (s *State) Revised(key string, facets []string, sum uint32, sums func() ([]uint16, error)) ([]string, error) {
	defer runtime.KeepAlive(s)
	i, ok := s.lookup(key)
	if !ok || sum == 0 {
		return nil, nil
	}
	k := s.keys.at(i)
	if k.sum == 0 || k.sum == sum || s.owedOpen(k, s.moreOf(k)) {
		return nil, nil // the same, or a send to recipients it owes is open: not told until that is settled
	}
	now, err := sums()
	if err != nil || now == nil {
		return nil, err
	}
	at := k.attempt.ref()
	a, err := s.attemptAt(at)
	if err != nil || a == nil {
		return nil, err
	}
	then := s.facetsAt(at)
	if len(then) != len(a.Values.Each) {
		return []string{"?"}, nil // the line was edited: not named
	}
	changed := []string{}
	for j, f := range then {
		if n := slices.Index(facets, f); n >= 0 && n < len(now) && now[n] != a.Values.Each[j] {
			changed = append(changed, f)
		}
	}
	if len(changed) == 0 && slices.Equal(then, facets) {
		changed = append(changed, "?") // a change the 16-bit hashes miss
	}
	return changed, nil
}

// DeferredAnew is the values' sum (render.Message.ValuesSum) of key's
// latest message made anew (send --resend-changed) when the server
// deferred it and no send since took it, refused it for good or lost its
// reply: the message is still owed, and a plain send sends it again while
// the row's values are still those it was made of. 0 when there is none.
func (s *State) DeferredAnew(key string) uint32 {
	defer runtime.KeepAlive(s)
	if p := s.pastOfKey(key); p != nil && p.deferred != 0 {
		return p.deferredSum
	}
	return 0
}

// deferredOf reads back the result that deferred slot k's message made
// anew, with its values' sum (DeferredAnew); nil and 0 when none.
func (s *State) deferredOf(k *slot) (*Result, uint32, error) {
	m := s.moreOf(k)
	if m == nil || m.past == nil || m.past.deferred == 0 {
		return nil, 0, nil
	}
	r, err := s.resultAt(m.past.deferred)
	return r, m.past.deferredSum, err
}

// SameColumns reports whether a row now, whose facets and their
// fingerprints are facets and sums (render.Renderer.Facets and
// render.Message.ColumnSums), has the columns key's latest message was
// made of (its attempt line's value_sums, under its run's facets): every
// column both name has the same fingerprint, and at least one does; the
// files (facet "") are left out, as a row with a problem may not have
// read them. False when either side is not known (an older tidings
// recorded none). A 16-bit fingerprint misses a change 1 time in 65,536
// a column.
func (s *State) SameColumns(key string, facets []string, sums []uint16) (bool, error) {
	defer runtime.KeepAlive(s)
	i, ok := s.lookup(key)
	if !ok || sums == nil {
		return false, nil
	}
	at := s.keys.at(i).attempt.ref()
	if at == 0 {
		return false, nil
	}
	a, err := s.attemptAt(at)
	if err != nil || a == nil {
		return false, err
	}
	then := s.facetsAt(at)
	if len(then) != len(a.Values.Each) {
		return false, nil
	}
	same := 0
	for j, f := range then {
		n := slices.Index(facets, f)
		if f == "" || n < 0 || n >= len(sums) {
			continue
		}
		if sums[n] != a.Values.Each[j] {
			return false, nil
		}
		same++
	}
	return same > 0, nil
}

// Earlier returns the attempts of the messages key was sent before its
// latest, oldest first: those sent again with send --resend-changed
// after their values changed. A report about one of them (a late bounce
// from an address since corrected) is about the key, and not about the
// message it has now. Nil when there are none.
func (s *State) Earlier(key string) ([]*Attempt, error) {
	defer runtime.KeepAlive(s)
	if p := s.pastOfKey(key); p != nil {
		return readAll(p.attempts, s.attemptAt)
	}
	return nil, nil
}

// Reports returns every hard bounce, complaint and unsubscribe request
// recorded about any of key's messages (its standing, Entry.Feedback,
// keeps the weightiest about its latest alone): what says an address of
// it must not be sent to again. Nil when none.
func (s *State) Reports(key string) ([]*Feedback, error) {
	defer runtime.KeepAlive(s)
	if p := s.pastOfKey(key); p != nil {
		return readAll(p.reports, s.feedbackAt)
	}
	return nil, nil
}

// pastOfKey is the past of key's slot; nil when it has none.
func (s *State) pastOfKey(key string) *past {
	i, ok := s.lookup(key)
	if !ok {
		return nil
	}
	if m := s.moreOf(s.keys.at(i)); m != nil {
		return m.past
	}
	return nil
}

// readAll reads back the lines at refs with read, in order.
func readAll[T any](refs []lineRef, read func(lineRef) (*T, error)) ([]*T, error) {
	out := make([]*T, 0, len(refs))
	for _, at := range refs {
		v, err := read(at)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// facetsAt returns the Facets of the run the line at belongs to.
func (s *State) facetsAt(at lineRef) []string {
	n, _ := slices.BinarySearch(s.runAt, at)
	if n == 0 {
		return nil
	}
	return s.Runs[n-1].Facets
}

// SentSum is the values sum (Attempt.Values.Sum) of the message the
// journal has delivered to key (sent; bounced or complained about since
// counts too), from memory; ok is false when none was delivered, or its
// attempt recorded no sum (an older tidings). Safe for concurrent use
// once the State is loaded.
func (s *State) SentSum(key string) (sum uint32, ok bool) {
	defer runtime.KeepAlive(s)
	i, found := s.lookup(key)
	if !found {
		return 0, false
	}
	k := s.keys.at(i)
	return k.sum, k.deliveryStatus() == sendpool.StatusSent && k.sum != 0
}
