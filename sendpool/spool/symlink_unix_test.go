//go:build unix

package spool

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestManifestRefusesLink: a link where a generation's manifest is first
// written (its .tmp) is refused, and its target is not truncated.
func TestManifestRefusesLink(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dir, "g0001.json.tmp")
	if err := os.Symlink(victim, tmp); err != nil {
		t.Fatal(err)
	}
	if err := writeSynced(tmp, []byte("{}\n")); err == nil || !strings.Contains(err.Error(), "is a symbolic link") {
		t.Errorf("writeSynced: %v, want the link refused", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep\n" {
		t.Errorf("the link's target now holds %q", b)
	}
}
