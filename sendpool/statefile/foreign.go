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
// of the service from writing its report page). The state folder itself
// is such a folder when it holds nothing but what tidings writes.
type ForeignError struct {
	// Path is the first such file or folder found; UID its owner's user id.
	Path string
	UID  int
}

func (e *ForeignError) Error() string {
	return fmt.Sprintf("statefile: %s belongs to another user (uid %d) than the one running tidings (uid %d)", e.Path, e.UID, os.Geteuid())
}

// Foreign returns a *ForeignError for the first of the files and folders
// tidings writes directly in dir (Own) that another user owns, else for
// dir itself when another user owns it and it holds nothing else (a
// service's fresh state folder, StateDirectory=, which root would fill
// with files of its own); nil when there is none, dir is not there yet,
// or where modes say nothing of owners. The user's other files in dir are
// not looked at, and a dir holding them is not either: a shared state_dir
// (the campaign's folder, /tmp) may be another's. It reads dir once, not
// below it.
func Foreign(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return fmt.Errorf("statefile: %w", err)
	}
	shared := false
	for _, e := range entries {
		if !Own(e.Name()) {
			shared = true
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
	if shared {
		return nil
	}
	return foreignFolder(dir)
}

// foreignFolder is a *ForeignError for dir when another user owns it (its
// link's target, where dir is a link: a state folder moved elsewhere).
func foreignFolder(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil // gone since: nothing of another's
	}
	if uid, ok := otherOwner(fi); ok {
		return &ForeignError{Path: dir, UID: uid}
	}
	return nil
}

// owned reports whether the user running tidings owns fi: true where
// modes do not say who owns a file (otherOwner).
func owned(fi os.FileInfo) bool {
	_, other := otherOwner(fi)
	return !other
}
