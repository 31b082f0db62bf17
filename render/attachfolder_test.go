package render

import (
	"errors"
	"os"
	"strings"
	"testing"
)

// TestAttachmentMissingFolder: a path whose folder is not there
// (Rechnung/ for the rechnungen/ that holds the files, written in the
// campaign's attachments: every row's problem) says which folder is
// missing, first on the way; a missing file in a folder that is there,
// or one an earlier hint explains (another case, a space before a /),
// does not (rev-user11, a club's fee reminders).
func TestAttachmentMissingFolder(t *testing.T) {
	e := setup(t, yamlWith(map[string]string{"attachments": `["{{.file}}"]`}), map[string]string{
		"body.txt":                    "Hi\n",
		"rechnungen/Beitrag_1001.pdf": "%PDF 1001",
		"Invoices/2024/Invoice-7.PDF": "%PDF 7",
	}, []string{"email", "file"})
	for _, c := range []struct{ file, want string }{
		{"Rechnung/Beitrag_1001.pdf", `(the folder "Rechnung" is not there)`},
		{"rechnungen/2027/a/Beitrag_1001.pdf", `(the folder "rechnungen/2027" is not there)`},
		{"rechnungen/Beitrag_1002.pdf", ""},
		{"invoices/2024/invoice-7.pdf", ""},
		{"rechnungen /Beitrag_1001.pdf", ""},
	} {
		_, err := e.r.Render(row(2, "email", "k@example.com", "file", c.file))
		if !errors.Is(err, os.ErrNotExist) || rowErr(t, err).Column != "file" {
			t.Errorf("%s: %v, want a missing file in column file", c.file, err)
			continue
		}
		if c.want != "" && !strings.Contains(err.Error(), c.want) || c.want == "" && strings.Contains(err.Error(), "is not there") {
			t.Errorf("%s: %v\nwant %q", c.file, err, c.want)
		}
	}
}
