package statefile

import (
	"fmt"
	"io/fs"
	"os"
)

// change is one path Tighten decided to tighten: fi describes it, want
// is the most it may allow.
type change struct {
	path string
	fi   fs.FileInfo
	want fs.FileMode
}

// specialBits are the mode bits tightening keeps besides the permissions.
const specialBits = fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky

// apply drops from the path the permissions want does not have, keeping
// its setuid, setgid and sticky bits, and says so.
func (c change) apply() (string, error) {
	mode := c.fi.Mode()&specialBits | c.fi.Mode().Perm()&c.want
	if err := os.Chmod(c.path, mode); err != nil {
		return "", fmt.Errorf("statefile: %w", err)
	}
	return fmt.Sprintf("%s was mode %04o, readable by others: made %04o (the state folder is its owner's only)", c.path, unixMode(c.fi), unixBits(mode)), nil
}

// applyChanges applies each of changes in turn, adding a line for each to
// notes; it stops at the first that fails.
func applyChanges(notes []string, changes []change) ([]string, error) {
	for _, c := range changes {
		note, err := c.apply()
		if err != nil {
			return notes, err
		}
		notes = append(notes, note)
	}
	return notes, nil
}

// unixMode is fi's mode as chmod writes it: 1777 for a sticky 0777.
func unixMode(fi fs.FileInfo) uint32 { return unixBits(fi.Mode()) }

// unixBits is m's permissions and setuid, setgid and sticky bits as chmod
// writes them.
func unixBits(m fs.FileMode) uint32 {
	bits := uint32(m.Perm())
	for flag, bit := range map[fs.FileMode]uint32{fs.ModeSetuid: 0o4000, fs.ModeSetgid: 0o2000, fs.ModeSticky: 0o1000} {
		if m&flag != 0 {
			bits |= bit
		}
	}
	return bits
}
