package journal

import (
	"errors"
	"fmt"
	"hash/maphash"
	"os"
	"runtime"
	"slices"
	"strings"

	"github.com/tidings/tidings/sendpool"
)

// State is what a journal says about a campaign, as read by Load. A State
// is not changed after Load returns it (but for Close) and may be shared
// between goroutines. The caller closes it.
//
// A State keeps little of each recipient in memory (a 40-byte slot, about
// 47 bytes with its place in the index): a 128-bit hash of the key, where
// it stands (the delivery outcome, the latest decision, whether an attempt
// has no result, the counts) and where in the journal its latest attempt,
// result and decision lines are. Everything else an Entry holds (the key
// as written, the reply text, the Message-ID) is read back from those
// lines when an Entry is asked for. So a State of 300,000 recipients takes
// about 14 MB where whole records took 550 MB. A recipient with a decision
// (invalid, suppressed: a send records one for every suppressed row),
// reports that came back, or a refusal to relay (slotMore.relayRefused)
// takes 72 bytes more, on the Go heap (slotMore, an 80-byte block there):
// 24 MB more when all 300,000 have one; one whose message still owes
// recipients, more again (owing). The journal must not be
// changed in place while the State is in use (tidings only appends to
// it); a line read back that is not the one Load read is an error.
//
// The slots, their index and the sent times live outside the Go heap
// (package offheap), given back when the State is garbage (a cleanup
// newState adds): every method that reads them keeps the State alive
// until it returns (runtime.KeepAlive), since a slot's address does not.
type State struct {
	// Path is the journal file.
	Path string
	// Runs are the run records in file order.
	Runs []Run
	// Records counts the attempt, result, feedback and test records read.
	Records int
	// Tests counts the test send records (see TestSend).
	Tests int
	// Warnings are problems that did not stop loading: a torn last line
	// (ErrTornLine), corrupt lines in the middle that were skipped
	// (ErrCorruptLine). Each is a *campaign.FileError with the line number.
	Warnings []error
	// damage sorts the corrupt lines (see Damaged).
	damage damage

	// file is the journal, open for reading lines back; nil when there
	// was none.
	file   *os.File
	window lineWindow
	ids    idHasher
	keys   *slotTable
	more   []slotMore // rare details of slots (slot.more is an index+1)
	// runAt is where each run record starts, for Entry.Run.
	runAt []lineRef
	// madeAnew are the slots of the latest run read so far whose message
	// made anew has no result yet (past.pending; settlePending).
	madeAnew []*slot
	// rows holds results that belong to a row rather than to a key:
	// duplicates, and rows without a key; the latest per row.
	rows map[int]rowFact
	// feedbackIDs are the ids of the feedback records read, each with
	// the suppression list its address went to (Feedback.Listed; "" for
	// none).
	feedbackIDs map[keyID]string
	// listed is the latest Feedback.Listed read, which the next ones
	// share (most name one list).
	listed string
	// copies are the Sent-folder copies by Message-ID (see Copy).
	copies map[keyID]CopyState
	sent   *sentTimes // of sent results, ascending once loaded
	// maxSize is the largest journal Load reads (maxJournal; less in
	// tests).
	maxSize int64
	// interruptedRun is len(Runs) when the latest result of an
	// interrupted run was read, 0 once a later run's attempt was read
	// (see Interrupted).
	interruptedRun int
	// stoppedRun is len(Runs) when the latest result of a run that
	// stopped (sendpool.IsStopUnsent) was read, stopDetail that result's
	// detail; 0 and "" once a later run's attempt was read (see Stopped).
	stoppedRun int
	stopDetail string
	// finals counts each run's final delivery results (EndedShort), by
	// its index in Runs.
	finals []int
	// inHandFrom is where the run of the send running beside starts (see
	// SendRunning), 0 when none is known.
	inHandFrom lineRef
	// sentDomains are recipient domains sent to, by Run.Via (see
	// SentDomains).
	sentDomains map[string][]string
	// reached are the hosts of the servers that took a message (see
	// HostReached).
	reached map[string]struct{}
}

// keyID is what a State keeps of a string it looks up (a normalized key, a
// Message-ID, a feedback id): 128 bits of hash. Two different strings with
// the same keyID (odds about 1 in 10^26 for a million of them) would be
// taken for one.
type keyID [2]uint64

// idHasher hashes strings to keyIDs with two seeds of its own.
type idHasher struct{ a, b maphash.Seed }

func newIDHasher() idHasher { return idHasher{maphash.MakeSeed(), maphash.MakeSeed()} }

func (h idHasher) of(s string) keyID {
	return keyID{maphash.String(h.a, s), maphash.String(h.b, s)}
}

