//go:build unix

package render

import (
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
