package templates

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestWordMergeFields: a Word merge field («Name», pasted from a merge
// document) naming a column is an error of the template at its line,
// with the action to write; guillemets around other text are text, and
// so are those French typography spaces from a column's name.
func TestWordMergeFields(t *testing.T) {
	cols := []string{"email", "name", "First Name"}
	for _, tt := range []struct {
		name, yaml, file, body string
		wantFile               string
		wantLine               int
		want                   string
	}{
		{"text", baseYAML, "body.txt", "Hallo,\n\nDear «Name», thank you.\n",
			"body.txt", 3, "templates: text: «Name»: a Word merge field, which Go templates send as it is; write {{.name}}"},
		{"not an identifier", baseYAML, "body.txt", "«First Name»\n",
			"body.txt", 1, `write {{.First_Name}} (or {{index . "First Name"}})`},
		{"html", strings.Replace(baseYAML, "text: body.txt", "html: body.html", 1), "body.html", "<p>\nHi «first_name»</p>\n",
			"body.html", 2, "templates: html: «first_name»: a Word merge field"},
		{"subject", strings.Replace(baseYAML, `"Hello {{.name}}"`, `"Invoice for «name»"`, 1), "body.txt", "hi\n",
			"campaign.yaml", 3, "templates: subject: «name»: a Word merge field"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := load(t, tt.yaml, map[string]string{tt.file: tt.body, "body.txt": "hi\n"})
			_, err := Compile(c, cols)
			var fe *campaign.FileError
			if !errors.Is(err, ErrMergeField) || !errors.As(err, &fe) {
				t.Fatalf("Compile: %v, want ErrMergeField", err)
			}
			if filepath.Base(fe.File) != tt.wantFile || fe.Line != tt.wantLine {
				t.Errorf("at %s:%d, want %s:%d (%v)", filepath.Base(fe.File), fe.Line, tt.wantFile, tt.wantLine, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("message\n %v\nlacks\n %s", err, tt.want)
			}
		})
	}
	// A quotation in guillemets, and a value from the sheet, are sent.
	for _, body := range []string{"Il a dit «Bonjour» et «au revoir».\n", "{{.name}}\n", `{{"«name»"}}`,
		"Écrivez votre « name » ici.\n", "Le champ «\u00a0Name\u00a0» et «\u202fFirst Name\u202f».\n"} {
		if _, err := Compile(load(t, baseYAML, map[string]string{"body.txt": body}), cols); err != nil {
			t.Errorf("%q: %v, want no error", body, err)
		}
	}
}
