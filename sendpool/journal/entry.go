package journal

import (
	"cmp"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"strings"

	"github.com/tidings/tidings/sendpool"
)

// Entry is the journal's knowledge of one recipient (one normalized key),
// read back from the journal by State.Entry and State.All.
type Entry struct {
	NormKey string
	// Key, To and Row are as last recorded (To: the last one among the
	// lines the State keeps, see Entry.replay).
	Key string
	To  string
	Row int
	// Status is where the recipient stands (State.standing): the delivery
	// outcome when there was a delivery (sent stays sent; an attempt
	// without a result is sendpool.StatusUnknown), unless that outcome is
	// deferred or not attempted and a decision came after it; otherwise
	// the latest decision (invalid, suppressed, not-attempted).
	Status sendpool.Status
	// Pending is true when the last attempt has no result: the message may
	// or may not have been delivered.
	Pending bool
	// InHand is true when Pending and that attempt is of the send running
	// beside the reader (State.SendRunning): its reply may still come, and
	// ReportLine says sendpool.StatusSending where Status says unknown.
	InHand bool
	// RunHolds is true when Status is deferred by a result of the send
	// running beside the reader (State.SendRunning) that it goes on
	// with (Result.Again): that send has not finished with the message,
	// and ReportLine's detail begins with RunHoldsNote.
	RunHolds bool
	// Attempts counts body hand-overs (attempt records) across all runs,
	// up to 127.
	Attempts int
	// LastAttempt is the latest attempt record, nil when none.
	LastAttempt *Attempt
	// Result is the latest result that ended a delivery (sent, failed,
	// temporary, unknown, not-attempted after an attempt); when the
	// recipient was sent it is the sent result. Nil when none.
	Result *Result
	// Note is the latest decision record (invalid, suppressed,
	// not-attempted without an attempt), nil when none.
	Note *Result
	// Owed lists the envelope recipients still owed the message after a
	// partial delivery: the server took it for the others (so the
	// recipient counts as sent) and deferred these. Later results for the
	// owed recipients alone update it; nil when nobody is owed.
	Owed []string
	// OwedResult is the latest result of a send to the owed recipients
	// alone (nil before one): failed means they were refused for good,
	// unknown that its reply was lost.
	OwedResult *Result
	// Refused lists the owed recipients that sends to them alone refused
	// for good, all of them (where OwedResult is the latest send only).
	Refused []string
	// MessageID and Hash identify the last message handed over (or, when
	// sent, the one delivered).
	MessageID string
	Hash      string
	// Run is the 1-based number of the run of the latest record (index
	// into State.Runs plus one); 0 when it precedes any run record.
	Run int
	// Feedback is the weightiest report that came back about the key (a
	// bounce, a complaint, an unsubscribe request; see `tidings bounces`),
	// nil when none.
	Feedback *Feedback
	// Deferred is the result of a message made anew for the key (send
	// --resend-changed) that the server deferred and that is still owed
	// (State.DeferredAnew), and DeferredSum its values' sum; nil and 0
	// when none is.
	Deferred    *Result
	DeferredSum uint32

	// delivery is the outcome of the delivery history alone
	// (slot.deliveryStatus); NoStatus when none.
	delivery sendpool.Status
	// decided: Note, not the delivery history, is where the recipient
	// stands (State.standing).
	decided bool
	// owes: a send goes to the recipients in Owed (the last try to them
	// was neither refused for good nor without a final reply, and no
	// suppressed decision holds them back: State.owes).
	owes bool
	// owedOpen: as owes, a suppressed decision aside (State.owedOpen).
	owedOpen bool
}

// Entry returns what the journal knows about key (normalized here), or
// nil. It reads the key's lines back from the journal.
func (s *State) Entry(key string) (*Entry, error) {
	i, ok := s.lookup(key)
	if !ok {
		return nil, nil
	}
	return s.entryAt(i)
}

