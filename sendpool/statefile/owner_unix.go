//go:build unix

package statefile

import (
	"io/fs"
	"os"
	"syscall"
)

// loose reports whether fi has permissions want does not (group's, others').
func loose(fi fs.FileInfo, want fs.FileMode) bool {
	return fi.Mode().Perm()&^want != 0
}

// otherOwner returns the user id owning fi and true when that is another
// user than the one running tidings.
func otherOwner(fi fs.FileInfo) (int, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || int(st.Uid) == os.Geteuid() {
		return 0, false
	}
	return int(st.Uid), true
}
