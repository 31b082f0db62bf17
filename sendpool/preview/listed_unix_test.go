//go:build unix

package preview

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestListedWarning: a --out folder others may list (one the user made
// under umask 022, 0755) shows them every recipient's key in the message
// files' names, though the files are 0600: it is warned of, with the
// chmod that mends it, and left as it is; a folder its owner's alone
// (0700, or 0711 as a home folder often is: others cannot list it) and
// one not there yet, which NewWriter makes 0700, are not.
func TestListedWarning(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		mode os.FileMode
		want string
	}{
		{0o755, "out can be listed by other users of this machine (mode 0755): the messages preview writes there are yours alone, but their names hold each recipient's key (000002-<key>.eml); make the folder its owner's alone: chmod 700 out"},
		{0o750, "(mode 0750)"},
		{0o700, ""},
		{0o711, ""},
	} {
		dir := filepath.Join(t.TempDir(), "out")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, tc.mode); err != nil {
			t.Fatal(err)
		}
		w, err := NewWriter(dir)
		if err != nil {
			t.Fatal(err)
		}
		w.Abort()
		got := ListedWarning(dir, "out")
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("mode %04o: ListedWarning = %q, want %q", tc.mode, got, tc.want)
		}
		if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != tc.mode {
			t.Errorf("mode %04o: the folder is %v (%v) after a preview, want it left as it was", tc.mode, fi.Mode(), err)
		}
	}
	missing := filepath.Join(t.TempDir(), "new")
	if got := ListedWarning(missing, "new"); got != "" {
		t.Errorf("a folder not there: %q, want none", got)
	}
	w, err := NewWriter(missing)
	if err != nil {
		t.Fatal(err)
	}
	w.Abort()
	if got := ListedWarning(missing, "new"); got != "" {
		t.Errorf("the folder NewWriter made: %q, want none (0700)", got)
	}
}
