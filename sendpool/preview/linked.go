package preview

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// linkedAway is err, MkdirAll's failure to make dir, said of the link dir
// is when it is one whose target is missing or not a folder ("mkdir …:
// file exists" names neither the link nor where it leads).
func linkedAway(dir string, err error) error {
	fi, lerr := os.Lstat(dir)
	if lerr != nil || fi.Mode()&fs.ModeSymlink == 0 {
		return err
	}
	target, _ := os.Readlink(dir)
	if _, serr := os.Stat(dir); errors.Is(serr, fs.ErrNotExist) {
		return fmt.Errorf("%s is a symbolic link to %s, which does not exist: make that folder, or remove the link", dir, target)
	}
	return fmt.Errorf("%s is a symbolic link to %s, which is not a folder: remove the link, or point it at a folder", dir, target)
}
