//go:build unix

package campaign

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// OpenToOthers reports whether every user of the machine may do with the
// file or folder at path what bits, a mask of others' permission bits
// (0o004 read or list, 0o002 write), allow: it is the running user's own,
// its mode grants others one of bits, and every folder above it lets
// them pass (o+x), as they must to reach it. Symbolic links are followed,
// path's own and its folders': what counts is the file they lead to and
// the folders that file is in. mode is its permission bits. It is false
// for a path that cannot be looked at (opening it tells) and for one
// another user owns (who reads that is its owner's choice: a service's
// sheet deployed root's, read through its group; chmod by another user
// fails, and by root would take it from the service). It looks at each
// folder above path once, so call it once a file, not once a row.
func OpenToOthers(path string, bits fs.FileMode) (mode fs.FileMode, open bool) {
	real, err := realPath(path)
	if err != nil {
		return 0, false
	}
	fi, err := os.Stat(real)
	if err != nil || fi.Mode().Perm()&bits == 0 || !ownedByUser(fi) {
		return 0, false
	}
	return fi.Mode().Perm(), othersPass(filepath.Dir(real))
}

// realPath is p made absolute with every symbolic link in it followed.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	return filepath.EvalSymlinks(abs)
}

// ownedByUser reports whether the user running tidings owns fi.
func ownedByUser(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) == os.Geteuid()
}

// othersPass reports whether users other than a folder's owner and group
// may pass through dir, an absolute path without symbolic links, and
// every folder above it (each has o+x), as they must to reach a file in
// it.
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
