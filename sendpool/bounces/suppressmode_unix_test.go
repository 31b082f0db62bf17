//go:build unix

package bounces

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/journal"
)

// TestSuppressionListMode: the suppression list bounces creates, empty
// or with the addresses a run suppressed, was 0644 before umask: every
// user of the machine could read who bounced, complained or asked to
// unsubscribe (a clinic's former patients, rev-user24), where the state
// folder's files are the owner's only. It is created 0600, under the
// common umask 022 too; a list that exists keeps its mode.
func TestSuppressionListMode(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	empty, filled := filepath.Join(dir, "empty.txt"), filepath.Join(dir, "filled.txt")
	if err := AppendSuppressions(empty, nil, "c", time.Now()); err != nil {
		t.Fatal(err)
	}
	list := []Suppression{{Address: "ann@example.org", Kind: journal.FeedbackBounced, Status: "5.1.1"}}
	if err := AppendSuppressions(filled, list, "c", time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{empty, filled} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
	kept := filepath.Join(dir, "kept.txt")
	if err := os.WriteFile(kept, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := AppendSuppressions(kept, list, "c", time.Now()); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(kept); fi.Mode().Perm() != 0o640 {
		t.Errorf("kept.txt: mode %v, want its own 0640", fi.Mode().Perm())
	}
}
