//go:build !unix

package campaign

// ModeWarning is "" off Unix, whose file modes say nothing of who reads
// a file (see sheetmode_unix.go).
func (r Recipients) ModeWarning() string { return "" }
