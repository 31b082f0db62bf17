package templates

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestAttachmentBackslashPath: an attachment template whose own text
// separates folders with Windows' backslash is an error at its line of
// the campaign file, with the template written with /, not a missing
// file in every row blamed on the column it prints.
func TestAttachmentBackslashPath(t *testing.T) {
	cols := []string{"email", "name", "nr"}
	for _, tt := range []struct{ line, want string }{
		{`attachments: ['invoices\2024\{{.nr}}.pdf']`, `templates: attachments[0]: a \ separates no folders here: write / between folders: invoices/2024/{{.nr}}.pdf`},
		{"attachments:\n  - docs/AGB.pdf\n  - 'docs\\{{printf \"%s\" .nr}}.pdf'", `templates: attachments[1]: a \ separates no folders here: write / between folders: docs/{{printf "%s" .nr}}.pdf`},
	} {
		yaml := baseYAML + tt.line + "\n"
		c := load(t, yaml, map[string]string{"body.txt": "hi\n"})
		_, err := Compile(c, cols)
		var fe *campaign.FileError
		if !errors.Is(err, ErrBackslashPath) || !errors.As(err, &fe) || filepath.Base(fe.File) != "campaign.yaml" || fe.Line != strings.Count(yaml, "\n") {
			t.Fatalf("%s: Compile: %v, want ErrBackslashPath at its line", tt.line, err)
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("message\n %v\nlacks\n %s", err, tt.want)
		}
	}
	// A path with / compiles; a backslash from the sheet is the row's.
	c := load(t, baseYAML+"attachments: ['invoices/{{.nr}}.pdf']\n", map[string]string{"body.txt": "hi\n"})
	if _, err := Compile(c, cols); err != nil {
		t.Errorf("invoices/{{.nr}}.pdf: %v", err)
	}
}
