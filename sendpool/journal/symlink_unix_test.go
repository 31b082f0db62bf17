//go:build unix

package journal

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// linkTo makes name in dir a symbolic link to a new file holding
// "keep\n" (0644) outside dir, and returns that file.
func linkTo(t *testing.T, dir, name string) string {
	t.Helper()
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
	return victim
}

// unchanged fails t unless victim still holds what linkTo wrote, 0644.
func unchanged(t *testing.T, victim string) {
	t.Helper()
	b, err := os.ReadFile(victim)
	fi, _ := os.Stat(victim)
	if err != nil || string(b) != "keep\n" || fi.Mode().Perm() != 0o644 {
		t.Errorf("the link's target now holds %q (%v, %v)", b, fi.Mode(), err)
	}
}

// TestJournalRefusesLink: a journal.jsonl that is a link is refused by
// name, and the recipients' lines never reach its target.
func TestJournalRefusesLink(t *testing.T) {
	dir := t.TempDir()
	victim := linkTo(t, dir, FileName)
	l, err := AcquireLock(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	w, err := Open(context.Background(), l, Run{Started: t0})
	if err == nil {
		w.Close()
	}
	if want := filepath.Join(dir, FileName) + " is a symbolic link: tidings does not write through links"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Open: %v, want %q", err, want)
	}
	unchanged(t, victim)
}

// TestLockRefusesLink: a lock file that is a link is refused; the holder's
// line is not written over the link's target.
func TestLockRefusesLink(t *testing.T) {
	dir := t.TempDir()
	victim := linkTo(t, dir, LockFileName)
	l, err := AcquireLock(dir)
	if err == nil {
		l.Release()
	}
	if err == nil || !strings.Contains(err.Error(), "is a symbolic link") {
		t.Errorf("AcquireLock: %v, want the link refused", err)
	}
	unchanged(t, victim)
}
