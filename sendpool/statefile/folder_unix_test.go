//go:build unix

package statefile_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/statefile"
)

// TestTighten: a state folder made 0777 with a 0666 journal is made 0700
// and 0600, each said once; one already private says nothing; a link in
// it is left alone, its target untouched.
func TestTighten(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "november")
	spool := filepath.Join(dir, "spool")
	if err := os.MkdirAll(spool, 0o700); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(dir, "journal.jsonl")
	other := filepath.Join(base, "other")
	for _, p := range []string{journal, other} {
		if err := os.WriteFile(p, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(other, filepath.Join(dir, "report.csv")); err != nil {
		t.Fatal(err)
	}
	for p, mode := range map[string]os.FileMode{dir: 0o777, spool: 0o755, journal: 0o666, other: 0o644} {
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
	}
	notes, err := statefile.Tighten(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 3 {
		t.Errorf("notes = %q, want one for each of the folder, spool/ and the journal", notes)
	}
	for p, want := range map[string]os.FileMode{dir: 0o700, spool: 0o700, journal: 0o600, other: 0o644} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v (%v), want %04o", filepath.Base(p), fi.Mode().Perm(), err, want)
		}
	}
	if len(notes) > 0 && !strings.Contains(notes[0], dir+" was mode 0777") {
		t.Errorf("note %q does not name the folder and its mode", notes[0])
	}
	if notes, err := statefile.Tighten(dir); err != nil || len(notes) != 0 {
		t.Errorf("again: %q, %v; want nothing", notes, err)
	}
	if notes, err := statefile.Tighten(filepath.Join(base, "missing")); err != nil || len(notes) != 0 {
		t.Errorf("missing folder: %q, %v; want nothing", notes, err)
	}
}

// TestTightenThroughLinkedFolder: a state folder reached through a link
// (moved to a bigger disk) works, and its target is what is tightened.
func TestTightenThroughLinkedFolder(t *testing.T) {
	base := t.TempDir()
	real := filepath.Join(base, "disk", "november")
	if err := os.MkdirAll(real, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(real, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "november")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if _, err := statefile.Tighten(link); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(real); fi.Mode().Perm() != 0o700 {
		t.Errorf("the linked folder is %04o, want 0700", fi.Mode().Perm())
	}
	if err := statefile.WriteFile(filepath.Join(link, "report.csv"), nil); err != nil {
		t.Errorf("writing into a linked state folder: %v", err)
	}
}
