//go:build unix

package statefile_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/tidings/tidings/sendpool/statefile"
)

// TestForeign: a state folder where one of tidings' own files or folders
// (a preview/ left by sudo) is another user's is a *ForeignError naming
// it and its owner; the user's other files there, another's or not, are
// not looked at, and a folder not made yet is no error.
func TestForeign(t *testing.T) {
	dir := t.TempDir()
	if err := statefile.Foreign(filepath.Join(dir, "missing")); err != nil {
		t.Errorf("missing folder: %v, want nil", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "journal.jsonl"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	notes := filepath.Join(dir, "notes.txt") // the user's, shared state_dir
	if err := os.WriteFile(notes, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	chownNobody(t, notes)
	if err := statefile.Foreign(dir); err != nil {
		t.Errorf("only a file not tidings' is another user's: %v, want nil", err)
	}
	preview := filepath.Join(dir, "preview")
	if err := os.Mkdir(preview, 0o700); err != nil {
		t.Fatal(err)
	}
	chownNobody(t, preview)
	var fe *statefile.ForeignError
	if err := statefile.Foreign(dir); !errors.As(err, &fe) || fe.Path != preview || fe.UID != 65534 {
		t.Fatalf("preview/ another user's: %v, want a ForeignError naming it and uid 65534", err)
	}
}
