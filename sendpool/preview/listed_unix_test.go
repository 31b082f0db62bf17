//go:build unix

package preview

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestListedWarning: a --out folder every user may list (one the user
// made under umask 022, 0755, in folders others pass through) shows them
// every recipient's key in the message files' names, though the files
// are 0600: it is warned of, with the chmod that mends it, and left as it
// is; a folder others may not list (0700, 0750: its group's; 0711 as a
// home folder often is), one as open in a folder others may not enter
// (0755 inside a 0700 home folder), and one not there yet, which
// NewWriter makes 0700, are not.
func TestListedWarning(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for _, d := range []string{filepath.Dir(root), root} { // the testing package's, 0700
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if _, open := campaign.OpenToOthers(root, 0o001); !open {
		t.Skipf("others may not pass through the folders above %s", root)
	}
	closed := filepath.Join(root, "closed")
	if err := os.Mkdir(closed, 0o700); err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		in   string
		mode os.FileMode
		want string
	}{
		{root, 0o755, "out can be listed by other users of this machine (mode 0755): the messages preview writes there are yours alone, but their names hold each recipient's key (000002-<key>.eml); make the folder its owner's alone: chmod 700 out"},
		{root, 0o750, ""},
		{root, 0o700, ""},
		{root, 0o711, ""},
		{closed, 0o755, ""},
	} {
		dir := filepath.Join(tc.in, fmt.Sprintf("out%d", i))
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
		if got != tc.want {
			t.Errorf("mode %04o in %s: ListedWarning = %q, want %q", tc.mode, filepath.Base(tc.in), got, tc.want)
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
