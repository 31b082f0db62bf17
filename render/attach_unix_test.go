//go:build unix

package render

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestAttachmentFIFO: a named pipe where an attachment should be is
// refused as not a regular file; opening it does not wait for a writer.
func TestAttachmentFIFO(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), map[string]string{"body.txt": "Hi\n"}, []string{"email", "file"})
	if err := syscall.Mkfifo(filepath.Join(e.dir, "pipe.pdf"), 0o600); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	_, err := e.r.Render(row(2, "email", "k@example.com", "file", "pipe.pdf"))
	if err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("Render: %v, want not a regular file", err)
	}
}

// TestAttachmentOwnFileHardLink: a hard link in the attachment folder to
// one of the campaign's own files (a DKIM key, the sheet, a journal in a
// state folder) is that file under another name: a path from row data
// may not attach it, as it may
// not attach the file by its own name or by a symlink. A constant path
// may; so may a path from data to a file linked to nothing of the
// campaign's.
func TestAttachmentOwnFileHardLink(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{"body.txt": "Hi\n", "people.csv": "email,file\n", "keys/rsa.key": "-----BEGIN PRIVATE KEY-----", "files/ok.pdf": "%PDF",
		".tidings/other/journal.jsonl": `{"type":"run"}`} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for link, target := range map[string]string{"files/key.pdf": "keys/rsa.key", "files/sheet.pdf": "people.csv", "files/ok-too.pdf": "files/ok.pdf",
		"files/journal.pdf": ".tidings/other/journal.jsonl"} {
		if err := os.Link(filepath.Join(dir, target), filepath.Join(dir, link)); err != nil {
			t.Skipf("no hard links here: %v", err)
		}
	}
	r := loadRenderer(t, dir, yamlWith(map[string]string{"attachments": `["{{.file}}", "files/key.pdf"]`,
		"dkim": "{domain: acme.example, selector: s1, key_file: keys/rsa.key}"}), "email", "file")
	for file, words := range map[string]string{"files/key.pdf": "a DKIM private key", "files/sheet.pdf": "the recipient sheet", "files/journal.pdf": "is a file in the campaigns' state folder"} {
		_, err := r.Render(row(2, "email", "k@example.com", "file", file))
		if !errors.Is(err, ErrAttachmentPath) || !strings.Contains(err.Error(), words) {
			t.Errorf("%s: got %v, want ErrAttachmentPath saying %q", file, err, words)
		}
		if err != nil && strings.Contains(err.Error(), "leaves the attachment folder") {
			t.Errorf("%s: got %v, which the path does not (it stays in the folder)", file, err)
		}
	}
	if m, err := r.Render(row(2, "email", "k@example.com", "file", "files/ok-too.pdf")); err != nil || len(m.Attachments) != 2 {
		t.Errorf("a hard link to another attachment, and the key by a constant path: %v", err)
	}
}
