package render

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAttachmentClimbColumn: a ".." that a function makes of a cell (a
// Windows path `..\secret.pdf` turned into ../secret.pdf by replace) is
// refused, naming the column it came from, as one written in the cell is.
func TestAttachmentClimbColumn(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "camp")
	if err := os.MkdirAll(filepath.Join(dir, "invoices"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"body.txt": "Hi\n", "invoices/1.pdf": "%PDF 1", "../secret.pdf": "secret"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct{ tmpl, file string }{
		{`['{{.file | replace "\\" "/"}}']`, `..\secret.pdf`},
		{`['{{.folder}}/{{.file | replace "\\" "/"}}']`, `..\..\secret.pdf`},
	} {
		r := loadRenderer(t, dir, yamlWith(map[string]string{"attachments": tt.tmpl}), "email", "folder", "file")
		_, err := r.Render(row(5, "email", "k@example.com", "folder", "invoices", "file", tt.file))
		if !errors.Is(err, ErrAttachmentPath) || !strings.Contains(err.Error(), "climbs a folder") {
			t.Fatalf("%s with %s: got %v, want a climb refused", tt.tmpl, tt.file, err)
		}
		if re := rowErr(t, err); re.Column != "file" || re.Row != 5 {
			t.Errorf("%s with %s: row %d column %q, want row 5 column file: %v", tt.tmpl, tt.file, re.Row, re.Column, err)
		}
	}
}

// TestAttachmentOutsideQuoted: a path refused for leaving the campaign
// folder is quoted as the sheet has it, its backslashes single
// ("..\secret.pdf", not "..\\secret.pdf"), as a missing file's is.
func TestAttachmentOutsideQuoted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "camp")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "body.txt"), []byte("Hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := loadRenderer(t, dir, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), "email", "file")
	_, err := r.Render(row(3, "email", "k@example.com", "file", `..\secret.pdf`))
	if !errors.Is(err, ErrAttachmentPath) || !strings.Contains(err.Error(), `"..\secret.pdf" is outside`) {
		t.Errorf(`got %v, want "..\secret.pdf" is outside`, err)
	}
}

// TestAttachmentClimbAdvice: a ticket's path "../private/x.pdf" was told
// only that a path from row data "stays below the folder the campaign
// names" (rev-user17); the refusal names that folder and what to write:
// the file put there, its path from there, or attachments_dir.
func TestAttachmentClimbAdvice(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "camp")
	for _, d := range []string{dir, filepath.Join(dir, "../private")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range map[string]string{"body.txt": "Hi\n", "../private/x.pdf": "%PDF"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := loadRenderer(t, dir, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), "email", "file")
	_, err := r.Render(row(40, "email", "k@example.com", "file", "../private/x.pdf"))
	want := `"../private/x.pdf" climbs a folder with ".." from the sheet: a path made from row data stays in the campaign's folder, ` + dir + `: put the file there, or in a folder in it, and write its path from there (x.pdf); or set attachments_dir: to an absolute folder that holds it`
	if re := rowErr(t, err); !errors.Is(err, ErrAttachmentPath) || re.Column != "file" || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want ErrAttachmentPath for column file with %q", err, want)
	}
}
