package statefile

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSyncDirWindows: on Windows, whose folders cannot be flushed (their
// Sync is "Access is denied"), SyncDir and WriteAtomic succeed, so a
// journal, report or spool written there is not refused; a folder that
// is not there is still an error.
func TestSyncDirWindows(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	if err := WriteAtomic(path, []byte("{}\n")); err != nil {
		t.Fatalf("WriteAtomic: %v", err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "{}\n" {
		t.Errorf("read back %q, %v", b, err)
	}
	if err := SyncDir(dir); err != nil {
		t.Errorf("SyncDir: %v", err)
	}
	if err := SyncDir(filepath.Join(dir, "missing")); err == nil {
		t.Error("SyncDir of a folder not there: no error")
	}
}
