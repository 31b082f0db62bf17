//go:build unix

package spool

import (
	"os"
	"syscall"
)

// deviceOf is the device (file system) fi is on; ok is false when the
// platform does not say.
func deviceOf(fi os.FileInfo) (dev uint64, ok bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Dev), true // int32 on some systems, uint64 on Linux
}
