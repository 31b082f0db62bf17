//go:build unix

package credential_test

import (
	"syscall"
	"testing"
)

// mkfifo makes a FIFO at path; it reports whether it could.
func mkfifo(t *testing.T, path string) bool {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	return true
}
