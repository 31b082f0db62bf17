//go:build unix

package statefile_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/tidings/tidings/sendpool/statefile"
)

// TestMkdir: a folder is made 0700 (its parents too), also below a state
// folder reached through a link, and one already there is fine; a link
// at the folder's own name, to a folder or to nothing, is a *LinkError
// naming it, and nothing is made at its target; a file there is an error.
func TestMkdir(t *testing.T) {
	base := t.TempDir()
	disk := filepath.Join(base, "disk")
	if err := os.Mkdir(disk, 0o700); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(base, "state")
	if err := os.Symlink(disk, state); err != nil {
		t.Fatal(err)
	}
	spool := filepath.Join(state, "t", "spool")
	for range 2 {
		if err := statefile.Mkdir(spool); err != nil {
			t.Fatal(err)
		}
	}
	if fi, err := os.Stat(filepath.Join(disk, "t", "spool")); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Errorf("spool on the linked disk: %v (%v)", fi, err)
	}
	elsewhere := t.TempDir()
	for name, target := range map[string]string{"preview": elsewhere, "report-data": filepath.Join(elsewhere, "gone")} {
		link := filepath.Join(state, "t", name)
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		err := statefile.Mkdir(link)
		if le, ok := errors.AsType[*statefile.LinkError](err); !ok || le.Path != link {
			t.Errorf("Mkdir(%s), a link = %v, want a LinkError naming it", name, err)
		}
	}
	if entries, _ := os.ReadDir(elsewhere); len(entries) != 0 {
		t.Errorf("made at a link's target: %v", entries)
	}
	file := filepath.Join(state, "t", "gallery")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := statefile.Mkdir(file); err == nil || errors.As(err, new(*statefile.LinkError)) {
		t.Errorf("Mkdir over a file = %v, want mkdir's error", err)
	}
}
