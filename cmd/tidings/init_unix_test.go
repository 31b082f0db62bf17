//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestInitRefusesSymlinks: a symbolic link where init writes a skeleton
// file, dangling (a file it would create elsewhere) or to a file (which
// --force would overwrite), is refused by name: exit 2, the link's target
// neither created nor changed, and no skeleton file written.
func TestInitRefusesSymlinks(t *testing.T) {
	t.Parallel()
	for _, force := range []bool{false, true} {
		victims := t.TempDir()
		dir := filepath.Join(t.TempDir(), "i1")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		kept := filepath.Join(victims, "kept")
		if err := os.WriteFile(kept, []byte("keep\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		missing := filepath.Join(victims, "authorized_keys")
		links := map[string]string{"body.txt": missing} // as the review found it: exit 0, the target created
		if force {
			links["recipients.csv"] = kept
		}
		for link, target := range links {
			if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
				t.Fatal(err)
			}
		}
		args := []string{"init", dir}
		if force {
			args = []string{"init", "--force", dir}
		}
		out, errOut, code := runCLI(t, args...)
		if code != exitUnusable || !strings.Contains(out+errOut, " is a symbolic link: tidings does not write through links") {
			t.Errorf("%v: code %d, want %d and the link named\n%s%s", args, code, exitUnusable, out, errOut)
		}
		if _, err := os.Lstat(missing); err == nil {
			t.Errorf("%v: created the dangling link's target", args)
		}
		if b, _ := os.ReadFile(kept); string(b) != "keep\n" {
			t.Errorf("%v: the link's target holds %q", args, b)
		}
		if _, err := os.Lstat(filepath.Join(dir, "campaign.yaml")); err == nil {
			t.Errorf("%v: wrote campaign.yaml beside the links", args)
		}
	}
}

// TestInitForceReplacesFiles: --force still overwrites a regular file.
func TestInitForceReplacesFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "body.txt"), []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, code := runCLI(t, "init", dir); code != exitUnusable {
		t.Errorf("init over a file: code %d, want %d", code, exitUnusable)
	}
	if out, errOut, code := runCLI(t, "init", "--force", dir); code != exitOK {
		t.Fatalf("init --force: code %d\n%s%s", code, out, errOut)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "body.txt")); string(b) == "old\n" {
		t.Error("--force left body.txt as it was")
	}
}

// TestInitListModes: init wrote recipients.csv and suppress.txt 0644
// before umask, so the sheet a user fills with recipients and the list
// bounces fills with those who bounced or asked to unsubscribe were
// readable by every user of the machine (rev-user24), where the state
// folder's files are the owner's only; they are 0600, and the campaign
// file and bodies stay 0644. init --force kept a 0644 sheet or list it
// replaced 0644 (rev-eng38): it makes them 0600 too. The umask is the
// common 022 (the test asked 0644 "before umask" of whatever umask ran
// it, and failed under 077).
func TestInitListModes(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "c")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, force := range []bool{false, true} {
		args := []string{"init", dir}
		if force {
			args = append(args, "--force")
			for _, name := range []string{"recipients.csv", "suppress.txt"} {
				if err := os.Chmod(filepath.Join(dir, name), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		if out, errOut, code := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: code %d\n%s%s", args, code, out, errOut)
		}
		for name, want := range map[string]os.FileMode{"recipients.csv": 0o600, "suppress.txt": 0o600, "campaign.yaml": 0o644, "body.txt": 0o644} {
			fi, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if got := fi.Mode().Perm(); got != want {
				t.Errorf("%v: %s: mode %v, want %v", args, name, got, want)
			}
		}
	}
}
