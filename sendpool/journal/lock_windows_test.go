package journal

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestLockWindows: on Windows the send lock is LockFileEx's, which the
// system drops when its holder ends: no send.lock.held marker is left
// for a crashed send (which made every later send say the campaign was
// being sent by that PID, naming no file to delete). The lock is
// mandatory there, so it must not cover the holder's details: a second
// AcquireLock and Holder read them while it is held.
func TestLockWindows(t *testing.T) {
	dir := t.TempDir()
	l, err := AcquireLockAs(dir, "send")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	if _, err := os.Stat(filepath.Join(dir, LockFileName+".held")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a marker file beside the lock: %v", err)
	}
	_, err = AcquireLockAs(dir, "report")
	var le *LockedError
	if !errors.As(err, &le) || le.PID != os.Getpid() || le.Command != "send" {
		t.Fatalf("second AcquireLock = %v, want a *LockedError naming this process's send", err)
	}
	if h, ok := Holder(dir); !ok || h.PID != os.Getpid() {
		t.Errorf("Holder = %+v, %v; want this process", h, ok)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if h, ok := Holder(dir); ok {
		t.Errorf("Holder after Release = %+v, want none", h)
	}
}
