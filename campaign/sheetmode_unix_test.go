//go:build unix

package campaign

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSheetModeWarning: a sheet of the user's own that every user of the
// machine may read (a CRM's export saved under umask 022, 0644, in
// folders others pass through) is warned of with the chmod that mends
// it; one only its owner or its group reads (0600, 0640), one in a
// folder others may not enter (0700, as t.TempDir makes), and one
// another user owns (a service's, deployed root's) are not.
func TestSheetModeWarning(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	open := filepath.Join(root, "open")
	closed := filepath.Join(root, "closed")
	for dir, mode := range map[string]os.FileMode{root: 0o755, open: 0o755, closed: 0o700} {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
	}
	// The testing package's folder above root is 0700; TMPDIR's and those
	// above it are the machine's.
	if err := os.Chmod(filepath.Dir(root), 0o755); err != nil {
		t.Fatal(err)
	}
	if !othersPass(filepath.Dir(root)) {
		t.Skipf("others may not pass through the folders above %s", root)
	}
	sheet := func(dir string, mode os.FileMode) string {
		t.Helper()
		p := filepath.Join(dir, "members.csv")
		if err := os.WriteFile(p, []byte("email\nann@example.com\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := sheet(open, 0o644)
	want := "recipients: " + ShownPath(p) + " can be read by every user of this machine (mode 0644), and it holds every recipient's row: names, addresses and what else its columns hold; make it yours alone: chmod 600 " + ShownPath(p)
	if got := (Recipients{Path: p}).ModeWarning(); got != want {
		t.Errorf("a 0644 sheet others may reach:\n got %q\nwant %q", got, want)
	}
	for _, tc := range []struct {
		name string
		path string
	}{
		{"0600", sheet(open, 0o600)},
		{"0640", sheet(open, 0o640)},
		{"0644 in a 0700 folder", sheet(closed, 0o644)},
		{"not there", filepath.Join(open, "gone.csv")},
	} {
		if got := (Recipients{Path: tc.path}).ModeWarning(); got != "" {
			t.Errorf("%s: %q, want no warning", tc.name, got)
		}
	}
	if os.Geteuid() == 0 {
		p := sheet(open, 0o644)
		if err := os.Chown(p, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		if got := (Recipients{Path: p}).ModeWarning(); strings.Contains(got, "chmod") {
			t.Errorf("another user's sheet: %q, want no warning", got)
		}
	}
}
