//go:build unix

package dkim

import (
	"io/fs"
	"os"
	"syscall"
)

// othersFile reports whether fi is owned by another user than the one
// running tidings (a key deployed root's, readable by the service's group).
func othersFile(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) != os.Geteuid()
}
