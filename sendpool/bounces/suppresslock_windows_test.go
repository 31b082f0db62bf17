package bounces

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/windows"
)

// TestListLockWindows: on Windows, where two bounces runs appended to a
// shared suppression list with no lock at all, lockList holds the list
// (another handle's try fails) and, mandatory as Windows' locks are,
// leaves it readable and appendable by its holder; AppendSuppressions
// takes it once the other run closes the list.
func TestListLockWindows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "suppress.txt")
	before := "old@example.org  # bounced 5.1.1, tidings bounces, campaign a, 2026-12-01\n"
	if err := os.WriteFile(path, []byte(before), 0o600); err != nil {
		t.Fatal(err)
	}
	other, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND, 0) // the other run's
	if err != nil {
		t.Fatal(err)
	}
	if err := lockList(other); err != nil {
		t.Fatal(err)
	}
	third, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer third.Close()
	err = windows.LockFileEx(windows.Handle(third.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, listByte())
	if !errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		t.Fatalf("another handle locked the list held by lockList: %v", err)
	}
	theirs := "theirs@example.org  # complained, tidings bounces, campaign a, 2026-12-07\n"
	if _, err := other.WriteString(theirs); err != nil {
		t.Fatalf("the holder appends: %v", err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != before+theirs {
		t.Fatalf("the list read while held: %q, %v", b, err)
	}
	other.Close()
	if err := AppendSuppressions(path, []Suppression{{Address: "new@example.org", Kind: "bounced", Status: "5.1.1"}}, "b", time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)); err != nil {
		t.Fatal(err)
	}
	want := before + theirs + "new@example.org  # bounced 5.1.1, tidings bounces, campaign b, 2026-12-07\n"
	if b, err := os.ReadFile(path); err != nil || string(b) != want {
		t.Errorf("the list (%v):\n%s\nwant:\n%s", err, b, want)
	}
}
