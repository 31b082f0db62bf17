package statefile_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/statefile"
)

// TestOpenFileRefusesLinks: a link, dangling or not, where a state file
// should be is refused by name, and its target is neither created nor
// changed.
func TestOpenFileRefusesLinks(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	if err := os.WriteFile(victim, []byte("keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, target string }{
		{"journal.jsonl", victim},
		{"dangling", filepath.Join(dir, "created")},
	} {
		link := filepath.Join(dir, tc.name)
		if err := os.Symlink(tc.target, link); err != nil {
			t.Fatal(err)
		}
		f, err := statefile.OpenFile(link, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
		if err == nil {
			f.Close()
		}
		var le *statefile.LinkError
		if !errors.As(err, &le) || !strings.Contains(err.Error(), link+" is a symbolic link") {
			t.Errorf("%s: err = %v, want a LinkError naming it", tc.name, err)
		}
		if err := statefile.WriteFile(link, []byte("written\n")); !errors.As(err, &le) {
			t.Errorf("%s: WriteFile: err = %v, want a LinkError", tc.name, err)
		}
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep\n" {
		t.Errorf("the link's target now holds %q", b)
	}
	if _, err := os.Lstat(filepath.Join(dir, "created")); err == nil {
		t.Error("the dangling link's target was created")
	}
}

// TestWriteFilePrivate: a file written new is its owner's only.
func TestWriteFilePrivate(t *testing.T) {
	p := filepath.Join(t.TempDir(), "report.csv")
	if err := statefile.WriteFile(p, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, %v; want 0600", fi.Mode(), err)
	}
}
