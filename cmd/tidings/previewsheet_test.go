package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
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

// TestPreviewSheetWarningsGalleryAfterSend: after a send that sent some
// rows (--limit 2), a column blank in every row preview sends now is
// told once above the gallery's list, not in each such row's words: the
// rows sent before have no warnings (render.Message.Unsent), and counted
// among the rows the column had to be blank in, they kept every other
// row's copy of the column's warning, as before the sheet's warnings
// had a place.
func TestPreviewSheetWarningsGalleryAfterSend(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 4, "")
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{
		"body.txt": "Guten Tag {{.Titel}},\n",
		"r.csv":    "email,name,Titel\nuser000@example.com,Ann,\nuser001@example.com,Bo,\nuser002@example.com,Cy,\nuser003@example.com,Di,\n",
	})
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "2", camp); code != exitSomeFailed {
		t.Fatalf("send --limit 2: %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	pv := filepath.Join(dir, "pv")
	out, errOut, code := runCLI(t, "preview", "-o", pv, camp)
	if code != exitOK {
		t.Fatalf("preview: %d\n%s%s", code, out, errOut)
	}
	const column = `r.csv: column "Titel" is empty in 2 rows (4, 5), which body.txt prints as it is`
	if sheet := previewSheetWords(t, pv); len(sheet) != 1 || !strings.Contains(sheet[0], column) {
		t.Errorf("the gallery's warnings about the sheet: %q, want one, %q…\n%s", sheet, column, out)
	}
	if rows := previewWarnRows(t, pv); len(rows) != 0 {
		t.Errorf("the gallery's rows' warnings: %v, want none: the column's is told above the list\n%s", rows, out)
	}
}
