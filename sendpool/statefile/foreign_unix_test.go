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

// TestForeignStateFolder: a state folder another user owns that holds
// nothing but what tidings writes (empty, as systemd's StateDirectory=
// makes a service's) is foreign, so that root run on it first does not
// fill it with files of its own the service then cannot replace; one
// holding other files (a shared state_dir) is not, and neither is a
// folder of the user's own.
func TestForeignStateFolder(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("a folder of another user's needs root to make")
	}
	base := t.TempDir()
	mine := filepath.Join(base, "mine")
	service := filepath.Join(base, "service")
	shared := filepath.Join(base, "shared")
	for _, d := range []string{mine, service, shared} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(shared, "notes.txt"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{service, shared} {
		if err := os.Chown(d, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	var fe *statefile.ForeignError
	if err := statefile.Foreign(service); !errors.As(err, &fe) || fe.Path != service || fe.UID != 65534 {
		t.Errorf("Foreign(empty folder of uid 65534) = %v, want a ForeignError naming it", err)
	}
	if err := os.WriteFile(filepath.Join(service, "journal.jsonl"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(filepath.Join(service, "journal.jsonl"), 65534, 65534); err != nil {
		t.Fatal(err)
	}
	if err := statefile.Foreign(service); !errors.As(err, &fe) || fe.Path != filepath.Join(service, "journal.jsonl") {
		t.Errorf("Foreign(folder of uid 65534 with its journal) = %v, want a ForeignError naming the journal", err)
	}
	for _, d := range []string{mine, shared, filepath.Join(base, "missing")} {
		if err := statefile.Foreign(d); err != nil {
			t.Errorf("Foreign(%s) = %v, want nil", d, err)
		}
	}
}
