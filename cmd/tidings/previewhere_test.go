package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// copyExample copies examples/<name> (its files and their folders) into
// a new folder and returns it.
func copyExample(t *testing.T, name string) string {
	t.Helper()
	src := filepath.Join("..", "..", "examples", name)
	dir := t.TempDir()
	err := filepath.WalkDir(src, func(p string, e os.DirEntry, err error) error {
		if err != nil || p == src {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if e.IsDir() {
			return os.Mkdir(filepath.Join(dir, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestPreviewIntoCampaignFolderAttaches: preview -o . in the notification
// example's folder writes its messages there; the invoices the sheet
// names, below that folder, still attach in the checks that follow.
func TestPreviewIntoCampaignFolderAttaches(t *testing.T) {
	dir := copyExample(t, "notification")
	t.Chdir(dir)
	t.Setenv("TIDINGS_SMTP_PASSWORD", "x")
	if out, errOut, code := runCLI(t, "preview", "-o", ".", "campaign.yaml"); code != exitOK {
		t.Fatalf("preview -o .: code %d\n%s%s", code, out, errOut)
	}
	for i := range 2 {
		if out, errOut, code := runCLI(t, "check", "campaign.yaml"); code != exitOK || strings.Contains(out+errOut, "attachment path") || !strings.Contains(out, "3 ready") {
			t.Errorf("check %d after preview -o .: code %d\n%s%s", i+1, code, out, errOut)
		}
	}
	if msgs, _ := filepath.Glob(filepath.Join(dir, "[0-9]*.eml")); len(msgs) == 0 {
		t.Errorf("preview wrote no message into the campaign folder")
	}
}
