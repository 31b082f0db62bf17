package preview

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
	"github.com/tidings/tidings/sendpool"
)

// galleryWarnHostile is a warning quoting a sheet's cell (a column's name
// in its header) that would run a script were it ever parsed as HTML.
const galleryWarnHostile = `column "<img src=x onerror=window.__pwned=1>" is empty in row 3, which the subject prints as it is (a reader sees "Hallo ,"): fill it in, or print it within {{if .x}}…{{end}}`

// galleryWarnFixture writes a preview of four rows: 2 without warnings,
// 3 with two (the first quoting a hostile cell), 4 past --limit with one
// (no message), 5 a duplicate without.
func galleryWarnFixture(t *testing.T) (dir string, warns map[int][]string) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "preview")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	mail := func(row int, key string) galleryTestMail {
		return galleryTestMail{row: row, key: key, fromAddr: "news@acme.example", toName: "Reader", toAddr: key,
			subject: "Hallo ,", text: "Hallo ,\r\n", html: "<p>Hallo ,</p>"}
	}
	warns = map[int][]string{
		3: {galleryWarnHostile, `column "ticket", an attachment's path, is empty in row 3: its message goes without the file; fill it in, or write the path as {{if .ticket}}{{.ticket}}{{end}} for rows that have none on purpose`},
		4: {`column "Vorname" is empty in row 4, which the subject prints as it is (a reader sees "Hallo ,"): fill it in, or print it within {{if .Vorname}}…{{end}}`},
	}
	ctx := context.Background()
	for _, row := range []int{2, 3} {
		if err := w.WriteMessage(ctx, mail(row, "r"+string(rune('0'+row))+"@example.com").message(t), warns[row]); err != nil {
			t.Fatal(err)
		}
	}
	w.Skipped(mail(4, "r4@example.com").message(t), sendpool.StatusNotAttempted, "no .eml: past --limit 2", warns[4])
	w.Skipped(mail(5, "R2@example.com").message(t), sendpool.StatusDuplicate, "duplicate of row 2", nil)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, warns
}

// galleryChunkWarnings reads dir's gallery/rows-0001.js, tidings.rows(1,
// ROWS, WORDS): its rows, each with its warnings (Warnings from WarnAt),
// and its words.
func galleryChunkWarnings(t *testing.T, dir string) ([]galleryRow, []string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "gallery", "rows-0001.js"))
	if err != nil {
		t.Fatal(err)
	}
	args := "[" + strings.TrimSuffix(strings.TrimPrefix(string(b), "tidings.rows("), ");\n") + "]"
	var call []json.RawMessage
	var rows []galleryRow
	var words []string
	if err := json.Unmarshal([]byte(args), &call); err != nil || len(call) != 3 {
		t.Fatalf("rows-0001.js is not tidings.rows(1, ROWS, WORDS): %v\n%.300s", err, b)
	}
	if err := json.Unmarshal(call[1], &rows); err != nil {
		t.Fatalf("rows-0001.js's rows: %v\n%.300s", err, b)
	}
	if err := json.Unmarshal(call[2], &words); err != nil {
		t.Fatalf("rows-0001.js's words: %v\n%.300s", err, b)
	}
	for i, r := range rows {
		for _, k := range r.WarnAt {
			if k < 0 || k >= len(words) {
				t.Fatalf("row %d names warning %d of %d", r.Row, k, len(words))
			}
			rows[i].Warnings = append(rows[i].Warnings, words[k])
		}
	}
	return rows, words
}

