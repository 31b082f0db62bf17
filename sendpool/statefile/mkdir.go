package statefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Mkdir makes the folder path (FolderMode) that tidings writes into, a
// folder of its own in the state folder (spool/, report-data/, preview/
// and the gallery's), as os.Mkdir; the folders above it are made first
// as os.MkdirAll makes them, and may be links (a state folder moved to a
// bigger disk). A folder already there is no error. A symbolic link at
// path itself (dangling or not) is refused, a *LinkError, and nothing is
// made at its target; anything else there is refused as os.Mkdir refuses
// it. The link is looked for once the folder is there: one put in its
// place later is not seen.
func Mkdir(path string) error {
	if fi, err := os.Lstat(path); err == nil && fi.IsDir() {
		return nil // not a link: Lstat does not follow one
	}
	if err := os.MkdirAll(filepath.Dir(path), FolderMode); err != nil {
		return fmt.Errorf("statefile: %w", err)
	}
	err := os.Mkdir(path, FolderMode)
	if err == nil {
		return nil
	}
	fi, lerr := os.Lstat(path)
	switch {
	case lerr != nil || !errors.Is(err, fs.ErrExist):
	case fi.Mode()&fs.ModeSymlink != 0:
		return &LinkError{Path: path}
	case fi.IsDir():
		return nil
	}
	return fmt.Errorf("statefile: %w", err)
}
