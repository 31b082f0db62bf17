package statefile

import (
	"fmt"
	"os"
	"path/filepath"
)

// ForeignError is a state folder holding a file or folder tidings writes
// (Own) that another user owns: one a command run as that user (root, by
// sudo, beside a service's own user) left there. Writing on beside it
// would leave more such files, which the other user could not replace,
// read or write into (a preview/ folder of root's stops every later send
// of the service from writing its report page).
type ForeignError struct {
	// Path is the first such file or folder found; UID its owner's user id.
	Path string
	UID  int
}

func (e *ForeignError) Error() string {
	return fmt.Sprintf("statefile: %s belongs to another user (uid %d) than the one running tidings (uid %d)", e.Path, e.UID, os.Geteuid())
}

// Foreign returns a *ForeignError for the first of the files and folders
// tidings writes directly in dir (Own) that another user owns; nil when
// there is none, dir is not there yet, or where modes say nothing of
// owners. The user's other files in dir are not looked at: a shared
// state_dir may hold them.
func Foreign(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return fmt.Errorf("statefile: %w", err)
	}
	for _, e := range entries {
		if !Own(e.Name()) {
			continue
		}
		fi, err := e.Info() // Lstat
		if err != nil {
			continue // gone since: nothing of another's
		}
		if uid, ok := otherOwner(fi); ok {
			return &ForeignError{Path: filepath.Join(dir, e.Name()), UID: uid}
		}
	}
	return nil
}

// owned reports whether the user running tidings owns fi: true where
// modes do not say who owns a file (otherOwner).
func owned(fi os.FileInfo) bool {
	_, other := otherOwner(fi)
	return !other
}
