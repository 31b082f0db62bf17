//go:build !unix

package statefile

import "io/fs"

// loose is false where modes do not say who may read a file (Windows: its
// ACLs do, which tidings leaves as the folder's).
func loose(fs.FileInfo, fs.FileMode) bool { return false }

// otherOwner is false where modes do not say who owns a file.
func otherOwner(fs.FileInfo) (int, bool) { return 0, false }