// lineRef is where a line starts in the journal, plus one: 0 is no line.
type lineRef int64

// slot is what a State keeps of one recipient (one normalized key): 40
// bytes, none of them padding (the small fields share bytes: see their
// methods).
type slot struct {
	id   keyID // of the normalized key
	row  int32
	more int32
	// sum is the Values.Sum of the attempt of the key's message (0: none
	// recorded), for State.Revised.
	sum uint32
	// attempt and result are the latest attempt line (but that of a
	// message made anew the server has not taken: past.pending) and the
	// latest result that ended a delivery (Entry.Result).
	attempt, result shortRef
	// tries is the count of attempts (the low 7 bits, saturating at
	// maxTries) and whether the last attempt has no result (pendingBit).
	tries uint8
	// statuses is the sendpool.Status of the delivery history (the low 4
	// bits) and that of the latest decision (the high 4 bits), each plus
	// one, so that 0 is NoStatus (packStatus).
	statuses uint8
}

const (
	pendingBit = 0x80
	// maxTries is the most attempts a slot counts: the count only says
	// whether and about how often a key was tried.
	maxTries = pendingBit - 1
)

// attempts counts the key's attempts, up to maxTries.
func (k *slot) attempts() int { return int(k.tries &^ pendingBit) }

// pending says whether the key's last attempt has no result.
func (k *slot) pending() bool { return k.tries&pendingBit != 0 }

func (k *slot) setPending(p bool) {
	if k.tries &^= pendingBit; p {
		k.tries |= pendingBit
	}
}

// delivery is the sendpool.Status of the key's delivery history;
// NoStatus when none.
func (k *slot) delivery() sendpool.Status { return sendpool.Status(k.statuses&0x0f) - 1 }

func (k *slot) setDelivery(st sendpool.Status) { k.statuses = k.statuses&0xf0 | packStatus(st) }

// noteStatus is the status of the key's latest decision; NoStatus when
// none.
func (k *slot) noteStatus() sendpool.Status { return sendpool.Status(k.statuses>>4) - 1 }

func (k *slot) setNoteStatus(st sendpool.Status) { k.statuses = k.statuses&0x0f | packStatus(st)<<4 }

// packStatus is st in 4 bits, plus one (NoStatus is 0): sendpool has 11
// statuses, and TestSlotSize holds them to at most 15.
func packStatus(st sendpool.Status) uint8 { return uint8(st+1) & 0x0f }

// shortRef is a lineRef in 5 bytes (little-endian), which a slot keeps
// (3 bytes less for each of its two than an int64): journals up to
// maxJournal bytes, which Load checks.
type shortRef [5]byte

// maxJournal is the largest journal (bytes) whose lines a shortRef can
// name: 1 TiB, about 1.4 billion recipients at 750 bytes each.
const maxJournal = 1<<40 - 2

// shorten returns at as a shortRef; at must be at most maxJournal+1.
func shorten(at lineRef) shortRef {
	return shortRef{byte(at), byte(at >> 8), byte(at >> 16), byte(at >> 24), byte(at >> 32)}
}

// ref returns the lineRef r holds.
func (r shortRef) ref() lineRef {
	return lineRef(r[0]) | lineRef(r[1])<<8 | lineRef(r[2])<<16 | lineRef(r[3])<<24 | lineRef(r[4])<<32
}

// tried counts one more attempt (saturating at maxTries).
func (k *slot) tried() {
	if k.attempts() < maxTries {
		k.tries++
	}
}

// untried takes back the count of the pending attempt, whose body never
// went (a not-attempted result after it); a saturated count stays.
func (k *slot) untried() {
	if n := k.attempts(); n > 0 && n < maxTries {
		k.tries--
	}
}

// slotMore is what few slots need: a decision without a delivery
// (invalid, suppressed), a partial delivery, reports that came back.
type slotMore struct {
	note lineRef // the latest decision (Entry.Note)
	// later is a result after the key was sent that is neither the
	// delivery's nor a send to owed recipients (it names the key, row and
	// To as last recorded).
	later        lineRef
	feedback     lineRef
	feedbackKind FeedbackKind
	owing        *owing // nil: the message never owed anybody
	// unsettled is an earlier run's attempt of unknown outcome (without a
	// result, or replied: with a result, unknown (a lost reply), failed
	// or deferred) that the latest run tried again (--resend-unknown,
	// --retry-failed; any run for a deferred one), and its values' sum:
	// when that try is cut off before its body went (a not-attempted
	// result), the key stays as the attempt left it, unknown or failed,
	// which a plain send does not send again, or deferred with the
	// server's reply (which it does). 0 when none.
	unsettled    lineRef
	unsettledSum uint32
	replied      bool
	// relayRefused: the result that ended the key's delivery (slot.result)
	// refused it for a refusal to relay (Refusal.Relay), told without
	// reading that line back.
	relayRefused bool
	// past is what the key's messages before its latest left (anew),
	// and every hard report about any of its messages; nil for almost
	// every key.
	past *past
}

