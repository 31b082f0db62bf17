//go:build unix

package campaign

import (
	"os"
	"path/filepath"
	"testing"
)

// openTree makes, in a folder others may reach, a folder "open" (0755)
// and a folder "closed" (0700), and returns the folder holding both; it
// skips the test where the folders above the test's own do not let
// others through.
func openTree(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for dir, mode := range map[string]os.FileMode{root: 0o755, filepath.Join(root, "open"): 0o755, filepath.Join(root, "closed"): 0o700} {
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
	return root
}

// writeMode writes a small file at p with mode, and returns p.
func writeMode(t *testing.T, p string, mode os.FileMode) string {
	t.Helper()
	if err := os.WriteFile(p, []byte("email\nann@example.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSheetModeWarning: a sheet of the user's own that every user of the
// machine may read (a CRM's export saved under umask 022, 0644, in
// folders others pass through) is warned of with the chmod that mends
// it, its path as given; one only its owner or its group reads (0600,
// 0640), one in a folder others may not enter (0700, as t.TempDir makes),
// and one another user owns (a service's, deployed root's) are not.
func TestSheetModeWarning(t *testing.T) {
	t.Parallel()
	root := openTree(t)
	open, closed := filepath.Join(root, "open"), filepath.Join(root, "closed")
	p := writeMode(t, filepath.Join(open, "members.csv"), 0o644)
	want := "recipients: 'my members.csv' can be read by every user of this machine (mode 0644), and it holds every recipient's row: names, addresses and what else its columns hold; make it yours alone: chmod 600 'my members.csv'"
	if got := (Recipients{Path: p}).ModeWarning("'my members.csv'"); got != want {
		t.Errorf("a 0644 sheet others may reach:\n got %q\nwant %q", got, want)
	}
	for _, tc := range []struct {
		name string
		path string
	}{
		{"0600", writeMode(t, filepath.Join(open, "a.csv"), 0o600)},
		{"0640", writeMode(t, filepath.Join(open, "b.csv"), 0o640)},
		{"0644 in a 0700 folder", writeMode(t, filepath.Join(closed, "c.csv"), 0o644)},
		{"not there", filepath.Join(open, "gone.csv")},
	} {
		if got := (Recipients{Path: tc.path}).ModeWarning("x"); got != "" {
			t.Errorf("%s: %q, want no warning", tc.name, got)
		}
	}
	if os.Geteuid() == 0 {
		p := writeMode(t, filepath.Join(open, "service.csv"), 0o644)
		if err := os.Chown(p, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		if got := (Recipients{Path: p}).ModeWarning("x"); got != "" {
			t.Errorf("another user's sheet: %q, want no warning", got)
		}
	}
}

// TestOpenToOthersFollowsLinks: what others may reach is the file a path
// leads to, in the folders it is in: a 0644 file in a 0700 folder, named
// by a symbolic link in an open folder (or through a link to its folder),
// is not open to them, where the link's own folder said it was; one in an
// open folder named by a link in a closed one is, where the link's folder
// said it was not.
func TestOpenToOthersFollowsLinks(t *testing.T) {
	t.Parallel()
	root := openTree(t)
	open, closed := filepath.Join(root, "open"), filepath.Join(root, "closed")
	hidden := writeMode(t, filepath.Join(closed, "hidden.csv"), 0o644)
	shared := writeMode(t, filepath.Join(open, "shared.csv"), 0o644)
	link := func(target, name string) string {
		t.Helper()
		p := filepath.Join(root, name)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	closedLink := link(closed, "open/to-closed")
	for _, tc := range []struct {
		name string
		path string
		want bool
	}{
		{"a link in an open folder to a file in a closed one", link(hidden, "open/hidden.csv"), false},
		{"a file through a link to a closed folder", filepath.Join(closedLink, "hidden.csv"), false},
		{"a link in a closed folder to a file in an open one", link(shared, "closed/shared.csv"), true},
		{"a file in an open folder", shared, true},
	} {
		if _, got := OpenToOthers(tc.path, 0o004); got != tc.want {
			t.Errorf("%s: OpenToOthers = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestSuppressionModeWarning: a suppression list of the user's own that
// every user may read is warned of, in the words of a sheet's warning
// (every user, yours alone), not "other users", which said a group's
// members were warned of too; one as open, but in a folder others may not
// enter (a 0644 list in a 0700 home folder), is not: they cannot reach
// it, where its mode alone said they could.
func TestSuppressionModeWarning(t *testing.T) {
	t.Parallel()
	root := openTree(t)
	for dir, want := range map[string]bool{"open": true, "closed": false} {
		p := filepath.Join(root, dir, "suppress.txt")
		if err := os.WriteFile(p, []byte("ann@example.com  # asked, 2026-12-07\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(p, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := LoadSuppression(p)
		if err != nil {
			t.Fatal(err)
		}
		const words = "suppress: suppress.txt can be read or written by every user of this machine (mode 0644), and it names 1 address or domain that bounced, complained or asked not to be mailed; make it yours alone: chmod 600 suppress.txt"
		if got := s.ModeWarning("suppress.txt"); (got == words) != want {
			t.Errorf("a 0644 list in a %s folder: %q, want a warning: %v", dir, got, want)
		}
	}
}
