package bounces

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// journalMark is where the campaign's journal stood once the reports a
// run read were recorded in it: its size, and a hash of the bytes before
// that size. The journal only grows, so a journal that does not hold
// those bytes there now (shorter, or other bytes there) is not the one
// the reports were recorded in: one restored from an older backup,
// perhaps written to by a send since, lacks their records.
type journalMark struct {
	size int64  // 0: not known
	tail string // hex SHA-256 of the markTail bytes before size (fewer in a shorter file)
}

// markTail is how many bytes before the mark its hash covers: a few
// records.
const markTail = 4096

// markOf is the mark of the journal at path as it is now; zero when it
// cannot be read.
func markOf(path string) journalMark {
	if path == "" {
		return journalMark{}
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Size() == 0 {
		return journalMark{}
	}
	tail, err := tailHash(path, fi.Size())
	if err != nil {
		return journalMark{}
	}
	return journalMark{size: fi.Size(), tail: tail}
}

// tailHash is the hex SHA-256 of the markTail bytes before size in the
// file at path.
func tailHash(path string, size int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	from := max(size-markTail, 0)
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, from, size-from)); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// heldBy reports whether the journal at path still holds what it held at
// j; true when j, or the journal now, is not known (nothing to tell).
func (j journalMark) heldBy(path string) bool {
	if j.size == 0 || path == "" {
		return true
	}
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return true
	case fi.Size() < j.size:
		return false
	}
	tail, err := tailHash(path, j.size)
	return err != nil || tail == j.tail
}

// String is the mark as a journal line of bounces.read has it: "SIZE HASH".
func (j journalMark) String() string { return fmt.Sprintf("%d %s", j.size, j.tail) }

// parseMark reads what String writes.
func parseMark(s string) (journalMark, error) {
	size, tail, _ := strings.Cut(s, " ")
	n, err := strconv.ParseInt(size, 10, 64)
	if _, herr := hex.DecodeString(tail); err != nil || herr != nil || n <= 0 || len(tail) != 2*sha256.Size {
		return journalMark{}, fmt.Errorf("a journal line tidings does not write: %.40q", s)
	}
	return journalMark{size: n, tail: tail}, nil
}