// past is what a key's messages sent before its latest one left (anew),
// their attempt lines, oldest first (State.Earlier), and the hard
// bounces, complaints and unsubscribe requests that came back about any
// of the key's messages (State.Reports): the key's standing keeps only
// the weightiest report of its latest message. pending is the attempt of
// a message made anew that no result has settled yet, pendingSum its
// values. deferred is the result of the latest message made anew that
// the server deferred, still owed (State.DeferredAnew), deferredSum its
// values; 0 when none is.
type past struct {
	attempts, reports []lineRef
	pending           lineRef
	pendingSum        uint32
	deferred          lineRef
	deferredSum       uint32
}

// pastOf returns m's past, made when it has none.
func (m *slotMore) pastOf() *past {
	if m.past == nil {
		m.past = &past{}
	}
	return m.past
}

// owing is what a slot keeps of a message delivered to some recipients
// while others were still owed it (fewer still have one).
type owing struct {
	who    []string        // the recipients still owed it
	result lineRef         // the latest send to them alone (Entry.OwedResult)
	status sendpool.Status // its status (State.owedStatus)
	// refused lists recipients a send to them alone refused for good
	// (Entry.Refused).
	refused []string
}

// owed lists the recipients the message of m's slot still owes; nil when
// none (m may be nil).
func (m *slotMore) owed() []string {
	if m == nil || m.owing == nil {
		return nil
	}
	return m.owing.who
}

// owedResult is where the latest send to the owed recipients alone is;
// 0 when none (m may be nil).
func (m *slotMore) owedResult() lineRef {
	if m == nil || m.owing == nil {
		return 0
	}
	return m.owing.result
}

// rowFact is a result of a row's own (see State.rows); superseded when a
// later record names the row.
type rowFact struct {
	at         lineRef
	superseded bool
}

// errClosed is returned when a closed State is asked for lines.
var errClosed = errors.New("the journal state is closed")

// errChanged is returned when a line read back is not the one Load read.
var errChanged = errors.New("the journal changed since it was read (edited while tidings ran?)")

func newState(path string) *State {
	s := &State{Path: path, ids: newIDHasher(), rows: map[int]rowFact{}, keys: &slotTable{}, sent: &sentTimes{}}
	runtime.AddCleanup(s, freeTables, stateTables{s.keys, s.sent})
	return s
}

// stateTables is what a State holds outside the Go heap.
type stateTables struct {
	keys *slotTable
	sent *sentTimes
}

// freeTables gives t's memory back, once its State is garbage (the keys
// last: their freed flag says all is done).
func freeTables(t stateTables) {
	t.sent.Free()
	t.keys.free()
}

// Close closes the journal file: lines are no longer read back (errClosed),
// what the State knows from memory it still answers, and Entries already
// returned stay valid. Closing again does nothing.
func (s *State) Close() error {
	if s == nil {
		return nil
	}
	s.window.mu.Lock()
	defer s.window.mu.Unlock()
	if s.file == nil {
		return nil
	}
	err := s.file.Close()
	s.file, s.window.wins = nil, [2]window{}
	return err
}

// Len is the number of recipients (keys) the journal knows.
func (s *State) Len() int { return int(s.keys.n) }

// standing is where the recipient of slot k stands (Entry.Status): the
// outcome of its delivery history, unless that outcome is one every run
// tries again (deferred, not attempted) and a decision (invalid,
// suppressed, or not attempted with no attempt) was recorded after it:
// then the decision, which every later send makes again until the row or
// the list changes, as its report says. Sent stays sent, failed stays
// failed, and an outcome not known stays unknown (the message may have
// gone out): a decision after those comes from a run under --retry-failed
// or --resend-unknown, and a send without them reports the outcome.
func (s *State) standing(k *slot) sendpool.Status {
	if s.noteStands(k) {
		return k.noteStatus()
	}
	return k.deliveryStatus()
}

// noteStands says whether k's latest decision, not its delivery history,
// is where it stands (see standing).
func (s *State) noteStands(k *slot) bool {
	m := s.moreOf(k)
	if m == nil || m.note == 0 {
		return false
	}
	switch k.deliveryStatus() {
	case NoStatus:
		return true
	case sendpool.StatusSent, sendpool.StatusFailed, sendpool.StatusUnknown:
		return false
	case sendpool.StatusDeferred:
		// A run that did not come to it (interrupted: "the next send
		// sends it") leaves it deferred, with the server's reply.
		if k.noteStatus() == sendpool.StatusNotAttempted {
			return false
		}
	}
	return m.note > k.result.ref()
}

