//go:build unix

package preview

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/report"
)

// victimFile is a file outside any preview folder, "keep\n".
func victimFile(t *testing.T) string {
	t.Helper()
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return victim
}

// TestPreviewRefusesLinks: a marker file that is a link is refused by
// name (Claim, NewWriter), its target left as it was.
func TestPreviewRefusesLinks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		write func(dir string) error
	}{
		{MarkerFile, Claim},
		{MarkerFile, func(dir string) error { _, err := NewWriter(dir); return err }},
	} {
		dir := t.TempDir()
		victim := victimFile(t)
		link := filepath.Join(dir, tc.name)
		if err := os.Symlink(victim, link); err != nil {
			t.Fatal(err)
		}
		if err := tc.write(dir); err == nil || !strings.Contains(err.Error(), link+" is a symbolic link") {
			t.Errorf("%s: %v, want the link refused by name", tc.name, err)
		}
		if b, _ := os.ReadFile(victim); string(b) != "keep\n" {
			t.Errorf("%s: the link's target now holds %q", tc.name, b)
		}
	}
}

// TestPreviewMessageRefusesLink: a message file made a link while the
// preview runs (after NewWriter cleared the folder) is refused by name.
func TestPreviewMessageRefusesLink(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	victim := victimFile(t)
	link := filepath.Join(dir, report.EMLName(2, "ann@example.com"))
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	m := galleryTestMail{row: 2, key: "ann@example.com", fromAddr: "news@acme.example", toAddr: "ann@example.com",
		subject: "Digest", text: "Hello\r\n"}.message(t)
	if err := w.WriteMessage(context.Background(), m, nil); err == nil || !strings.Contains(err.Error(), link+" is a symbolic link") {
		t.Errorf("WriteMessage: %v, want the link refused by name", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep\n" {
		t.Errorf("the link's target now holds %q", b)
	}
}

// TestPreviewFolderLinkMissing: a preview folder that is a link whose
// target is missing (or a file) is refused naming the link and where it
// leads, not with mkdir's "file exists"; nothing is made at the target.
func TestPreviewFolderLinkMissing(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	victim := victimFile(t)
	for target, want := range map[string]string{
		filepath.Join(base, "gone", "preview"): "which does not exist: make that folder, or remove the link",
		victim:                                 "which is not a folder",
	} {
		link := filepath.Join(t.TempDir(), "preview")
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
		_, err := NewWriter(link)
		if err == nil || !strings.Contains(err.Error(), "preview: "+link+" is a symbolic link to "+target+", "+want) {
			t.Errorf("link to %s: %v, want %q", target, err, want)
		}
		if _, err := os.Stat(filepath.Join(base, "gone")); err == nil {
			t.Errorf("the link's target was made")
		}
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep\n" {
		t.Errorf("the link's target now holds %q", b)
	}
}
