package render

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAttachmentBlankPart: a path of several columns, {{.dir}}/{{.file}},
// whose file cell is empty made "tickets/", and its problem named the
// column dir, filled, whose value the path holds; it names file and says
// it is empty. A path that is not found with every column filled still
// names the column whose value it holds, and a blank column within an
// {{if}} that does not print is not blamed, nor one whose blank leaves
// no empty part in the path ({{.file}}{{.vip}}.pdf, vip blank in most
// rows: a file name mistyped; Template.Column names dir, its whole
// value in the path).
func TestAttachmentBlankPart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "camp")
	if err := os.MkdirAll(filepath.Join(dir, "tickets"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "body.txt"), []byte("Hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ tmpl, file, vip, col, says string }{
		{`["{{.dir}}/{{.file}}"]`, "", "", "file", `column "file" is empty in this row, so the path reads "tickets/"; fill the cell in (attachment not readable: "tickets/" is a folder`},
		{`["{{.dir}}/{{.file}}.pdf"]`, " ", "", "file", `column "file" is empty in this row, so the path reads "tickets/ .pdf"; fill the cell in`},
		{`["{{.dir}}/{{.file}}"]`, "x-991.pdf", "", "file", `"tickets/x-991.pdf"`},
		{`["{{.dir}}/{{if .vip}}vip-{{.vip}}-{{end}}{{.file}}"]`, "x-991.pdf", "", "file", `"tickets/x-991.pdf"`},
		{`["{{.dir}}/{{.file}}{{.vip}}.pdf"]`, "x-991", "", "dir", `"tickets/x-991.pdf": no such file`},
	} {
		r := loadRenderer(t, dir, yamlWith(map[string]string{"attachments": tt.tmpl}), "email", "dir", "file", "vip")
		_, err := r.Render(row(7, "email", "k@example.com", "dir", "tickets", "file", tt.file, "vip", tt.vip))
		if !errors.Is(err, ErrAttachment) || !strings.Contains(err.Error(), tt.says) {
			t.Fatalf("%s with file %q: got %v, want %q", tt.tmpl, tt.file, err, tt.says)
		}
		if re := rowErr(t, err); re.Column != tt.col || re.Row != 7 {
			t.Errorf("%s with file %q: row %d column %q, want row 7 column %s: %v", tt.tmpl, tt.file, re.Row, re.Column, tt.col, err)
		}
		if tt.file != "" && strings.TrimSpace(tt.file) != "" && strings.Contains(err.Error(), "is empty in this row") {
			t.Errorf("%s with file %q: %v, want no column told empty", tt.tmpl, tt.file, err)
		}
	}
}