// deliveryStatus is the outcome of the delivery history alone.
func (k *slot) deliveryStatus() sendpool.Status {
	switch {
	case k.delivery() == sendpool.StatusSent:
		return sendpool.StatusSent
	case k.pending():
		return sendpool.StatusUnknown
	}
	return k.delivery()
}

func (s *State) moreOf(k *slot) *slotMore {
	if k.more == 0 {
		return nil
	}
	return &s.more[k.more-1]
}

func (s *State) addMore(k *slot) *slotMore {
	if k.more == 0 {
		s.more = append(s.more, slotMore{})
		k.more = int32(len(s.more))
	}
	return &s.more[k.more-1]
}

// slotFor returns the slot of the normalized key norm, adding it when new,
// and marks it as named by a record of the latest run.
func (s *State) slotFor(norm string) *slot {
	defer runtime.KeepAlive(s)
	id := s.ids.of(norm)
	i, ok := s.keys.find(id)
	if !ok {
		i = s.keys.add(id)
	}
	return s.keys.at(i)
}

// lookup returns the index of key's slot (key normalized here).
func (s *State) lookup(key string) (int32, bool) {
	return s.find(NormalizeKey(key))
}

// find returns the index of the slot of norm, a normalized key.
func (s *State) find(norm string) (int32, bool) {
	defer runtime.KeepAlive(s)
	return s.keys.find(s.ids.of(norm))
}

// named notes that a keyed record names row: a row's own fact before it
// no longer stands.
func (s *State) named(row int) {
	if f, ok := s.rows[row]; ok && !f.superseded {
		f.superseded = true
		s.rows[row] = f
	}
}

func (s *State) attempt(a *Attempt, at lineRef) {
	k := s.slotFor(a.NormKey)
	k.row = int32(a.Row)
	s.named(a.Row)
	k.tried()
	sum := a.Values.Sum
	if m := s.moreOf(k); k.delivery() == sendpool.StatusSent && !s.owedOpen(k, m) && sum != 0 && sum != k.sum {
		// A message made anew from values that changed since the key's
		// went out (send --resend-changed; a run sends nothing else to a
		// sent key): the key's once the server takes it (anew).
		p := s.addMore(k).pastOf()
		if p.pending == 0 {
			s.madeAnew = append(s.madeAnew, k) // slots do not move
		}
		p.pending, p.pendingSum = at, sum
		return
	}
	if prev := k.attempt.ref(); prev != 0 && !s.inLatestRun(prev) && (k.pending() || unsettledStatus(k.delivery())) {
		m := s.addMore(k)
		m.unsettled, m.unsettledSum, m.replied = prev, k.sum, !k.pending()
	}
	k.setPending(true)
	k.attempt = shorten(at)
	if k.delivery() != sendpool.StatusSent {
		k.sum = sum // a sent key's stays its message's: a send to the recipients it owes is of that one
	}
}

// Interrupted reports whether the latest run that tried a message was
// interrupted (Ctrl-C) with messages left (and no later one stopped:
// Stopped): rows no run has reached since
// are the ones it did not reach, whose report line says so
// (sendpool.InterruptedUnsent), as that run's report said.
func (s *State) Interrupted() bool {
	return s.interruptedRun != 0 && s.interruptedRun >= s.stoppedRun
}

// Stopped is the detail the latest run that tried a message gave the
// rows it left when it stopped ("run stopped: server unreachable: …"),
// for the rows no run has reached since, as that run's report gave them;
// "" when it did not stop so (or a later run was interrupted).
func (s *State) Stopped() string {
	if s.stoppedRun > s.interruptedRun {
		return s.stopDetail
	}
	return ""
}

// Held is how many rows the latest run that tried a message held back
// from the start (Run.Held) and the detail send's report gave them, when
// that run was interrupted or stopped (Interrupted, Stopped): the rows no
// run has reached since read that run's stop in report's rows, and Held
// of them are the ones it never set out to send; 0 and "" otherwise.
func (s *State) Held() (int, string) {
	i := s.stoppedRun
	switch {
	case s.Interrupted():
		i = s.interruptedRun
	case s.Stopped() == "":
		return 0, ""
	}
	if i < 1 || i > len(s.Runs) {
		return 0, ""
	}
	r := s.Runs[i-1]
	return r.Held, r.HeldFor
}

// IDSalt is the Message-ID salt of the latest run that recorded one
// (Run.IDSalt), "" when none did.
func (s *State) IDSalt() string {
	for i := len(s.Runs) - 1; i >= 0; i-- {
		if s.Runs[i].IDSalt != "" {
			return s.Runs[i].IDSalt
		}
	}
	return ""
}

