//go:build unix

package statefile

import (
	"io/fs"
	"os"
	"syscall"
)

// openNoFollow opens path with O_NOFOLLOW: the kernel refuses a link in
// its last component (ELOOP), with no window between a check and the open.
func openNoFollow(path string, flag int, perm fs.FileMode) (*os.File, error) {
	return os.OpenFile(path, flag|syscall.O_NOFOLLOW, perm)
}