// TestPreviewRowWarnings: the warnings given with a row reach the
// gallery's data as given, in the row's list entry, and rows.js counts
// the rows with any; report.csv keeps its columns.
func TestPreviewRowWarnings(t *testing.T) {
	t.Parallel()
	dir, warns := galleryWarnFixture(t)
	rows, _ := galleryChunkWarnings(t, dir)
	if len(rows) != 4 {
		t.Fatalf("rows-0001.js lists %d rows, want 4", len(rows))
	}
	for _, r := range rows {
		if !slices.Equal(r.Warnings, warns[r.Row]) {
			t.Errorf("row %d's warnings in the gallery's data: %q, want %q", r.Row, r.Warnings, warns[r.Row])
		}
	}
	meta, err := os.ReadFile(filepath.Join(dir, "gallery", "rows.js"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(meta), `"warned":2,`) {
		t.Errorf("rows.js = %s, want 2 rows with warnings", meta)
	}
	head, err := os.ReadFile(filepath.Join(dir, "report.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(head), "row,key,to,subject,status,problem\n") {
		t.Errorf("report.csv's columns changed:\n%s", head)
	}
}

// TestGalleryWarnings: in Chromium, a row with warnings has a badge in
// the list (their number), its message shows their words whole, as text
// (a cell quoted in one runs nothing), also a row listed without a
// message; the Warnings filter, counted, lists those rows only, beside a
// status filter too, and says it is on (aria-pressed).
func TestGalleryWarnings(t *testing.T) {
	t.Parallel()
	dir, warns := galleryWarnFixture(t)
	ctx, problems := galleryNewBrowser(t, 60*time.Second)
	galleryDo(ctx, t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	str := func(what, js string) string { return galleryRun(ctx, t, what, chromedp.Evaluate[string](js)) }
	const listed = `Array.from(document.querySelectorAll('#rows > li')).map(function (li) {
		var b = li.querySelector('.badge.warn'); return li.querySelector('.row-num').textContent + (b ? ':' + b.textContent : ''); }).join(' ')`
	if got := str("list", listed); got != "2 3:2 warnings 4:warning 5" {
		t.Errorf("the list with its warning badges: %q, want \"2 3:2 warnings 4:warning 5\"", got)
	}
	if got := str("filter", `document.getElementById('warn-filter').textContent.replace(/\s+/g, ' ').trim() + ' ' + document.getElementById('warn-filter').getAttribute('aria-pressed')`); got != "Warnings 2 false" {
		t.Errorf("the Warnings filter: %q, want \"Warnings 2 false\"", got)
	}
	const words = `Array.from(document.querySelectorAll('#ID li')).map(function (li) { return li.textContent; }).join('\n')`
	galleryOpenRow(ctx, t, 3, true)
	if got := str("row 3's warnings", strings.Replace(words, "ID", "m-warnings", 1)); got != strings.Join(warns[3], "\n") {
		t.Errorf("row 3's message shows the warnings\n%s\nwant\n%s", got, strings.Join(warns[3], "\n"))
	}
	if got := str("as text", `String(document.querySelectorAll('#m-warnings img').length) + ' ' + String(window.__pwned)`); got != "0 undefined" {
		t.Errorf("a warning quoting a hostile cell: images in the warnings and window.__pwned: %s, want none and undefined", got)
	}
	chromium.SaveScreenshot(t, "gallery-warnings.png", galleryRun(ctx, t, "screenshot", chromedp.FullScreenshot(100)))
	galleryOpenRow(ctx, t, 4, false)
	if got := str("row 4's warnings", strings.Replace(words, "ID", "iv-warnings", 1)); got != warns[4][0] {
		t.Errorf("row 4 (no message) shows the warnings %q, want %q", got, warns[4][0])
	}
	galleryOpenRow(ctx, t, 2, true)
	if got := str("row 2", `document.getElementById('m-warnings').hidden + ' ' + document.getElementById('m-warnings').childElementCount`); got != "true 0" {
		t.Errorf("row 2, without warnings: #m-warnings hidden and its items: %s, want true 0", got)
	}

	galleryDo(ctx, t, "Warnings on", chromedp.Click(chromedp.ID("warn-filter")))
	if got := str("filtered", listed+` + ' | ' + document.getElementById('list-status').textContent + ' | ' + document.getElementById('warn-filter').getAttribute('aria-pressed')`); got != "3:2 warnings 4:warning | 2 rows match | true" {
		t.Errorf("with Warnings on: %q, want rows 3 and 4, said so, the button pressed", got)
	}
	galleryDo(ctx, t, "and OK", chromedp.Click(chromedp.CSS(`#status-filter [data-status=ok]`)))
	if got := str("filtered ok", listed); got != "3:2 warnings" {
		t.Errorf("with Warnings and OK on: %q, want row 3 only", got)
	}
	galleryDo(ctx, t, "All", chromedp.Click(chromedp.CSS(`#status-filter [data-status=all]`)),
		chromedp.Click(chromedp.ID("warn-filter")))
	if got := str("unfiltered", listed); got != "2 3:2 warnings 4:warning 5" {
		t.Errorf("with Warnings off again: %q, want every row", got)
	}
	if got := str("pwned", `String(window.__pwned)`); got != "undefined" {
		t.Errorf("window.__pwned = %s", got)
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestGalleryWarningsLeftToRight: a warning is tidings' words, an English
// sentence, whatever cell it quotes first: one that begins with an
// address in Arabic letters (a domain without a dot) was laid out right
// to left, its bullet on the right and the address torn from its domain
// across the line ("… takes mail@داود" for "داود@مثال: the domain …"). Each
// warning reads left to right, still isolated from the page around it.
func TestGalleryWarningsLeftToRight(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "preview")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	const words = `داود@مثال: the domain "مثال" has no dot, so no mail server on the Internet takes mail for it (a dot, or an ending such as .com, left out?)`
	m := galleryTestMail{row: 2, key: "k2", fromAddr: "news@acme.example", toName: "Reader", toAddr: "r2@example.com",
		subject: "Hallo", text: "Hallo\r\n"}
	if err := w.WriteMessage(context.Background(), m.message(t), []string{words}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, problems := galleryNewBrowser(t, 60*time.Second)
	galleryDo(ctx, t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	galleryOpenRow(ctx, t, 2, true)
	const laid = `(function () { var li = document.querySelector('#m-warnings li');
		return li.textContent === ` + "`" + words + "`" + ` ? getComputedStyle(li).direction + ' ' + getComputedStyle(li).unicodeBidi : 'words: ' + li.textContent; })()`
	if got := galleryRun(ctx, t, "the warning's direction", chromedp.Evaluate[string](laid)); got != "ltr isolate" {
		t.Errorf("the warning beginning with an Arabic address is laid out %q, want \"ltr isolate\"", got)
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestGalleryWarningsOnce: a warning every row has (a body without the
// row's unsubscribe link, from a constant template) was written with
// each row of the list, most of its size for a campaign of 100,000 rows,
// and the page held a copy a row for its search. A chunk writes each of
// its warnings once, its rows naming them; the page shows each row its
// own, and a search finds the rows by their words.
func TestGalleryWarningsOnce(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "preview")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	const (
		shared = `the HTML body has no link to the unsubscribe URL List-Unsubscribe gives (unsubscribe.url); write <a href="https://example.com/u?id={{.id}}">Unsubscribe</a> in the HTML body`
		own    = `column "Vorname" is empty in row 3, which the subject prints as it is (a reader sees "Hallo ,"): fill it in, or print it within {{if .Vorname}}…{{end}}`
	)
	warns := map[int][]string{2: {shared}, 3: {own, shared}, 4: {shared}}
	for _, row := range []int{2, 3, 4} {
		m := galleryTestMail{row: row, key: fmt.Sprintf("r%d@example.com", row), fromAddr: "news@acme.example", toAddr: fmt.Sprintf("r%d@example.com", row),
			subject: "Hallo", text: "Hallo\r\n", html: "<p>Hallo</p>"}
		if err := w.WriteMessage(context.Background(), m.message(t), warns[row]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	rows, words := galleryChunkWarnings(t, dir)
	if !slices.Equal(words, []string{shared, own}) {
		t.Errorf("rows-0001.js's words: %q, want each warning once", words)
	}
	for _, r := range rows {
		if !slices.Equal(r.Warnings, warns[r.Row]) {
			t.Errorf("row %d's warnings: %q, want %q", r.Row, r.Warnings, warns[r.Row])
		}
	}

	ctx, problems := galleryNewBrowser(t, 60*time.Second)
	galleryDo(ctx, t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	str := func(what, js string) string { return galleryRun(ctx, t, what, chromedp.Evaluate[string](js)) }
	galleryOpenRow(ctx, t, 3, true)
	if got := str("row 3's warnings", `Array.from(document.querySelectorAll('#m-warnings li')).map(function (li) { return li.textContent; }).join('\n')`); got != own+"\n"+shared {
		t.Errorf("row 3's message shows\n%s\nwant\n%s\n%s", got, own, shared)
	}
	const listed = `Array.from(document.querySelectorAll('#rows .row-num')).map(function (e) { return e.textContent; }).join(' ')`
	for _, c := range []struct{ query, want string }{{"VORNAME", "3"}, {"unsubscribe.url", "2 3 4"}, {"vorname list-unsubscribe", "3"}, {"hallo", "2 3 4"}} {
		galleryDo(ctx, t, "search "+c.query, chromedp.SetValue(chromedp.ID("search"), c.query),
			chromedp.Evaluate[chromedp.Void](`document.getElementById('search').dispatchEvent(new Event('input'))`),
			chromedp.Poll[chromedp.Void](`document.getElementById('list-status').textContent !== '' && `+listed+` === `+strconv.Quote(c.want)))
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}
