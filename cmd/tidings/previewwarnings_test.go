package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
)

// previewWarnRows are the warnings each row of the preview gallery's data
// (gallery/rows-0001.js) carries, by sheet row.
func previewWarnRows(t *testing.T, dir string) map[int][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "gallery", "rows-0001.js"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		Row    int   `json:"r"`
		WarnAt []int `json:"wa"` // in words, the chunk's warnings each once
	}
	var words []string
	args := "[" + strings.TrimSuffix(strings.TrimPrefix(string(b), "tidings.rows("), ");\n") + "]"
	var call []json.RawMessage
	if err := json.Unmarshal([]byte(args), &call); err != nil || len(call) != 3 {
		t.Fatalf("gallery/rows-0001.js is not tidings.rows(1, ROWS, WORDS): %v\n%s", err, b)
	}
	if err := errors.Join(json.Unmarshal(call[1], &rows), json.Unmarshal(call[2], &words)); err != nil {
		t.Fatalf("gallery/rows-0001.js: %v\n%s", err, b)
	}
	out := map[int][]string{}
	for _, r := range rows {
		for _, k := range r.WarnAt {
			out[r.Row] = append(out[r.Row], words[k])
		}
	}
	return out
}

// TestPreviewWarningsRows: preview warned of a column printed blank, an
// attachment's path left blank, an address without a dot in its domain,
// naming the rows, but the gallery showed nothing of it with those rows
// (feat-gallerywarn). Each row's list entry carries its own warnings, in
// the words of preview's warning lines (the rows named "row N"), nothing
// for a row without, and report.csv keeps its columns.
func TestPreviewWarningsRows(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(1, `subject: "Beitrag 2026, {{.Vorname}}"`, `attachments: ["{{.ticket}}"]`),
		"body.txt": "Hallo {{.Vorname}},\n",
		"t1.pdf":   "%PDF-1.4 one\n",
		"r.csv": "email,name,Vorname,ticket\nuser000@example.com,Ann,Anna,t1.pdf\nuser001@example.com,Bo,,t1.pdf\n" +
			"user002@example.com,Cy,Carla,\nuser003@example.com,Di,,\ndora@example,Dora,Dora,t1.pdf\n",
	})
	pv := filepath.Join(dir, "pv")
	out, errOut, code := runCLI(t, "preview", "-o", pv, filepath.Join(dir, "c.yaml"))
	if code != exitOK {
		t.Fatalf("preview: %d\n%s%s", code, out, errOut)
	}
	blank := func(row string) string {
		return `column "Vorname" is empty in ` + row + `, which the subject and body.txt print as it is (a reader sees "Beitrag 2026,"): fill it in, or print it within {{if .Vorname}}…{{end}}`
	}
	ticket := func(row, those string) string {
		return `column "ticket", an attachment's path, is empty in ` + row + `: ` + those + ` without the file; fill it in, or write the path as {{if .ticket}}{{.ticket}}{{end}} for rows that have none on purpose`
	}
	const dotless = `dora@example: the domain "example" has no dot, so no mail server on the Internet takes mail for it (a dot, or an ending such as .com, left out?)`
	// The lines preview printed: the same words, of the rows together.
	for _, line := range []string{"r.csv: " + blank("2 rows (3, 5)"), "r.csv: " + ticket("2 rows (4, 5)", "their messages go"), "r.csv: row 6: " + dotless} {
		if strings.Count(out, line) != 1 {
			t.Errorf("preview printed no line\n%s\n%s%s", line, out, errOut)
		}
	}
	want := map[int][]string{
		3: {blank("row 3")},
		4: {ticket("row 4", "its message goes")},
		5: {blank("row 5"), ticket("row 5", "its message goes")},
		6: {dotless},
	}
	got := previewWarnRows(t, pv)
	for _, row := range []int{2, 3, 4, 5, 6} {
		if !slices.Equal(got[row], want[row]) {
			t.Errorf("row %d's warnings in the gallery\n got %q\nwant %q", row, got[row], want[row])
		}
	}
	if recs := readCSV(t, filepath.Join(pv, "report.csv")); strings.Join(recs[0], ",") != "row,key,to,subject,status,problem" {
		t.Errorf("preview's report.csv columns: %q", recs[0])
	}
}