// WentOutAt reports whether a message for key went out from row: the
// journal's delivery of it ended sent (whatever came back later),
// refused for good or of unknown outcome, at that row of the sheet (or at
// another, when the row's columns now are those the message was made of:
// the row moved since, say the sheet was sorted; facets and sums are the
// row's render.Renderer.Facets and render.Message.ColumnSums, nil when not
// known: SameColumns), and
// no send to recipients it still owes is open (a partly delivered
// message still to send to some is not done, even while the suppression
// list holds them back; one whose send to them was refused for good or
// lost its reply is, without --retry-failed or --resend-unknown, which
// plan asks again). A row that has a problem now but sent its message before is
// no problem of a send without --retry-failed or --resend-unknown (what
// went out stays as it went). Only then are key's lines read back.
func (s *State) WentOutAt(key string, row int, facets []string, sums []uint16) (bool, error) {
	b, ok := s.Brief(key)
	if !ok || !b.Delivery.WentOut() {
		return false, nil
	}
	e, err := s.Entry(key)
	if err != nil || e == nil {
		return false, err
	}
	at := 0 // the row the delivery went from
	switch {
	case e.Pending && e.LastAttempt != nil:
		at = e.LastAttempt.Row
	case e.Result != nil:
		at = e.Result.Row
	}
	if !e.Status.WentOut() || e.owedOpen {
		return false, nil
	}
	if at == row {
		return true, nil
	}
	return s.SameColumns(key, facets, sums)
}

// All yields every recipient the journal knows, by row, then key, reading
// each one's lines back as it comes (memory stays flat); it stops at the
// first error, which it yields with a nil Entry.
func (s *State) All() iter.Seq2[*Entry, error] { return s.Unmarked(nil) }

// Marks is a set of a State's recipients, a bit each: report.Rebuild
// marks those the sheet has, and reads back only the others
// (State.Unmarked). It is not safe for concurrent use.
type Marks struct {
	s    *State
	bits []uint64
}

// NewMarks returns an empty set of s's recipients.
func (s *State) NewMarks() *Marks {
	return &Marks{s: s, bits: make([]uint64, (s.keys.n+63)/64)}
}

// Mark marks key (normalized here) and reports whether the journal knows
// it.
func (m *Marks) Mark(key string) bool {
	i, ok := m.s.lookup(key)
	if ok {
		m.set(i)
	}
	return ok
}

// Clone returns a copy of m (not nil), a set of the same State's
// recipients that marking leaves m as it is.
func (m *Marks) Clone() *Marks { return &Marks{s: m.s, bits: slices.Clone(m.bits)} }

// set marks slot i.
func (m *Marks) set(i int32) { m.bits[i/64] |= 1 << (i % 64) }

// Marked reports whether key (normalized here) is a recipient of the
// journal that m marks; a nil Marks marks none.
func (m *Marks) Marked(key string) bool {
	if m == nil {
		return false
	}
	i, ok := m.s.lookup(key)
	return ok && m.has(i)
}

// has reports whether slot i is marked; a nil Marks marks none.
func (m *Marks) has(i int32) bool { return m != nil && m.bits[i/64]&(1<<(i%64)) != 0 }

// Unmarked is All without the recipients m marks (nil marks none); their
// lines are not read.
func (s *State) Unmarked(m *Marks) iter.Seq2[*Entry, error] {
	return func(yield func(*Entry, error) bool) {
		err := s.each(m, func(_ int32, e *Entry) error {
			if !yield(e, nil) {
				return errStopped
			}
			return nil
		})
		if err != nil && err != errStopped {
			yield(nil, err)
		}
	}
}

// Reached is Unmarked for the recipients a message may have reached: those
// whose delivery history is sent (whatever came back since) or has no
// known outcome. The others are passed over in memory, their lines not
// read.
func (s *State) Reached(m *Marks) iter.Seq2[*Entry, error] {
	defer runtime.KeepAlive(s)
	skip := &Marks{s: s, bits: make([]uint64, (s.keys.n+63)/64)}
	if m != nil {
		copy(skip.bits, m.bits)
	}
	for i := range s.keys.n {
		if !reached(s.keys.at(i).deliveryStatus()) {
			skip.bits[i/64] |= 1 << (i % 64)
		}
	}
	return s.Unmarked(skip)
}

