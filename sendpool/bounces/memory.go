package bounces

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/tidings/tidings/sendpool/mailbox"
	"github.com/tidings/tidings/sendpool/statefile"
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
	// memoryHead is the file's first line.
	memoryHead = "# tidings bounces: the messages read (uids, uidl, and upto: all the maildrop held up to that one but the holes) and, of those, the ones left in the mailbox as no report to move (stays, stay); the next run skips them; and those the server did not give in time (overran: id, runs, bound, size, subject, from), skipped after 2 runs (remove this file to read them all again)"
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
	// those an older tidings kept): a server that gives a unique-id again
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
		if err = m.parse(b); err != nil {
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

// readMemoryFile reads the file at path, at most maxMemoryFile bytes of
// it: not through a symbolic link (a *statefile.LinkError), and nothing
// but a regular file (a FIFO would keep the run waiting for a writer,
// past --max-time). Its errors name path.
func readMemoryFile(path string) ([]byte, error) {
	f, err := statefile.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (%s)", path, fi.Mode().Type())
	}
	b, err := io.ReadAll(io.LimitReader(f, maxMemoryFile+1))
	if err == nil && len(b) > maxMemoryFile {
		err = fmt.Errorf("%s: over %d MB", path, maxMemoryFile>>20)
	}
	return b, err
}

// parse reads the file's lines into m.
func (m *Memory) parse(b []byte) error {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, maxMemoryFile)
	for sc.Scan() {
		word, rest, _ := strings.Cut(sc.Text(), " ")
		switch {
		case word == "#" || word == "":
		case word == "key" && m.key == "":
			m.key = rest
		case word == "rules" && m.key != "" && m.rules == "":
			m.rules = rest
		case word == "list" && m.key != "" && m.list == "":
			list, err := strconv.Unquote(rest)
			if err != nil || list == "" {
				return fmt.Errorf("a list line tidings does not write: %.40q", rest)
			}
			m.list = list
		case (word == "uids" || word == "stays") && m.key != "":
			to := &m.uids
			if word == "stays" {
				to = &m.stays
			}
			if err := appendRanges(to, rest); err != nil {
				return err
			}
		case (word == "uidl" || word == "stay") && m.key != "":
			if err := m.parseUIDL(rest, word == "stay"); err != nil {
				return err
			}
		case word == "upto" && m.key != "" && m.prefix.upto == "":
			f := strings.Fields(rest)
			if len(f) != 3 || !storableUIDL(f[0]) || f[2] != "stays" && f[2] != "reads" {
				return fmt.Errorf("an upto line tidings does not write: %.40q", rest)
			}
			size, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return fmt.Errorf("an upto line tidings does not write: %.40q", rest)
			}
			m.prefix.upto, m.prefix.size, m.prefix.stays = f[0], size, f[2] == "stays"
		case word == "hole" && m.key != "" && storableUIDL(rest) && len(m.prefix.holes) < maxHoles:
			m.prefix.holes[rest] = true
		case word == "journal" && m.key != "" && m.journal.size == 0:
			mark, err := parseMark(rest)
			if err != nil {
				return err
			}
			m.journal = mark
		case word == "overran" && m.key != "":
			if err := m.parseOverrun(rest); err != nil {
				return err
			}
		default:
			return fmt.Errorf("a line tidings does not write: %.40q", sc.Text())
		}
	}
	return sc.Err()
}

// appendRanges appends the ranges of a uids or stays line to r, after
// those before.
func appendRanges(r *uidRanges, line string) error {
	more, err := parseUIDRanges(line)
	if err != nil {
		return err
	}
	if n := len(*r); n > 0 && len(more) > 0 && uint64((*r)[n-1].Stop)+1 >= uint64(more[0].Start) {
		return fmt.Errorf("UID ranges out of order at %q", line)
	}
	*r = append(*r, more...)
	return nil
}

// storableUIDL reports a unique-id RFC 1939 allows: 1 to 70 characters
// from 0x21 to 0x7E. Another is not remembered.
func storableUIDL(id string) bool {
	if len(id) == 0 || len(id) > 70 {
		return false
	}
	for i := range len(id) {
		if id[i] < 0x21 || id[i] > 0x7e {
			return false
		}
	}
	return true
}

// parseUIDL reads the rest of a uidl or stay line (stay): "ID [SIZE]".
func (m *Memory) parseUIDL(rest string, stay bool) error {
	id, size, sized := strings.Cut(rest, " ")
	n, err := strconv.ParseInt(size, 10, 64)
	if !storableUIDL(id) || sized && (err != nil || n < 0) {
		return fmt.Errorf("a line tidings does not write: %.40q", rest)
	}
	m.remember(id)
	if sized {
		m.sizes[id] = n
	}
	if stay {
		m.stay[id] = true
	}
	return nil
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
	m.list, m.moving = list, moving
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
// forgotten).
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
		if old[e.ID] && len(m.uidls) < maxUIDLs {
			m.remember(e.ID)
			m.stay[e.ID] = oldStay[e.ID]
			switch size, ok := oldSizes[e.ID]; {
			case readNow[e.ID]:
				m.sizes[e.ID] = e.Size
			case ok:
				m.sizes[e.ID] = size
			}
		}
	}
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

// Save writes m to its file, atomically (statefile.WriteAtomic: a crash
// leaves the old file or the new one); a link in its place is refused.
func (m *Memory) Save() error {
	if fi, err := os.Lstat(m.path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		// The rename would replace it.
		return fmt.Errorf("bounces: remembering the messages read: %w", &statefile.LinkError{Path: m.path})
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\nkey %s\n", memoryHead, m.key)
	if m.rules != "" {
		fmt.Fprintf(&b, "rules %s\n", m.rules)
	}
	if m.list != "" {
		fmt.Fprintf(&b, "list %s\n", strconv.Quote(m.list))
	}
	if m.journal.size > 0 {
		fmt.Fprintf(&b, "journal %s\n", m.journal)
	}
	for i := 0; i < len(m.uids); i += 1000 {
		fmt.Fprintf(&b, "uids %s\n", m.uids[i:min(i+1000, len(m.uids))])
	}
	for i := 0; i < len(m.stays); i += 1000 {
		fmt.Fprintf(&b, "stays %s\n", m.stays[i:min(i+1000, len(m.stays))])
	}
	for _, id := range m.uidls {
		word := "uidl"
		if m.stay[id] {
			word = "stay"
		}
		if size, ok := m.sizes[id]; ok {
			fmt.Fprintf(&b, "%s %s %d\n", word, id, size)
			continue
		}
		fmt.Fprintf(&b, "%s %s\n", word, id)
	}
	if p := m.prefix; p.upto != "" {
		fmt.Fprintf(&b, "upto %s %d %s\n", p.upto, p.size, map[bool]string{true: "stays", false: "reads"}[p.stays])
		for _, id := range slices.Sorted(maps.Keys(p.holes)) {
			fmt.Fprintf(&b, "hole %s\n", id)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(m.overran)) {
		fmt.Fprintf(&b, "overran %s\n", m.overran[id].line(id))
	}
	if err := statefile.WriteAtomic(m.path, b.Bytes()); err != nil {
		return fmt.Errorf("bounces: remembering the messages read: %w", err)
	}
	return nil
}
