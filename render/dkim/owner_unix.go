//go:build unix

package dkim

import (
	"io/fs"
	"syscall"
)

// othersFile reports whether fi is owned by another user than euid, the
// one running tidings (a key deployed root's, readable by the service's
// group).
func othersFile(fi fs.FileInfo, euid int) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && int(st.Uid) != euid
}