// TestPreviewWarningsGallery: in the preview gallery, opened in Chromium,
// the row whose Vorname is blank, which the subject prints, has a warning
// badge in the list and its message shows the words preview printed for
// it; the Warnings filter, counting 1, lists that row alone.
func TestPreviewWarningsGallery(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(1, `subject: "Hallo {{.Vorname}}, Ihr Beitrag 2026"`),
		"body.txt": "Guten Tag,\n",
		"r.csv":    "email,name,Vorname\nuser000@example.com,Ann,Anna\nuser001@example.com,Bo,\nuser002@example.com,Cy,Carla\n",
	})
	pv := filepath.Join(dir, "pv")
	out, errOut, code := runCLI(t, "preview", "-o", pv, filepath.Join(dir, "c.yaml"))
	const words = `column "Vorname" is empty in row 3, which the subject prints as it is (a reader sees "Hallo , Ihr Beitrag 2026"): fill it in, or print it within {{if .Vorname}}…{{end}}`
	if code != exitOK || strings.Count(out, "r.csv: "+words+"\n") != 1 {
		t.Fatalf("preview: %d, want the line\n%s\n%s%s", code, words, out, errOut)
	}
	b := chromium.Start(t, 60*time.Second, 1400, 900)
	b.Do(t, "load index.html", chromedp.Navigate(chromium.FileURL(filepath.Join(pv, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	str := func(what, js string) string { return chromium.Get(t, b, what, chromedp.Evaluate[string](js)) }
	const listed = `Array.from(document.querySelectorAll('#rows > li')).map(function (li) {
		var w = li.querySelector('.badge.warn'); return li.querySelector('.row-num').textContent + (w ? ' ' + w.textContent : ''); }).join(', ')`
	if got := str("list", listed); got != "2, 3 warning, 4" {
		t.Errorf("the gallery's list: %q, want row 3 alone with a warning badge", got)
	}
	b.Do(t, "open row 3", chromedp.Click(`//ol[@id="rows"]//button[.//span[@class="row-num" and text()="3"]]`),
		chromedp.Poll[chromedp.Void](`(document.getElementById('message').dataset.loaded || '').startsWith('000003-')`))
	if got := str("row 3's warnings", `Array.from(document.querySelectorAll('#m-warnings li')).map(function (li) { return li.textContent; }).join('\n')`); got != words {
		t.Errorf("row 3's message shows the warnings\n%q\nwant\n%q", got, words)
	}
	b.Do(t, "Warnings", chromedp.Evaluate[chromedp.Void](`document.getElementById('warn-filter').click()`))
	if got := str("filtered", `document.getElementById('warn-filter').textContent.replace(/\s+/g, ' ').trim() + ': ' + `+listed); got != "Warnings 1: 3 warning" {
		t.Errorf("the Warnings filter: %q, want \"Warnings 1: 3 warning\"", got)
	}
	for _, p := range b.Problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestPreviewWarningsEveryKind: each kind of warning preview prints about
// a row (a subject over the length clients show, a dotless domain, a To
// shared under one_click, a column printed blank, an attachment's and an
// inline image's path left blank, a body without the unsubscribe link),
// here one row each, reaches that row in the gallery in the words of its
// line, and the gallery has no other: a kind the lines tell and the
// gallery not (messageWarnings.rowWarnings left behind) fails here.
func TestPreviewWarningsEveryKind(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	long := strings.Repeat("Anna", 50) // the subject, 206 characters, over render.SubjectWarnLength
	writeFiles(t, dir, map[string]string{
		"c.yaml": campaignYAML(1, `to: '{{.emails}}'`, `subject: "Hallo {{.Vorname}}"`, `html: body.html`, `attachments: ["{{.ticket}}"]`,
			`recipients: {path: r.csv, key: id}`, `unsubscribe: {url: "https://example.com/u?id={{.id}}", one_click: true}`),
		"body.txt":  "Hallo\nhttps://example.com/u?id={{.id}}\n",
		"body.html": `<p>Hallo</p><img src="cid:{{.qr}}" alt="QR">{{if .link}}<a href="https://example.com/u?id={{.id}}">Unsubscribe</a>{{end}}` + "\n",
		"t1.pdf":    "%PDF-1.4 one\n",
		"q.png":     ticketPNG("1"),
		"r.csv": "id,emails,Vorname,ticket,qr,link\n" +
			"1,a@example.com,Anna,t1.pdf,q.png,y\n" +
			"2,b@example.com,,t1.pdf,q.png,y\n" +
			"3,c@example.com,Anna,,q.png,y\n" +
			"4,d@example.com,Anna,t1.pdf,,y\n" +
			`5,"e@example.com, f@example.com",Anna,t1.pdf,q.png,y` + "\n" +
			"6,g@example.com,Anna,t1.pdf,q.png,\n" +
			"7,h@example,Anna,t1.pdf,q.png,y\n" +
			"8,i@example.com," + long + ",t1.pdf,q.png,y\n",
	})
	pv := filepath.Join(dir, "pv")
	out, errOut, code := runCLI(t, "preview", "-o", pv, filepath.Join(dir, "c.yaml"))
	if code != exitOK {
		t.Fatalf("preview: %d\n%s%s", code, out, errOut)
	}
	got := previewWarnRows(t, pv)
	leading := regexp.MustCompile(`^row (\d+): (.*)$`)
	within := regexp.MustCompile(`\bin row (\d+)\b`)
	lines := 0
	for line := range strings.Lines(out) {
		_, words, ok := strings.Cut(strings.TrimSuffix(line, "\n"), "r.csv: ")
		if !ok || !strings.HasPrefix(line, "warning: ") {
			continue
		}
		lines++
		var row string
		if m := leading.FindStringSubmatch(words); m != nil {
			row, words = m[1], m[2]
		} else if m := within.FindStringSubmatch(words); m != nil {
			row = m[1]
		} else {
			t.Errorf("a warning naming no single row: %s", line)
			continue
		}
		n, _ := strconv.Atoi(row)
		if !slices.Contains(got[n], words) {
			t.Errorf("row %s's warnings in the gallery %q lack the words of its line\n%s", row, got[n], words)
		}
	}
	shown := 0
	for _, w := range got {
		shown += len(w)
	}
	if lines != 7 || shown != lines {
		t.Errorf("preview printed %d warnings of a row (want 7, one a kind) and the gallery has %d\n%s%s", lines, shown, out, errOut)
	}
}

// TestPreviewWarningsPadded: a row whose printed cell has spaces at its
// ends has the padded-cell warning in the gallery, with what its own
// reader sees, while the line preview printed of the rows together shows
// the first row's.
func TestPreviewWarningsPadded(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(1, `subject: "Beitrag 2026"`),
		"body.txt": "Hallo {{.Vorname}}, willkommen.\n",
		"r.csv":    "email,name,Vorname\nuser000@example.com,Ann,Anna  \nuser001@example.com,Bo,Bo\nuser002@example.com,Cy, Carla\n",
	})
	pv := filepath.Join(dir, "pv")
	out, errOut, code := runCLI(t, "preview", "-o", pv, filepath.Join(dir, "c.yaml"))
	if code != exitOK {
		t.Fatalf("preview: %d\n%s%s", code, out, errOut)
	}
	padded := func(rows, seen string) string {
		return `column "Vorname" has spaces before or after its text in ` + rows + `, which body.txt prints as it is (a reader sees "` + seen + `"): take the spaces out of the cells, or print it as {{trim .Vorname}}`
	}
	if line := "r.csv: " + padded("2 rows (2, 4)", "Hallo Anna  , willkommen."); strings.Count(out+errOut, line) != 1 {
		t.Errorf("preview printed no line\n%s\n%s%s", line, out, errOut)
	}
	got := previewWarnRows(t, pv)
	want := map[int][]string{2: {padded("row 2", "Hallo Anna  , willkommen.")}, 4: {padded("row 4", "Hallo  Carla, willkommen.")}}
	for _, row := range []int{2, 3, 4} {
		if !slices.Equal(got[row], want[row]) {
			t.Errorf("row %d's warnings in the gallery\n got %q\nwant %q", row, got[row], want[row])
		}
	}
}
