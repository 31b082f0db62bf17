package campaign

import (
	"fmt"
	"os"
	"runtime"
)

// ModeWarning is the warning of a suppression list that other users of
// the machine may read or write (a mode wider than 0600, as a list made
// by an editor under umask 022 has), when it names anyone: it lists
// everyone who bounced, complained or asked not to be mailed, where what
// tidings writes about recipients is its owner's alone. "" for a list
// its owner's alone, an empty one, and on Windows, whose file modes say
// nothing of who reads a file.
func (s *Suppression) ModeWarning() string {
	if s == nil || s.Len() == 0 || runtime.GOOS == "windows" {
		return ""
	}
	fi, err := os.Stat(s.File)
	if err != nil || fi.Mode().Perm()&0o077 == 0 {
		return ""
	}
	p, names := ShownPath(s.File), "1 address or domain"
	if s.Len() > 1 {
		names = fmt.Sprintf("%d addresses or domains", s.Len())
	}
	return fmt.Sprintf("suppress: %s can be read or written by other users of this machine (mode %04o), and it names %s that bounced, complained or asked not to be mailed; make it its owner's alone: chmod 600 %s", p, fi.Mode().Perm(), names, p)
}
