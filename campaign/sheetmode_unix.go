//go:build unix

package campaign

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// ModeWarning is the warning of a recipient sheet every user of the
// machine may read: the user's own file, readable by others (a CRM's
// export saved under umask 022, 0644), in folders others may pass
// through, where what tidings writes about the same recipients is its
// owner's alone. A sheet another user owns (deployed root's for a
// service, which reads it through its group) and one only its owner and
// group may read are not warned of: who reads those is their owner's
// choice. It is "" when there is nothing to say, and for a sheet that
// cannot be looked at (opening it tells). Only after Load.
func (r Recipients) ModeWarning() string {
	fi, err := os.Stat(r.Path)
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o004 == 0 || !ownedByUser(fi) || !othersPass(filepath.Dir(r.Path)) {
		return ""
	}
	p := ShownPath(r.Path)
	return fmt.Sprintf("recipients: %s can be read by every user of this machine (mode %04o), and it holds every recipient's row: names, addresses and what else its columns hold; make it yours alone: chmod 600 %s", p, fi.Mode().Perm(), p)
}

// ownedByUser reports whether the user running tidings owns fi.
func ownedByUser(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
}

// othersPass reports whether users other than a folder's owner and group
// may pass through dir and every folder above it (each has o+x), as they
// must to read a file in it.
func othersPass(dir string) bool {
	for {
		fi, err := os.Stat(dir)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return false
		}
		up := filepath.Dir(dir)
		if up == dir {
			return true
		}
		dir = up
	}
}
