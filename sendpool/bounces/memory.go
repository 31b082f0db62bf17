package bounces

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tidings/tidings/sendpool/mailbox"
)

// ReadFile is the file in a campaign's state folder where bounces
// remembers the messages its runs read, for the next to skip (see
// Memory). Removing it makes the next run read the mailbox from its first
// message again.
const ReadFile = "bounces.read"

// The bounds of a Memory, whatever the mailbox's size: a folder of two
// million messages read in order is one UID range. Past them the oldest
// are forgotten, and read again by the next run, which records nothing
// twice.
const (
	// maxRanges is how many IMAP UID ranges are kept (22 bytes each at
	// most in the file).
	maxRanges = 100_000
	// maxUIDLs is how many POP3 unique-ids are kept (96 bytes each at
	// most, with their sizes): the first of the maildrop.
	maxUIDLs = 100_000
	// maxOverran is how many messages whose fetch overran are kept (a
	// mailbox of that many is one no run gets through anyway; about 2 KB
	// each at most, with a Subject and From of escapes).
	maxOverran = 1000
	// maxMemoryFile is the most of the file that is read: more is damage.
	// It holds maxUIDLs and maxOverran at their longest.
	maxMemoryFile = 16 << 20
)

// Memory is what the runs of bounces read of the mailbox, kept in the
// state folder (ReadFile): over IMAP the UIDs read under the folder's
// UIDVALIDITY, over POP3 the unique-ids read; and of those, the messages
// left in the mailbox as no report to move (a reply, an auto-reply, a
// report it cannot read or about another campaign). A run that moves
// nothing skips all it has; one that moves or deletes the reports skips
// only those left (the reports a run that moved nothing read are moved
// or deleted by it). It holds under one mailbox.Scope and one suppression
// list only: a
// mailbox of another Scope.Key (another server, login or folder, or the
// folder made anew) forgets it all, and so does another list (the
// reports read list their addresses in it when read again, as a campaign
// naming another list asks). A Memory is used by one goroutine.
type Memory struct {
	path string
	key  string
	list string // the suppression list's absolute path
	// rules names the rules the messages were read by (readRules).
	rules string
	uids  uidRanges
	uidls []string        // in the maildrop's order
	known map[string]bool // uidls as a set
	// sizes are the sizes the maildrop gave the uidls when read (none for
	// those an older tidings kept, nor for one listed with its size not
	// known, which a line of the file cannot hold): a server that gives a unique-id again
	// to another message, against RFC 1939, most likely gives another
	// size, and that message is read.
	sizes map[string]int64
	// stays and stay are the messages read that were left in the
	// mailbox as no report to move: IMAP UIDs (also in uids), POP3
	// unique-ids (also in known).
	stays uidRanges
	stay  map[string]bool
	// overran are the messages whose fetch overran the bounds of one
	// exchange, by id (see overrun.go): not read, so in none of the above.
	overran map[string]overrun
	// journal is where the campaign's journal stood once the reports
	// read were recorded in it (zero: not known).
	journal journalMark
	// prefix is the POP3 maildrop's messages read from its first on, in
	// one line however many (see prefix.go).
	prefix prefix
	// moving says the run that skip readied it for moves or deletes the
	// reports.
	moving bool
}

// LoadMemory reads ReadFile in the state folder dir; a missing file is
// an empty Memory. A file that cannot be read, or holds what tidings does
// not write, gives an empty Memory too, with an error saying why: the
// caller warns, and the next run reads every message again (recording
// nothing twice).
func LoadMemory(dir string) (*Memory, error) {
	m := &Memory{path: filepath.Join(dir, ReadFile)}
	m.forget()
	b, err := readMemoryFile(m.path)
	if errors.Is(err, fs.ErrNotExist) {
		return m, nil
	}
	if err == nil {
		if err = m.parse(b); err != nil && !errors.As(err, new(*NewerFileError)) {
			err = fmt.Errorf("%s: %w", m.path, err)
		}
	}
	if err != nil {
		m.forget()
		return m, fmt.Errorf("bounces: %w", err)
	}
	return m, nil
}

// forget empties m but for its file's path and rules.
func (m *Memory) forget() {
	*m = Memory{path: m.path, rules: m.rules, known: map[string]bool{}, sizes: map[string]int64{}, stay: map[string]bool{}, overran: map[string]overrun{},
		prefix: prefix{holes: map[string]bool{}}}
}

// readerVersion names the rules this tidings reads reports by. Raise it
// when a message read as no report to move (unreadable, about no message
// of the campaign, other) may read otherwise now: what runs remembered
// under the old rules is then read again, recording nothing twice.
const readerVersion = 1

