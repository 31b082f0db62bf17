package bounces

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/tidings/tidings/sendpool/mailbox"
	"github.com/tidings/tidings/sendpool/statefile"
)

// ReadFile is the file in a campaign's state folder where bounces
// remembers the messages its runs that moved and deleted nothing read,
// for the next such run to skip (see Memory). Removing it makes the next
// run read the mailbox from its first message again.
const ReadFile = "bounces.read"

// The bounds of a Memory, whatever the mailbox's size: a folder of two
// million messages read in order is one UID range. Past them the oldest
// are forgotten, and read again by the next run, which records nothing
// twice.
const (
	// maxRanges is how many IMAP UID ranges are kept (22 bytes each at
	// most in the file).
	maxRanges = 100_000
	// maxUIDLs is how many POP3 unique-ids are kept (71 bytes each at
	// most): the first of the maildrop.
	maxUIDLs = 100_000
	// maxMemoryFile is the most of the file that is read: more is damage.
	maxMemoryFile = 8 << 20
	// memoryHead is the file's first line.
	memoryHead = "# tidings bounces: the messages read by runs that moved and deleted nothing; the next such run skips them (remove this file to read them all again)"
)

// Memory is what the runs of bounces that moved and deleted nothing read
// of the mailbox, kept in the state folder (ReadFile): over IMAP the UIDs
// read under the folder's UIDVALIDITY, over POP3 the unique-ids read.
// It holds under one mailbox.Scope and one suppression list only: a
// mailbox of another Scope.Key (another server, login or folder, or the
// folder made anew) forgets it all, and so does another list (the
// reports read list their addresses in it when read again, as a campaign
// naming another list asks). A Memory is used by one goroutine.
type Memory struct {
	path  string
	key   string
	list  string // the suppression list's absolute path
	uids  uidRanges
	uidls []string        // in the maildrop's order
	known map[string]bool // uidls as a set
}

// LoadMemory reads ReadFile in the state folder dir; a missing file is
// an empty Memory. A file that cannot be read, or holds what tidings does
// not write, gives an empty Memory too, with an error saying why: the
// caller warns, and the next run reads every message again (recording
// nothing twice).
func LoadMemory(dir string) (*Memory, error) {
	m := &Memory{path: filepath.Join(dir, ReadFile), known: map[string]bool{}}
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
		*m = Memory{path: m.path, known: map[string]bool{}}
		return m, fmt.Errorf("bounces: %w", err)
	}
	return m, nil
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
		case word == "list" && m.key != "" && m.list == "":
			list, err := strconv.Unquote(rest)
			if err != nil || list == "" {
				return fmt.Errorf("a list line tidings does not write: %.40q", rest)
			}
			m.list = list
		case word == "uids" && m.key != "":
			r, err := parseUIDRanges(rest)
			if err != nil {
				return err
			}
			if len(m.uids) > 0 && len(r) > 0 && uint64(m.uids[len(m.uids)-1].hi)+1 >= uint64(r[0].lo) {
				return fmt.Errorf("UID ranges out of order at %q", rest)
			}
			m.uids = append(m.uids, r...)
		case word == "uidl" && m.key != "" && storableUIDL(rest):
			m.remember(rest)
		default:
			return fmt.Errorf("a line tidings does not write: %.40q", sc.Text())
		}
	}
	return sc.Err()
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

// remember adds the unique-id id.
func (m *Memory) remember(id string) {
	if !m.known[id] {
		m.known[id] = true
		m.uidls = append(m.uidls, id)
	}
}

// has reports whether the message id of the mailbox of scope was read.
func (m *Memory) has(scope mailbox.Scope, id string) bool {
	if !scope.UIDs {
		return m.known[id]
	}
	uid, err := strconv.ParseUint(id, 10, 32)
	return err == nil && m.uids.has(uint32(uid))
}

// skip returns entries without the messages m has for scope and the
// suppression list list (an absolute path), and how many it left out. A
// Memory of another scope or list is forgotten first: why is said in
// forgot ("" when nothing was).
func (m *Memory) skip(scope mailbox.Scope, list string, entries []mailbox.Entry) (kept []mailbox.Entry, skipped int, forgot string) {
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
		*m = Memory{path: m.path, key: scope.Key, known: map[string]bool{}}
	}
	m.list = list
	kept = make([]mailbox.Entry, 0, len(entries))
	for _, e := range entries {
		if m.has(scope, e.ID) {
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

// add adds read, messages of the mailbox of scope, which listed all it
// held (POP3: the others, gone from the maildrop, are forgotten).
func (m *Memory) add(scope mailbox.Scope, read []string, listed []mailbox.Entry) {
	if scope.Key == "" || scope.Key != m.key {
		return
	}
	if scope.UIDs {
		uids := make([]uint32, 0, len(read))
		for _, id := range read {
			if n, err := strconv.ParseUint(id, 10, 32); err == nil && n > 0 {
				uids = append(uids, uint32(n))
			}
		}
		m.uids = m.uids.with(uids).capped(maxRanges)
		return
	}
	for _, id := range read {
		if storableUIDL(id) {
			m.known[id] = true
		}
	}
	old := m.known
	m.uidls, m.known = nil, map[string]bool{}
	for _, e := range listed {
		if old[e.ID] && len(m.uidls) < maxUIDLs {
			m.remember(e.ID)
		}
	}
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
	if m.list != "" {
		fmt.Fprintf(&b, "list %s\n", strconv.Quote(m.list))
	}
	for i := 0; i < len(m.uids); i += 1000 {
		fmt.Fprintf(&b, "uids %s\n", m.uids[i:min(i+1000, len(m.uids))])
	}
	for _, id := range m.uidls {
		fmt.Fprintf(&b, "uidl %s\n", id)
	}
	if err := statefile.WriteAtomic(m.path, b.Bytes()); err != nil {
		return fmt.Errorf("bounces: remembering the messages read: %w", err)
	}
	return nil
}