// noteRun keeps up Interrupted and Stopped for a result (a is nil) or an
// attempt (r is nil) read from the journal.
func (s *State) noteRun(a *Attempt, r *Result) {
	switch {
	case r != nil && (r.Status == sendpool.StatusNotAttempted || r.Status == sendpool.StatusDeferred) && strings.HasPrefix(r.Detail, sendpool.Interrupted):
		s.interruptedRun = len(s.Runs)
	case r != nil && r.Status == sendpool.StatusNotAttempted && sendpool.IsStopUnsent(r.Detail):
		s.stoppedRun, s.stopDetail = len(s.Runs), r.Detail
	case a != nil:
		if len(s.Runs) > s.interruptedRun {
			s.interruptedRun = 0
		}
		if len(s.Runs) > s.stoppedRun {
			s.stoppedRun, s.stopDetail = 0, ""
		}
	}
}

// anew makes the message made anew that the server took (past.pending)
// the key's: its attempt, values, outcome and the reports about it are
// the key's from now on; the message before keeps its attempt line
// (State.Earlier) and the reports about it (State.Reports).
func (s *State) anew(k *slot) {
	m := s.addMore(k)
	p := m.pastOf()
	if at := k.attempt.ref(); at != 0 {
		p.attempts = append(p.attempts, at)
	}
	k.attempt, k.sum = shorten(p.pending), p.pendingSum
	p.pending, p.pendingSum = 0, 0
	p.deferred, p.deferredSum = 0, 0
	m.later, m.feedback, m.feedbackKind, m.owing = 0, 0, "", nil
	k.setDelivery(NoStatus)
	k.result, m.relayRefused = shortRef{}, false
}

// takeAnew applies r, a result of k's key at line at, to a message made
// anew for it (past.pending): taken (sent, or for some of its
// recipients), or of unknown outcome (the reply lost after its body), it
// becomes the key's (anew); any other outcome ends it, and the key stays
// on the message that went before. Deferred, it is still owed: a plain
// send sends it again while the row's values are those it was made of
// (DeferredAnew); refused for good, it is not, and the row is told as
// changed again; cut off before its body went, what was owed before
// stays owed.
func (s *State) takeAnew(k *slot, r *Result, at lineRef) {
	m := s.moreOf(k)
	if m == nil || m.past == nil || m.past.pending == 0 || !isDelivery(r.Status) {
		return
	}
	p := m.past
	switch {
	case r.Status == sendpool.StatusSent || r.Status == sendpool.StatusUnknown || len(r.Owed) > 0:
		s.anew(k)
		return
	case r.Status == sendpool.StatusDeferred:
		p.deferred, p.deferredSum = at, p.pendingSum
	case r.Status == sendpool.StatusNotAttempted:
		k.untried()
	default:
		p.deferred, p.deferredSum = 0, 0
	}
	p.pending, p.pendingSum = 0, 0
}

// laterAnew applies r, a result at line at of sent key k that owes no
// recipient and had no attempt line in its run, to a message made anew
// for k: deferred with the sum of values other than the key's
// (Result.ValuesSum: refused at MAIL or RCPT before the body was due), it
// is still owed as takeAnew keeps one (DeferredAnew); refused for good,
// the one owed before is not.
func (s *State) laterAnew(k *slot, r *Result, at lineRef) {
	switch {
	case r.Status == sendpool.StatusDeferred && r.ValuesSum != 0 && r.ValuesSum != k.sum:
		p := s.addMore(k).pastOf()
		p.deferred, p.deferredSum = at, r.ValuesSum
	case r.Status == sendpool.StatusFailed:
		if m := s.moreOf(k); m != nil && m.past != nil {
			m.past.deferred, m.past.deferredSum = 0, 0
		}
	}
}

// settlePending ends the run read last for the messages made anew that
// have no result in it: their body may have reached the server (a crash
// after the attempt line), so each becomes its key's, of unknown outcome,
// as any attempt without a result is. Load calls it at every run record
// and at the end.
func (s *State) settlePending() {
	for _, k := range s.madeAnew {
		if m := s.moreOf(k); m != nil && m.past != nil && m.past.pending != 0 {
			s.anew(k)
			k.setPending(true)
		}
	}
	s.madeAnew = s.madeAnew[:0]
}

