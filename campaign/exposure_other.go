//go:build !unix

package campaign

import "io/fs"

// OpenToOthers is false off Unix, whose file modes say nothing of who
// may read a file (Windows: its ACLs do). See exposure_unix.go.
func OpenToOthers(path string, bits fs.FileMode) (mode fs.FileMode, open bool) { return 0, false }
