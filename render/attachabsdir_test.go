package render

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestAttachmentAbsoluteFolderWritten: an attachment template that writes
// an absolute folder before the row's value ('/srv/invoices/{{.no}}.pdf')
// without attachments_dir naming it would refuse every row the same way;
// it is one error of the template at its line, naming the attachments_dir
// to set, and with that set the rows attach their files.
func TestAttachmentAbsoluteFolderWritten(t *testing.T) {
	docs := filepath.Join(t.TempDir(), "Treasurer Docs", "Invoices")
	if err := os.MkdirAll(docs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(docs, "7.pdf"), []byte("%PDF 7"), 0o644); err != nil {
		t.Fatal(err)
	}
	atts := `['` + docs + `/{{.no}}.pdf']`
	_, err := trySetup(t, yamlWith(map[string]string{"attachments": atts}), bodyFile, []string{"email", "no"})
	var fe *campaign.FileError
	want := "attachments_dir: " + docs
	if !errors.As(err, &fe) || fe.Line == 0 || !strings.Contains(err.Error(), want) || !errors.Is(err, ErrAttachmentPath) {
		t.Errorf("got %v, want an error of the template at its line saying %s", err, want)
	}
	e, err := trySetup(t, yamlWith(map[string]string{"attachments": atts, "attachments_dir": `'` + docs + `'`}), bodyFile, []string{"email", "no"})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := e.r.Render(row(2, "email", "k@example.com", "no", "7")); err != nil || len(m.Attachments) != 1 {
		t.Errorf("with attachments_dir set: %v", err)
	}
}
