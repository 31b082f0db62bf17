//go:build unix

package plan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestOtherFileSystemNotTrusted: a file on another file system than the
// state folder (one on /dev/shm here) is read again whatever its time,
// as its clock is not the one the spooling's start was read from.
func TestOtherFileSystemNotTrusted(t *testing.T) {
	other, err := os.MkdirTemp("/dev/shm", "tidings-")
	if err != nil {
		t.Skip("no /dev/shm:", err)
	}
	t.Cleanup(func() { os.RemoveAll(other) })
	state := t.TempDir()
	if same(t, other, state) {
		t.Skip("/dev/shm is on the temporary folder's file system")
	}
	path := filepath.Join(other, "INV-1.pdf")
	if err := os.WriteFile(path, []byte("%PDF-invoice-001"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	g := spoolAttachment(t, state, path)
	rewriteSameSize(t, path)
	if same, err := sameAttachments(context.Background(), g); same || err != nil {
		t.Errorf("a file on another file system, rewritten to the same size and time, was trusted (%v)", err)
	}
}

// same reports whether the folders a and b are on one file system.
func same(t *testing.T, a, b string) bool {
	t.Helper()
	var sa, sb syscall.Stat_t
	if err := errors.Join(syscall.Stat(a, &sa), syscall.Stat(b, &sb)); err != nil {
		t.Fatal(err)
	}
	return sa.Dev == sb.Dev
}
