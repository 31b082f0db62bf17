//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
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
