package bounces

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/tidings/tidings/sendpool/statefile"
)

// memoryHead is the first line of the file a Memory is kept in
// (ReadFile), which the rest of this file reads and writes.
const memoryHead = "# tidings bounces: the messages read (uids, uidl, and upto: all the maildrop held up to that one but the holes) and, of those, the ones left in the mailbox as no report to move (stays, stay); the next run skips them; and those the server did not give in time or cut the connection on (overran, dropped, gone: id, runs, bound, size, subject, from; header: id, a digest of its header when its size is not known), skipped after 2 runs (remove this file to read them all again)"

// memoryFormat is the format of the file this tidings writes, on its
// "version" line; a file without one (written before it was kept) is of
// format 1. Raise it when a line's meaning changes, or a line is added
// that an older tidings must not read past: that tidings then refuses
// the file as a newer one's (*NewerFileError), not as damage.
//
// Format 2 adds the header lines (headLine), format 3 the gone lines (a
// message the server says is not there but lists: overrun.gone): a file
// is written in the lowest format that holds its lines, which older
// tidings read.
const memoryFormat = 3

// format is the format of m's file: 3 when it holds a gone line, 2 a
// header line, else 1.
func (m *Memory) format() int {
	format := 1
	for _, o := range m.overran {
		switch {
		case o.gone:
			return 3
		case o.head != "":
			format = 2
		}
	}
	return format
}

// NewerFileError is a file of a format this tidings does not read:
// written by a newer tidings. LoadMemory gives an empty Memory with it,
// as for a file it cannot read.
type NewerFileError struct {
	Path   string
	Format int
}

func (e *NewerFileError) Error() string {
	return fmt.Sprintf("%s was written by a newer tidings (its format %d, this one's %d: run the newer one, or this one reads it as none and writes it anew)", e.Path, e.Format, memoryFormat)
}

// fileFormat is the format the version line of file b says, 1 when it
// has none (written before the line was kept). tidings writes the line
// once, before the key line, as "version N" (N from 1, in decimal): any
// other (a second, one after the key, a bare or signed number) is an
// error, and so is an empty file, which tidings never writes.
func fileFormat(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, errors.New("it is empty, which tidings never writes")
	}
	format, keyed := 0, false
	for line := range bytes.Lines(b) {
		text := string(bytes.TrimRight(line, "\r\n"))
		word, rest, _ := strings.Cut(text, " ")
		switch {
		case word == "key":
			keyed = true
		case word != "version":
		case format != 0 || keyed || !canonicalFormat(rest):
			return 0, fmt.Errorf("a version line tidings does not write: %.40q", text)
		default:
			format, _ = strconv.Atoi(rest)
		}
	}
	return max(format, 1), nil
}

// canonicalFormat reports whether s is a format number as tidings
// writes it: from 1, in decimal, no sign nor leading zero.
func canonicalFormat(s string) bool {
	n, err := strconv.Atoi(s)
	return err == nil && n >= 1 && strconv.Itoa(n) == s
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

// parse reads the file's lines into m: a file of a newer format than
// memoryFormat is a *NewerFileError, read no further.
func (m *Memory) parse(b []byte) error {
	format, err := fileFormat(b)
	if err != nil {
		return err
	}
	if format > memoryFormat {
		return &NewerFileError{Path: m.path, Format: format}
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, maxMemoryFile)
	for sc.Scan() {
		word, rest, _ := strings.Cut(sc.Text(), " ")
		switch {
		case word == "#" || word == "" || word == "version":
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
			if err := m.parseUpto(rest); err != nil {
				return err
			}
		case word == "hole" && m.key != "" && storableUIDL(rest) && len(m.prefix.holes) < maxHoles:
			m.prefix.holes[rest] = true
		case word == "journal" && m.key != "" && m.journal.size == 0:
			mark, err := parseMark(rest)
			if err != nil {
				return err
			}
			m.journal = mark
		case word == "header" && m.key != "":
			if err := m.parseHead(rest); err != nil {
				return err
			}
		case (word == "overran" || word == "dropped" || word == "gone") && m.key != "":
			if err := m.parseOverrun(word, rest); err != nil {
				return err
			}
		default:
			return fmt.Errorf("a line tidings does not write: %.40q", sc.Text())
		}
	}
	return sc.Err()
}

// parseUpto reads the rest of an upto line: "ID SIZE stays|reads".
func (m *Memory) parseUpto(rest string) error {
	f := strings.Fields(rest)
	if len(f) != 3 || !storableUIDL(f[0]) || f[2] != "stays" && f[2] != "reads" {
		return fmt.Errorf("an upto line tidings does not write: %.40q", rest)
	}
	size, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return fmt.Errorf("an upto line tidings does not write: %.40q", rest)
	}
	m.prefix.upto, m.prefix.size, m.prefix.stays = f[0], size, f[2] == "stays"
	return nil
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

// Save writes m to its file, atomically (statefile.WriteAtomic: a crash
// leaves the old file or the new one); a link in its place is refused.
func (m *Memory) Save() error {
	if fi, err := os.Lstat(m.path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		// The rename would replace it.
		return fmt.Errorf("bounces: remembering the messages read: %w", &statefile.LinkError{Path: m.path})
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\nversion %d\nkey %s\n", memoryHead, m.format(), m.key)
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
		fmt.Fprintf(&b, "%s %s\n", m.overran[id].word(), m.overran[id].line(id))
		if h := m.overran[id].head; h != "" {
			fmt.Fprintln(&b, headLine(id, h))
		}
	}
	if err := statefile.WriteAtomic(m.path, b.Bytes()); err != nil {
		return fmt.Errorf("bounces: remembering the messages read: %w", err)
	}
	return nil
}
