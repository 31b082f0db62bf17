//go:build !windows

package statefile

import "os"

// syncFolder flushes the entries of the open folder d to disk (fsync).
func syncFolder(d *os.File) error { return d.Sync() }
