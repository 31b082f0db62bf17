//go:build unix

package statefile_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/tidings/tidings/sendpool/statefile"
)

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
