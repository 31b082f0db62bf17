package statefile

import (
	"errors"
	"io/fs"
	"os"
)

// LinkError is the error for a symbolic link found where a file tidings
// writes should be.
type LinkError struct {
	Path string
}

func (e *LinkError) Error() string {
	return e.Path + " is a symbolic link: tidings does not write through links"
}

// OpenFile is os.OpenFile that refuses path when its last component is a
// symbolic link (dangling or not): the error is then a *LinkError and
// the link's target is neither created, truncated nor written. perm is
// the mode of a file created (0600 for what tidings keeps).
func OpenFile(path string, flag int, perm fs.FileMode) (*os.File, error) {
	f, err := openNoFollow(path, flag, perm)
	if err != nil && isLink(path) {
		return nil, &LinkError{Path: path}
	}
	return f, err
}

// WriteFile writes data to path, creating it (0600) or truncating it, as
// os.WriteFile does, but never through a symbolic link (OpenFile).
func WriteFile(path string, data []byte) error {
	f, err := OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	return errors.Join(err, f.Close())
}

// isLink reports whether path's last component is a symbolic link.
func isLink(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.Mode()&fs.ModeSymlink != 0
}