func (s *State) result(r *Result, at lineRef) {
	if r.Status == sendpool.StatusSent {
		s.sent.Add(sentKey(r.Finished))
		s.noteSentDomain(r)
		s.noteReached(r)
	}
	if r.Status == sendpool.StatusDuplicate || r.NormKey == "" {
		// A row's own fact: the key belongs to another row, or is missing.
		s.rows[r.Row] = rowFact{at: at}
		return
	}
	s.named(r.Row)
	k := s.slotFor(r.NormKey)
	k.row = int32(r.Row)
	s.takeAnew(k, r, at)
	// A not-attempted result ends its own run's try, whose body never
	// went (cutOff): not counted. One of an earlier run stays as it was
	// (unknown: a run under --resend-unknown that stopped before it sends
	// nothing; and see unsettled).
	cut := s.cutOff(k, r)
	ends := isDelivery(r.Status) && (r.Status != sendpool.StatusNotAttempted || cut)
	if cut && s.inLatestRun(k.attempt.ref()) {
		k.untried()
	}
	if s.settleUnsettled(k, cut, ends) {
		return
	}
	switch {
	case !ends:
		s.addMore(k).note = at
		k.setNoteStatus(r.Status)
	case k.delivery() == sendpool.StatusSent:
		// Sent stays sent: a recipient who got the message has it. A
		// later delivery can only be the pool retrying, in the same run,
		// the recipients a try left owed (the delivery goes on), or a
		// later run's send to the recipients it still owed (a resumed
		// run sends nothing else to a sent key but a message made anew,
		// which madeAnew took up, or which did not go).
		k.setPending(false)
		switch m := s.moreOf(k); {
		case len(m.owed()) == 0:
			s.addMore(k).later = at
			s.laterAnew(k, r, at)
		case m.owedResult() == 0 && s.inLatestRun(k.result.ref()):
			s.setResult(k, r, at)
			m.owedFrom(r)
		default:
			m.owedResultOf(r, at)
		}
	default:
		k.setPending(false)
		k.setDelivery(r.Status)
		s.setResult(k, r, at)
		if len(r.Owed) > 0 {
			// Owed is recorded only when the server took the message
			// for some recipient: whatever the status of this try
			// (temporary, when the run retries the others), the key
			// is sent and only the owed recipients are left.
			k.setDelivery(sendpool.StatusSent)
			s.addMore(k).owedFrom(r)
		}
	}
}

// setResult makes r, at line at, the result that ended k's delivery
// (slot.result), noting whether it refused the key for a refusal to relay
// (slotMore.relayRefused: a slot gets its details only for one that did).
// Entry.Result is r with the status sent when it owes recipients, which
// is no refusal.
func (s *State) setResult(k *slot, r *Result, at lineRef) {
	k.result = shorten(at)
	relay := r.Status == sendpool.StatusFailed && len(r.Owed) == 0 && sendpool.IsRelayRefusal(r.Code, r.Detail)
	if relay || k.more != 0 {
		s.addMore(k).relayRefused = relay
	}
}

// cutOff says whether r, a result of k's key, is a not-attempted one that
// ends a try of the latest run before its body went: after that run's
// attempt, pending (recorded ahead, pipelining, and cut off), or after a
// temporary result of that run, which went on with it (a refusal to relay
// held until the run knew whether the server relays for this client,
// with or without an attempt line: one is written only before a body is
// due, or ahead of it): the run stopped first, and send reported the row
// not attempted, with the stop's words, as report does from then on.
func (s *State) cutOff(k *slot, r *Result) bool {
	switch {
	case r.Status != sendpool.StatusNotAttempted:
		return false
	case k.pending():
		return s.inLatestRun(k.attempt.ref())
	}
	return k.delivery() == sendpool.StatusDeferred && s.inLatestRun(k.result.ref())
}

// unsettledStatus says whether a key whose delivery stands at st, tried
// again by a later run, goes back to st when that try is cut off before
// its body went (slotMore.unsettled).
func unsettledStatus(st sendpool.Status) bool {
	switch st {
	case sendpool.StatusUnknown, sendpool.StatusFailed, sendpool.StatusDeferred:
		return true
	default:
		return false
	}
}

// settleUnsettled forgets k's unsettled attempt (slotMore.unsettled)
// once a result ends the latest run's try (ends). When that try was cut
// off before its body went (cut), the latest run tried again an earlier
// run's attempt of unknown outcome (or refused for good): k goes back to
// that attempt, with its result when it had one, and it returns true.
func (s *State) settleUnsettled(k *slot, cut, ends bool) bool {
	m := s.moreOf(k)
	if m == nil || m.unsettled == 0 || !ends {
		return false
	}
	at, sum, replied := m.unsettled, m.unsettledSum, m.replied
	m.unsettled, m.unsettledSum, m.replied = 0, 0, false
	if !cut {
		return false
	}
	k.attempt, k.sum = shorten(at), sum
	k.setPending(!replied)
	return true
}

