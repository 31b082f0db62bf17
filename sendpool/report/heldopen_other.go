//go:build !windows

package report

// heldOpenErrno says no: Unix replaces a file another program has open
// (that program keeps reading the old one), so a rename never fails for
// it.
func heldOpenErrno(error) bool { return false }
