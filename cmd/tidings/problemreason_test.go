package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProblemReasonForPeople: check and preview print a row's problem as
// its row, its column and what is wrong, the setting whose template
// failed named, and so do the preview's report.csv and gallery: they
// said `templates: to (…/c.yaml:1): address: …` and `render:
// attachments[0]: …`, a package's name and a template's place in
// campaign.yaml, words for developers, which send's list of rows not
// sent already left out.
func TestProblemReasonForPeople(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":      campaignYAML(1, `attachments: ["files/{{.file}}"]`),
		"body.txt":    "Hello {{.name}}\n",
		"r.csv":       "email,name,file\nann@example.com,Ann,a.pdf\nnot-an-address,Bob,a.pdf\ncid@example.com,Cid,gone.pdf\n",
		"files/a.pdf": "%PDF-1.4\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	want := []string{
		`r.csv: row 3, column "email": to: address: "not-an-address": not an email address: it has no @`,
		`r.csv: row 4, column "file": attachment not readable: `,
	}
	for _, cmd := range []string{"check", "preview"} {
		out, errOut, code := runCLI(t, cmd, camp)
		for _, w := range want {
			if code != exitSomeFailed || !strings.Contains(out, w) {
				t.Errorf("%s: code %d, want %d and a problem line with\n%s\n%s%s", cmd, code, exitSomeFailed, w, out, errOut)
			}
		}
		for _, dev := range []string{"templates:", "render:", "attachments[0]", "c.yaml:"} {
			if strings.Contains(out, dev) {
				t.Errorf("%s says %q, words for developers:\n%s", cmd, dev, out)
			}
		}
	}
	var written []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && (d.Name() == "report.csv" || d.Name() == "rows-0001.js") {
			written = append(written, p)
		}
		return nil
	})
	if len(written) != 2 {
		t.Fatalf("preview wrote %q, want its report.csv and the gallery's rows-0001.js", written)
	}
	for _, p := range written {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s := strings.NewReplacer(`""`, `"`, `\"`, `"`).Replace(string(b))
		for _, w := range want {
			if !strings.Contains(s, w) {
				t.Errorf("%s lacks %q:\n%s", p, w, b)
			}
		}
		if strings.Contains(s, "templates:") || strings.Contains(s, "render:") {
			t.Errorf("%s has words for developers:\n%s", p, b)
		}
	}
}