// reached reports whether a delivery history of status st may have
// reached its recipient: sent (whatever came back since), or no known
// outcome.
func reached(st sendpool.Status) bool {
	return st == sendpool.StatusSent || st == sendpool.StatusUnknown
}

// Reached reports whether a message may have reached the key b is of,
// as State.Reached tells it.
func (b Brief) Reached() bool { return reached(b.Delivery) }

// errStopped ends each when its caller stopped early.
var errStopped = errors.New("journal: stopped")

// each calls fn with every slot's number and entry but those skip marks
// (nil for none), by row, then key, and returns the first error.
func (s *State) each(skip *Marks, fn func(int32, *Entry) error) error {
	defer runtime.KeepAlive(s)
	type numbered struct {
		i int32
		e *Entry
	}
	order := s.byRow(skip)
	for len(order) > 0 {
		n := 1 // the slots of one row: sorted by key once read
		for n < len(order) && s.keys.at(order[n]).row == s.keys.at(order[0]).row {
			n++
		}
		group := make([]numbered, n)
		for j, i := range order[:n] {
			e, err := s.entryAt(i)
			if err != nil {
				return err
			}
			group[j] = numbered{i, e}
		}
		slices.SortFunc(group, func(a, b numbered) int { return strings.Compare(a.e.NormKey, b.e.NormKey) })
		for _, g := range group {
			if err := fn(g.i, g.e); err != nil {
				return err
			}
		}
		order = order[n:]
	}
	return nil
}

// byRow returns the indexes of the slots skip does not mark, by row.
func (s *State) byRow(skip *Marks) []int32 {
	defer runtime.KeepAlive(s)
	n := 0
	for i := range s.keys.n {
		if !skip.has(i) {
			n++
		}
	}
	order := make([]int32, 0, n)
	for i := range s.keys.n {
		if !skip.has(i) {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(s.keys.at(a).row, s.keys.at(b).row) })
	return order
}

// entryAt reads slot i's lines back into an Entry.
func (s *State) entryAt(i int32) (*Entry, error) {
	defer runtime.KeepAlive(s)
	k := s.keys.at(i)
	e := &Entry{Row: int(k.row), Attempts: k.attempts(), Pending: k.pending(), InHand: s.inHand(k),
		Status: s.standing(k), delivery: k.deliveryStatus(), decided: s.noteStands(k)}
	at := s.linesOf(k)
	if m := s.moreOf(k); m != nil {
		e.Owed = m.owed()
		e.owes, e.owedOpen = s.owes(k, m), s.owedOpen(k, m)
		if m.owing != nil {
			e.Refused = m.owing.refused
		}
	}
	var err error
	if e.LastAttempt, err = s.attemptAt(at.attempt); err != nil {
		return nil, err
	}
	if e.Result, err = s.resultAt(at.result); err != nil {
		return nil, err
	}
	e.RunHolds = e.Result != nil && e.Result.Again && s.runHolds(k)
	if e.Result != nil && len(e.Result.Owed) > 0 && e.Result.Status != sendpool.StatusUnknown {
		e.Result.Status = sendpool.StatusSent // see State.result
	}
	if e.Note, err = s.resultAt(at.note); err != nil {
		return nil, err
	}
	if e.OwedResult, err = s.resultAt(at.owed); err != nil {
		return nil, err
	}
	if e.Feedback, err = s.feedbackAt(at.feedback); err != nil {
		return nil, err
	}
	if e.Deferred, e.DeferredSum, err = s.deferredOf(k); err != nil {
		return nil, err
	}
	later, err := s.resultAt(at.later)
	if err != nil {
		return nil, err
	}
	same := e.replay(at, later)
	if !same || s.ids.of(e.NormKey) != k.id {
		return nil, s.lineError(cmp.Or(at.attempt, at.result, at.note), errChanged)
	}
	e.Run = s.runOf(at)
	return e, nil
}

// lines are where an entry's lines are (0: none).
type lines struct {
	attempt, result, note, owed, later, feedback lineRef
}

