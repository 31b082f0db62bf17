package preview

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/tidings/tidings/render"
)

// TestPreviewWroteKnowsEveryFile: every name a preview writes into a
// folder is one render.PreviewWrote knows (row data attaches none of
// them), and the folder's other files are not.
func TestPreviewWroteKnowsEveryFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, name := range []string{"c.yaml", "people.csv", "brochure.pdf"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("mine"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := galleryTestMail{row: 2, key: "ann@example.com", fromAddr: "news@acme.example", toName: "Ann",
		toAddr: "ann@example.com", subject: "Digest", text: "Hello\r\n"}
	if err := w.WriteMessage(context.Background(), m.message(t), nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		mine := e.Name() == "c.yaml" || e.Name() == "people.csv" || e.Name() == "brochure.pdf"
		if render.PreviewWrote(e.Name()) == mine {
			t.Errorf("render.PreviewWrote(%q) = %v", e.Name(), !mine)
		}
	}
	if len(entries) < 7 {
		t.Errorf("the preview wrote %d files, want its marker, a message, index.html, report.csv and gallery/", len(entries)-3)
	}
}
