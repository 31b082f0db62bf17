//go:build !unix

package dkim

import "io/fs"

// othersFile is false where file modes say nothing of owners.
func othersFile(fs.FileInfo, int) bool { return false }
