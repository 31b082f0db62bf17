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
// rendered as far as their To and rows that did not alike.
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
}
