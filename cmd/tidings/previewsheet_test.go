package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// previewSheetWords are the warnings about the whole sheet the preview
// gallery's rows.js carries (its "sheet").
func previewSheetWords(t *testing.T, dir string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "gallery", "rows.js"))
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Sheet  []string `json:"sheet"`
		Warned int      `json:"warned"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSuffix(strings.TrimPrefix(string(b), "tidings.meta("), ");\n")), &meta); err != nil {
		t.Fatalf("gallery/rows.js is not tidings.meta({...}): %v\n%s", err, b)
	}
	return meta.Sheet
}

// TestPreviewSheetWarningsGallery: the warnings preview prints about the
// whole sheet (the rows recipients.only_blank left out, a column blank
// in every row, one blank in some) reach the gallery's rows.js once, as
// printed; the column blank in every row is no longer each row's own
// warning (every row of 100,000 repeated its 220 characters), while the
// row whose Vorname is blank keeps that one of its own.
func TestPreviewSheetWarningsGallery(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(1, `subject: "Hallo {{.Vorname}} {{.Titel}}"`, `recipients: {path: r.csv, only_blank: [abgemeldet]}`),
		"body.txt": "Guten Tag,\n",
		"r.csv": "email,name,Vorname,Titel,abgemeldet\nuser000@example.com,Ann,Anna,,\nuser001@example.com,Bo,,,\n" +
			"user002@example.com,Cy,Carla,,ja\nuser003@example.com,Di,Dora,,\n",
	})
	pv := filepath.Join(dir, "pv")
	out, errOut, code := runCLI(t, "preview", "-o", pv, filepath.Join(dir, "c.yaml"))
	if code != exitOK {
		t.Fatalf("preview: %d\n%s%s", code, out, errOut)
	}
	var printed, columns []string // the sheet's, then the columns'
	for _, line := range strings.Split(out, "\n") {
		if s, ok := strings.CutPrefix(line, "warning: "); ok && strings.Contains(s, "r.csv: column ") {
			columns = append(columns, s)
		} else if ok && strings.Contains(s, "r.csv: ") {
			printed = append(printed, s)
		}
	}
	printed = append(printed, columns...)
	sheet := previewSheetWords(t, pv)
	if len(printed) != 3 || !slices.Equal(sheet, printed) {
		t.Errorf("the gallery's warnings about the sheet\n got %q\nwant those printed, 3 of them: %q\n%s", sheet, printed, out)
	}
	rows := previewWarnRows(t, pv)
	own := `column "Vorname" is empty in row 3, which the subject prints as it is (a reader sees "Hallo  …"): fill it in, or print it within {{if .Vorname}}…{{end}}`
	for _, row := range []int{2, 3, 5} {
		want := []string(nil)
		if row == 3 {
			want = []string{own}
		}
		if !slices.Equal(rows[row], want) {
			t.Errorf("row %d's warnings in the gallery\n got %q\nwant %q", row, rows[row], want)
		}
	}
}