// readRules names the rules opts reads the mailbox's messages by:
// readerVersion, and what a message is matched by (the campaign's name,
// its unsubscribe settings).
func readRules(opts Options) string {
	h := sha256.Sum256(fmt.Appendf(nil, "%s\x00%t\x00%s\x00%s", opts.Unsubscribe, opts.UnsubscribeShared, opts.UnsubscribeSubject, opts.Campaign))
	return fmt.Sprintf("%d:%x", readerVersion, h[:8])
}

// readBy forgets what m holds when it was read by other rules than rules
// (readRules: a tidings that reads reports otherwise, or other
// unsubscribe settings), and says why ("" when nothing was forgotten).
func (m *Memory) readBy(rules string) (forgot string) {
	if m.rules != rules && m.key != "" {
		forgot = "it was read by other rules than this run's (another tidings, or the campaign's unsubscribe settings changed): its messages are read again"
		m.forget()
	}
	m.rules = rules
	return forgot
}

// behind forgets what m holds when the campaign's journal (at path) no
// longer holds what it held when the reports m says were read were
// recorded in it (journalMark): it was restored from an older backup, or
// made anew, and lacks their records, which a run that skipped them would
// never write. It says why ("" when nothing was forgotten).
func (m *Memory) behind(path string) (forgot string) {
	if m.key == "" || m.journal.heldBy(path) {
		return ""
	}
	m.forget()
	return "the campaign's journal is not the one they were recorded in (restored from an older backup?): its messages are read again, and the reports among them recorded"
}

// remember adds the unique-id id.
func (m *Memory) remember(id string) {
	if !m.known[id] {
		m.known[id] = true
		m.uidls = append(m.uidls, id)
	}
}

// givenAgain reports whether POP3 message e has a unique-id m knows for a
// message of another size: its unique-id given again, against RFC 1939.
func (m *Memory) givenAgain(e mailbox.Entry) bool {
	size, ok := m.sizes[e.ID]
	return ok && size != e.Size
}

// has reports whether the message e of the mailbox of scope was read,
// or, when left, read and left in the mailbox as no report to move.
func (m *Memory) has(scope mailbox.Scope, e mailbox.Entry, left bool) bool {
	if !scope.UIDs {
		if m.givenAgain(e) {
			return false
		}
		if left {
			return m.stay[e.ID]
		}
		return m.known[e.ID]
	}
	uid, err := strconv.ParseUint(e.ID, 10, 32)
	if left {
		return err == nil && m.stays.has(uint32(uid))
	}
	return err == nil && m.uids.has(uint32(uid))
}

// skip returns entries without the messages m has for scope and the
// suppression list list (an absolute path), and how many it left out:
// when moving (a run that moves or deletes the reports), those left in
// the mailbox only. A Memory of another scope or list is forgotten
// first: why is said in forgot ("" when nothing was).
func (m *Memory) skip(scope mailbox.Scope, list string, entries []mailbox.Entry, moving bool) (kept []mailbox.Entry, skipped int, forgot string) {
	if scope.Key == "" {
		return entries, 0, ""
	}
	forgot = m.hold(scope, list)
	m.moving = moving
	kept = make([]mailbox.Entry, 0, len(entries))
	reach := -1
	if !scope.UIDs {
		reach = m.prefix.reach(entries)
	}
	for i, e := range entries {
		if m.has(scope, e, moving) || !m.givenAgain(e) && m.prefix.covers(entries, reach, i, moving) {
			skipped++
			continue
		}
		kept = append(kept, e)
	}
	return kept, skipped, forgot
}

// hold readies m for the mailbox of scope (Key not "") and the
// suppression list list (an absolute path), forgetting what it holds for
// another: why is said in forgot ("" when nothing was).
func (m *Memory) hold(scope mailbox.Scope, list string) (forgot string) {
	switch {
	case m.key != scope.Key:
		forgot = changedScope(m.key, scope.Key)
	case m.list != list && !sameFile(m.list, list):
		forgot = changedList(m.list)
	}
	if m.key != scope.Key || forgot != "" {
		m.forget()
		m.key = scope.Key
	}
	m.list = list
	return forgot
}