// owedFrom takes the recipients owed from r, a result of the delivery
// that reached the others: its Owed, which are open (to be sent to) unless
// r's outcome is unknown (the last try to them has no final reply: only
// --resend-unknown sends to them again).
func (m *slotMore) owedFrom(r *Result) {
	if m.owing == nil {
		m.owing = &owing{}
	}
	o := m.owing
	o.who, o.status = r.Owed, NoStatus
	if r.Status == sendpool.StatusUnknown && len(r.Owed) > 0 {
		o.status = sendpool.StatusUnknown
	}
}

// appendNew appends to list those of addrs it does not have.
func appendNew(list, addrs []string) []string {
	for _, a := range addrs {
		if !slices.Contains(list, a) {
			list = append(list, a)
		}
	}
	return list
}

// inLatestRun says whether the line at a is of the latest run read so far
// (Load reads the journal in file order).
func (s *State) inLatestRun(a lineRef) bool {
	return len(s.runAt) == 0 || a > s.runAt[len(s.runAt)-1]
}

// owedResultOf applies the result of a send to the owed recipients alone
// (m.owing is set).
func (m *slotMore) owedResultOf(r *Result, at lineRef) {
	o := m.owing
	o.result, o.status = at, r.Status
	o.refused = appendNew(o.refused, r.Refused)
	switch r.Status {
	case sendpool.StatusSent:
		o.who = r.Owed // those it still owes, usually none
	case sendpool.StatusDeferred, sendpool.StatusNotAttempted:
		if len(r.Owed) > 0 {
			o.who = r.Owed // the server took it for some of them
		} else if len(r.Refused) > 0 {
			// It refused some for good and took none: the others are
			// still owed it.
			o.who = slices.DeleteFunc(slices.Clone(o.who), func(a string) bool { return slices.Contains(r.Refused, a) })
		}
	}
}

// owes says whether a send goes to recipients slot k (with its details m)
// still owes, as State.Settle decides without flags, and no decision since
// holds them back (a suppressed one: Entry.OwesIn).
func (s *State) owes(k *slot, m *slotMore) bool {
	held := k.noteStatus() == sendpool.StatusSuppressed && m.note > max(k.result.ref(), m.owedResult())
	return s.owedOpen(k, m) && !held
}

// owedOpen says whether a send to recipients slot k (with its details m)
// still owes is open, as State.Settle decides without flags: a
// suppression hold aside, which only the suppression list decides.
func (s *State) owedOpen(k *slot, m *slotMore) bool {
	return k.deliveryStatus() == sendpool.StatusSent && len(m.owed()) > 0 && s.owedStatus(k) == NoStatus
}

// owedStatus is where the recipients a slot still owes stand: NoStatus to
// be sent, sendpool.StatusFailed refused for good, sendpool.StatusUnknown
// when the last send to them has no final reply (an attempt without a
// result, or a lost reply).
func (s *State) owedStatus(k *slot) sendpool.Status {
	m := s.moreOf(k)
	switch {
	case len(m.owed()) == 0:
		return NoStatus
	case k.pending():
		return sendpool.StatusUnknown
	case m.owing.status == sendpool.StatusFailed || m.owing.status == sendpool.StatusUnknown:
		return m.owing.status
	}
	return NoStatus
}

// feedback applies a feedback record: the key keeps the weightiest one (a
// complaint over a hard bounce over a soft one; the latest among equals).
func (s *State) feedback(f *Feedback, at lineRef) {
	defer runtime.KeepAlive(s)
	if s.feedbackIDs == nil {
		s.feedbackIDs = map[keyID]string{}
	}
	id := s.ids.of(f.ID)
	if f.Listed != s.listed {
		s.listed = f.Listed
	}
	if was, ok := s.feedbackIDs[id]; !ok || was == "" {
		s.feedbackIDs[id] = s.listed
	}
	i, ok := s.keys.find(s.ids.of(f.NormKey))
	if !ok {
		return // about a key this journal never sent: kept for FeedbackSeen only
	}
	k := s.keys.at(i)
	if f.Kind != FeedbackSoftBounce {
		m := s.addMore(k).pastOf()
		m.reports = append(m.reports, at)
	}
	if f.Earlier {
		return // about a message sent before the key's latest: not the key's standing
	}
	if m := s.moreOf(k); m == nil || f.Kind.weight() >= m.feedbackKind.weight() {
		m = s.addMore(k)
		m.feedback, m.feedbackKind = at, f.Kind
	}
}

// FeedbackSeen reports whether a feedback record with id is in the
// journal.
func (s *State) FeedbackSeen(id string) bool {
	_, ok := s.feedbackIDs[s.ids.of(id)]
	return ok
}

// FeedbackListed is the suppression list the address of the feedback
// record with id went to when it was recorded (Feedback.Listed): "" when
// none, or the record is not in the journal, or an older tidings wrote
// it.
func (s *State) FeedbackListed(id string) string {
	return s.feedbackIDs[s.ids.of(id)]
}

