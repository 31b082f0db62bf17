//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreviewOutListedByOthers: preview --out into a folder the user made
// under umask 022 (0755) wrote its messages 0600, but their names
// (000002-ann@example.com.eml) showed every other user of the machine who
// the campaign goes to, a sports club's member list (rev-user30), with no
// word: preview warns of it, with the chmod that mends it, and leaves the
// folder's mode as it was; a folder preview makes (0700) is not told of.
func TestPreviewOutListedByOthers(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(25, ""),
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    "email,name\nann@example.com,Ann\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	openToOthers(t, dir)
	out := filepath.Join(dir, "shared")
	if err := os.Mkdir(out, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(out, 0o755); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code := runCLI(t, "preview", "--out", out, camp)
	want := "warning: " + out + " can be listed by other users of this machine (mode 0755): the messages preview writes there are yours alone, but their names hold each recipient's key (000002-<key>.eml); make the folder its owner's alone: chmod 700 " + out
	if code != 0 || !strings.Contains(stderr, want) {
		t.Fatalf("preview --out a 0755 folder: exit %d\n%s%s\nwant %q", code, stdout, stderr, want)
	}
	if _, err := os.Stat(filepath.Join(out, "000002-ann@example.com.eml")); err != nil {
		t.Errorf("the message was not written: %v", err)
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("the folder is %v (%v), want it left 0755", fi.Mode(), err)
	}
	fresh := filepath.Join(dir, "fresh")
	if stdout, stderr, code := runCLI(t, "preview", "--out", fresh, camp); code != 0 || strings.Contains(stdout+stderr, "other users") {
		t.Errorf("preview --out a folder it makes: exit %d\n%s%s\nwant no word of its mode", code, stdout, stderr)
	}
}