// knownOf is what m holds of the mailbox of scope for its listing to ask
// the server less (mailbox.Known): the messages whose size the server cut
// the connection on, in overrunRuns runs under a bound as large as
// bound's (passOver skips them unread: the halving of an IMAP listing,
// about 15 sessions a message, and a POP3 LIST n a message, would be paid
// by every run for them); over POP3 the sizes of the messages read. Call
// it once m holds scope (hold): nothing otherwise.
func (m *Memory) knownOf(scope mailbox.Scope, bound time.Duration) mailbox.Known {
	if scope.Key == "" || m.key != scope.Key {
		return mailbox.Known{}
	}
	k := mailbox.Known{Unsized: map[string]bool{}}
	for id, o := range m.overran {
		if o.cut && o.size == -1 && o.runs >= overrunRuns && o.bound >= bound {
			k.Unsized[id] = true
		}
	}
	if !scope.UIDs {
		k.Sizes = m.sizes
	}
	return k
}

// changedScope says why a Memory of key was, under now, forgotten: ""
// for none kept.
func changedScope(key, now string) string {
	i, j := strings.LastIndexByte(key, ' '), strings.LastIndexByte(now, ' ')
	switch {
	case key == "":
		return ""
	case strings.HasPrefix(key, "imap ") && i > 0 && j > 0 && key[:i] == now[:j]:
		return "the folder's UIDVALIDITY changed (it was made anew, or its UIDs given again): its messages are read again"
	}
	return "the mailbox settings changed (server, login or folder): its messages are read again"
}

// changedList says why a Memory kept for the suppression list at path
// was ("" when it named none) is forgotten under another list.
func changedList(was string) string {
	if was == "" {
		return "it does not say which suppress: list the reports read were listed in: its messages are read again"
	}
	return fmt.Sprintf("the campaign's suppress: list is another (it was %s): its messages are read again, and the reports among them list their addresses in it", was)
}

// add adds read, messages of the mailbox of scope, and of them left,
// those left in the mailbox as no report to move; listed is all the
// mailbox held (POP3: the others, gone from the maildrop, are
// forgotten, as is a unique-id listed at another size than kept and not
// read now (otherUnread); one kept without its size takes the size
// listed).
func (m *Memory) add(scope mailbox.Scope, read, left []string, listed []mailbox.Entry) {
	if scope.Key == "" || scope.Key != m.key {
		return
	}
	m.pruneOverruns(read, listed)
	if scope.UIDs {
		m.uids = m.uids.with(parseUIDs(read)).capped(maxRanges)
		m.stays = m.stays.with(parseUIDs(left)).capped(maxRanges)
		return
	}
	readNow := map[string]bool{}
	for _, id := range read {
		if storableUIDL(id) {
			m.known[id], readNow[id] = true, true
			delete(m.stay, id) // a report, unless left says otherwise
		}
	}
	for _, id := range left {
		m.stay[id] = true
	}
	m.notePrefix(listed, readNow, m.moving) // before the unique-ids past maxUIDLs are dropped
	old, oldStay, oldSizes := m.known, m.stay, m.sizes
	m.uidls, m.known, m.stay, m.sizes = nil, map[string]bool{}, map[string]bool{}, map[string]int64{}
	for _, e := range listed {
		if !old[e.ID] || len(m.uidls) >= maxUIDLs || otherUnread(e, oldSizes, readNow) {
			continue
		}
		m.remember(e.ID)
		m.stay[e.ID] = oldStay[e.ID]
		switch size, ok := oldSizes[e.ID]; {
		case readNow[e.ID] && e.Size >= 0: // -1: the server could not list it
			m.sizes[e.ID] = e.Size
		case ok:
			m.sizes[e.ID] = size
		case e.Size >= 0:
			// Remembered without its size (an older tidings):
			// the maildrop's now, which a run that lists it
			// apart then need not ask for again.
			m.sizes[e.ID] = e.Size
		}
	}
	m.dropRedundantPrefix(listed)
}

// otherUnread reports whether POP3 message e, listed under a unique-id
// read before at another size (sizes: its unique-id given again, against
// RFC 1939), was not read now (its fetch cut, say): that unique-id is no
// longer one read, for no listing that gives the sizes kept (LIST n
// without PIPELINING) to take the new message for the one read, and
// skip it unread for good.
func otherUnread(e mailbox.Entry, sizes map[string]int64, readNow map[string]bool) bool {
	size, ok := sizes[e.ID]
	return ok && e.Size >= 0 && size != e.Size && !readNow[e.ID]
}

// parseUIDs is the UIDs of ids, those that are none left out.
func parseUIDs(ids []string) []uint32 {
	uids := make([]uint32, 0, len(ids))
	for _, id := range ids {
		if n, err := strconv.ParseUint(id, 10, 32); err == nil && n > 0 {
			uids = append(uids, uint32(n))
		}
	}
	return uids
}
