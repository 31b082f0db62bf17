//go:build !unix

package statefile

import (
	"io/fs"
	"os"
)

// openNoFollow refuses path when it is a link, then opens it: where the
// platform has no O_NOFOLLOW a link made between the two is not seen.
func openNoFollow(path string, flag int, perm fs.FileMode) (*os.File, error) {
	if isLink(path) {
		return nil, &LinkError{Path: path}
	}
	return os.OpenFile(path, flag, perm)
}