// linesOf returns where the lines of slot k are.
func (s *State) linesOf(k *slot) lines {
	at := lines{attempt: k.attempt.ref(), result: k.result.ref()}
	if m := s.moreOf(k); m != nil {
		at.note, at.owed, at.later, at.feedback = m.note, m.owedResult(), m.later, m.feedback
	}
	return at
}

// runOf is the 1-based run of the latest of an entry's lines at but its
// feedback (Entry.Run): the runs that began before it.
func (s *State) runOf(at lines) int {
	run, _ := slices.BinarySearch(s.runAt, max(at.attempt, at.result, at.note, at.owed, at.later))
	return run
}

// replay sets NormKey, Key, To, MessageID and Hash from the lines the
// State kept of the entry (the latest attempt, delivery result, decision,
// result of a send to owed recipients, and other result after it was
// sent) in the order they were written: each names the key as then
// written and its To (the last non-empty one stands: a To only an older
// line gave is not known; tidings writes one in every line); an attempt
// names the message handed over, unless the key was sent before it (a
// send to the owed recipients keeps the sent message's); a result that
// ended a delivery names the message it was about. It reports whether
// all the lines name one key.
func (e *Entry) replay(at lines, later *Result) bool {
	type line struct {
		at lineRef
		fn func()
	}
	todo := make([]line, 0, 4)
	same := true
	named := func(norm, key, to string) {
		same = same && (e.NormKey == "" || e.NormKey == norm)
		e.NormKey, e.Key = norm, key
		if to != "" {
			e.To = to
		}
	}
	if a := e.LastAttempt; a != nil {
		todo = append(todo, line{at.attempt, func() {
			named(a.NormKey, a.Key, a.To)
			if e.delivery != sendpool.StatusSent || at.result == 0 || at.result > at.attempt {
				e.MessageID, e.Hash = a.MessageID, a.Hash
			}
		}})
	}
	if r := e.Result; r != nil {
		todo = append(todo, line{at.result, func() {
			named(r.NormKey, r.Key, r.To)
			e.MessageID = cmp.Or(r.MessageID, e.MessageID)
			e.Hash = cmp.Or(r.Hash, e.Hash)
		}})
	}
	for _, l := range []struct {
		at lineRef
		r  *Result
	}{{at.note, e.Note}, {at.owed, e.OwedResult}, {at.later, later}} {
		if l.r != nil {
			todo = append(todo, line{l.at, func() { named(l.r.NormKey, l.r.Key, l.r.To) }})
		}
	}
	slices.SortFunc(todo, func(a, b line) int { return cmp.Compare(a.at, b.at) })
	for _, l := range todo {
		l.fn()
	}
	return same && e.NormKey != ""
}

// attemptAt reads back the attempt line at (nil when at is 0).
func (s *State) attemptAt(at lineRef) (*Attempt, error) {
	l, err := readBack(s, at, readAttempt)
	if l == nil {
		return nil, err
	}
	return &l.Attempt, nil
}

// resultAt reads back the result line at (nil when at is 0).
func (s *State) resultAt(at lineRef) (*Result, error) {
	l, err := readBack(s, at, readResult)
	if l == nil {
		return nil, err
	}
	return &l.Result, nil
}

// feedbackAt reads back the feedback line at (nil when at is 0).
func (s *State) feedbackAt(at lineRef) (*Feedback, error) {
	l, err := readBack(s, at, readFeedback)
	if l == nil {
		return nil, err
	}
	return &l.Feedback, nil
}

// readBack reads the line at at and decodes it with read; nil, nil when
// at is 0.
func readBack[L any](s *State, at lineRef, read func([]byte, *L) error) (*L, error) {
	if at == 0 {
		return nil, nil
	}
	b, err := s.line(at)
	if err != nil {
		return nil, s.lineError(at, err)
	}
	l := new(L)
	if err := read(b, l); err != nil {
		// Load read a record here.
		return nil, s.lineError(at, fmt.Errorf("%w: no longer a record: %w", errChanged, err))
	}
	return l, nil
}