// Brief is what a State knows of a key without reading the journal again.
type Brief struct {
	// Row is the row as last recorded.
	Row int
	// Delivery is the outcome of the delivery history alone (NoStatus
	// when none), as State.Outcomes counts it; Entry.Status may be a
	// later decision instead.
	Delivery sendpool.Status
	// Attempts counts body hand-overs across all runs, up to 127.
	Attempts int
	// Delivered is true when a result ended a delivery (Entry.Result).
	Delivered bool
	// Feedback is the kind of the weightiest report that came back for
	// the key's message (tidings bounces: Entry.Feedback's), "" when
	// none: what report's line of a sent row says instead of sent
	// (FeedbackKind.Status), known without reading a line.
	Feedback FeedbackKind
}

// Brief returns what the journal knows about key (normalized here), and
// false when it knows nothing.
func (s *State) Brief(key string) (Brief, bool) {
	defer runtime.KeepAlive(s)
	i, ok := s.lookup(key)
	if !ok {
		return Brief{}, false
	}
	k := s.keys.at(i)
	b := Brief{Row: int(k.row), Delivery: k.deliveryStatus(), Attempts: k.attempts(), Delivered: k.result != shortRef{}}
	if m := s.moreOf(k); m != nil {
		b.Feedback = m.feedbackKind
	}
	return b, true
}

// Outcomes counts the recipients (keys) with a delivery on record, and
// among them those refused for good: at RCPT or DATA, or bounced later
// (a hard bounce recorded by tidings bounces). It is what the send guard
// judges a list by.
func (s *State) Outcomes() (attempted, refused int) {
	attempted, refused, _ = s.OutcomesBut(nil)
	return attempted, refused
}

// OutcomesBut is Outcomes leaving out of both counts each recipient
// refused for good that cleared says yes to (one whose address the
// suppression list names since: a list cleaned of it), and returns
// cleared's first error. cleared is given what the State holds of the
// recipient in memory: it reads nothing unless it asks for the Entry.
func (s *State) OutcomesBut(cleared func(Refusal) (bool, error)) (attempted, refused int, err error) {
	defer runtime.KeepAlive(s)
	for i := range s.keys.n {
		k := s.keys.at(i)
		var bad bool
		switch k.deliveryStatus() {
		case NoStatus, sendpool.StatusNotAttempted:
			continue
		case sendpool.StatusFailed:
			bad = true
		default:
			m := s.moreOf(k)
			bad = m != nil && m.feedbackKind == FeedbackBounced // taken, then bounced for good (tidings bounces)
		}
		if bad && cleared != nil {
			out, err := cleared(s.refusal(i))
			if err != nil {
				return 0, 0, err
			}
			if out {
				continue
			}
		}
		attempted++
		if bad {
			refused++
		}
	}
	return attempted, refused, nil
}

// Refusal is what State.OutcomesBut tells its cleared of a recipient
// refused for good, from memory: its lines are read back only by Entry.
type Refusal struct {
	// Status is where the recipient stands (Entry.Status).
	Status sendpool.Status
	// Run is the 1-based run of its latest record (Entry.Run).
	Run int
	// Relay is true when the result that ended its delivery
	// (Entry.Result) refused it for a refusal to relay
	// (sendpool.IsRelayRefusal).
	Relay bool
	s     *State
	i     int32
}

// refusal returns the Refusal of slot i.
func (s *State) refusal(i int32) Refusal {
	k := s.keys.at(i)
	m := s.moreOf(k)
	return Refusal{Status: s.standing(k), Run: s.runOf(s.linesOf(k)), Relay: m != nil && m.relayRefused, s: s, i: i}
}

// In reports whether m, a set of the same State's recipients, marks r's.
func (r Refusal) In(m *Marks) bool { return m.has(r.i) }

// MarkIn marks r's recipient in m, a set of the same State's recipients.
func (r Refusal) MarkIn(m *Marks) { m.set(r.i) }

// Entry reads r's recipient's lines back.
func (r Refusal) Entry() (*Entry, error) { return r.s.entryAt(r.i) }

// KeyColumn is the sheet column whose values key the records of the
// latest run that recorded one (Run.KeyColumn); "" when none did.
func (s *State) KeyColumn() string {
	for i := len(s.Runs) - 1; i >= 0; i-- {
		if c := s.Runs[i].KeyColumn; c != "" {
			return c
		}
	}
	return ""
}

// lineError says which line of the journal could not be read back.
func (s *State) lineError(at lineRef, err error) error {
	return fmt.Errorf("journal: %s at byte %d: %w", s.Path, at-1, err)
}
