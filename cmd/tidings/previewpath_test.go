package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPreviewReportSheetPath: preview's report.csv named the sheet of a
// row with a problem by its absolute path ("/home/ann/news/r.csv: row
// 3, …") where its problem line, and every other output, names it as the
// user did, relative to the working folder (displayPath): rows that
// rendered as far as their To and rows that did not alike. A row's
// problem names the setting whose template failed ("to: …"), not the
// campaign file by its absolute path (report.Reason), in check's lines
// too; a whole file's problem names the file ("news/bad.yaml:4:
// templates: …").
func TestPreviewReportSheetPath(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, filepath.Join(dir, "news"), map[string]string{
		"c.yaml":      campaignYAML(25, `attachments: ["files/{{.file}}"]`),
		"body.txt":    "Hi {{.name}}\n",
		"r.csv":       "email,name,file\nann@example.com,Ann,a.pdf\nnot-an-address,Bob,a.pdf\ncy@example.com,Cy,gone.pdf\n",
		"files/a.pdf": "%PDF-1.4\n",
	})
	t.Chdir(dir)
	out, errOut, code := runCLI(t, "preview", filepath.Join("news", "c.yaml"))
	if code != exitSomeFailed {
		t.Fatalf("preview: code %d\n%s%s", code, out, errOut)
	}
	b, err := os.ReadFile(filepath.Join("news", ".tidings", "t", "preview", "report.csv"))
	if err != nil {
		t.Fatal(err)
	}
	report := string(b)
	for _, row := range []string{"3", "4"} {
		want := filepath.Join("news", "r.csv") + ": row " + row + ","
		if !strings.Contains(report, ","+`"`+want) && !strings.Contains(report, ","+want) {
			t.Errorf("report.csv does not name row %s's sheet %q:\n%s", row, want, report)
		}
		if !strings.Contains(out, "problem: "+want) {
			t.Errorf("the problem line of row %s does not name the sheet %q:\n%s", row, want, out)
		}
	}
	if strings.Contains(report, filepath.Join(dir, "news", "r.csv")) {
		t.Errorf("report.csv names the sheet by its absolute path:\n%s", report)
	}
	// Row 3's problem names the setting whose template failed, not the
	// campaign file, "to (/home/ann/news/c.yaml:3)".
	place := "email\"\": to: address: "
	abs := filepath.Join(dir, "news", "c.yaml")
	if !strings.Contains(report, place) || !strings.Contains(out, `email": to: address: `) || strings.Contains(report+out, abs) {
		t.Errorf("row 3's problem does not name the campaign file %q, or names it %q:\n%s\n%s", place, abs, out, report)
	}
	out, errOut, code = runCLI(t, "check", filepath.Join("news", "c.yaml"))
	if code != exitSomeFailed || !strings.Contains(out, "problem: "+filepath.Join("news", "r.csv")+": row 3, column \"email\": to: address: ") {
		t.Errorf("check: code %d, its problem line does not name the campaign file %q:\n%s%s", code, place, out, errOut)
	}
	// A whole file's problem (a template naming no column) too.
	writeFiles(t, filepath.Join(dir, "news"), map[string]string{"bad.yaml": campaignYAML(25, `subject: "Hello {{.nam}}"`)})
	_, errOut, code = runCLI(t, "check", filepath.Join("news", "bad.yaml"))
	if want := "tidings: " + filepath.Join("news", "bad.yaml") + ":4: templates: subject: "; code != exitUnusable || !strings.HasPrefix(errOut, want) {
		t.Errorf("check of a template naming no column: code %d, does not start %q:\n%s", code, want, errOut)
	}
}
