//go:build unix

package render

import (
	"os"
	"syscall"
)

// linkCount is how many names the file fi is has (its hard links); 1
// when the platform does not say.
func linkCount(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}
