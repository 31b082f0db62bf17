package preview

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tidings/tidings/render/chromium"
)

// galleryPagingFixture writes the list of n synthetic rows
// (gallerySyntheticRows), every third with a warning of its own, and the
// message scripts of the rows given (sheet numbers), and returns the
// folder.
func galleryPagingFixture(t *testing.T, n int, messages ...int) string {
	t.Helper()
	dir := t.TempDir()
	rows := gallerySyntheticRows(n)
	for i := range rows {
		if i%3 == 0 {
			rows[i].Warnings = []string{fmt.Sprintf(`column "ticket", an attachment's path, is empty in row %d`, rows[i].Row)}
		}
	}
	if err := writeGallery(dir, slices.Values(rows)); err != nil {
		t.Fatal(err)
	}
	for _, row := range append([]int{2}, messages...) { // the page opens row 2
		r := rows[row-2]
		if err := writeGalleryMessage(dir, r.File, []byte("Subject: "+r.Subject+"\r\n\r\nHello\r\n")); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// galleryPage is the pager's words and the sheet number of the open row
// when the list shows it in view ("" when it does not).
func galleryPage(ctx *testing.T, b *chromium.Browser) (info, open string) {
	ctx.Helper()
	got := chromium.Get(ctx, b, "the page", chromedp.Evaluate[[]string](`(function () {
		var cur = document.querySelector('#rows .selected'), open = '';
		if (cur) {
			var box = document.getElementById('rows').getBoundingClientRect(), r = cur.getBoundingClientRect();
			if (r.top >= box.top - 1 && r.bottom <= box.bottom + 1) { open = cur.querySelector('.row-num').textContent; }
		}
		return [document.getElementById('page-info').textContent, open];
	})()`))
	return got[0], got[1]
}

// TestGalleryFilterKeepsPlace: a user on page 13 of 3,000 rows with row
// 1,250 open who turns the Warnings filter on sees that row where the
// filter put it, and turning it off brings them back to page 13 with the
// row open and in view; so does a search typed and cleared, and a status
// filter chosen and set back to All. Each went back to page 1 (rows
// 1–100), the open row out of sight.
func TestGalleryFilterKeepsPlace(t *testing.T) {
	t.Parallel()
	dir := galleryPagingFixture(t, 3000, 1250)
	b := chromium.Start(t, 90*time.Second, 1400, 900)
	b.Do(t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	for range 12 {
		b.Do(t, "next page", chromedp.Click(chromedp.ID("next")))
	}
	b.Do(t, "open row 1250", chromedp.Click(chromedp.CSS(`#rows .row-btn[data-idx="1248"]`)),
		chromedp.Poll[chromedp.Void](`document.getElementById('message').dataset.loaded.indexOf('001250-') === 0`))
	const page13 = "1,201–1,300 of 3,000"
	if info, open := galleryPage(t, b); info != page13 || open != "1250" {
		t.Fatalf("before any filter: %q, row %q open in view; want %q and 1250", info, open, page13)
	}

	// Row 1250 (the 1,249th) is the 417th of the 1,000 with warnings:
	// page 5 of the filtered list.
	b.Do(t, "Warnings on", chromedp.Click(chromedp.ID("warn-filter")))
	if info, open := galleryPage(t, b); info != "401–500 of 1,000" || open != "1250" {
		t.Errorf("Warnings on: %q, row %q open in view; want 401–500 of 1,000 and row 1250", info, open)
	}
	b.Do(t, "Warnings off", chromedp.Click(chromedp.ID("warn-filter")))
	if info, open := galleryPage(t, b); info != page13 || open != "1250" {
		t.Errorf("Warnings off again: %q, row %q open in view; want %q and row 1250", info, open, page13)
	}

	b.Do(t, "status Invalid", chromedp.Click(chromedp.CSS(`#status-filter [data-status=invalid]`)))
	if info, _ := galleryPage(t, b); info != "1–60 of 60" {
		t.Errorf("Invalid, which row 1250 is not: %q, want 1–60 of 60", info)
	}
	b.Do(t, "status All", chromedp.Click(chromedp.CSS(`#status-filter [data-status=all]`)))
	if info, open := galleryPage(t, b); info != page13 || open != "1250" {
		t.Errorf("All again: %q, row %q open in view; want %q and row 1250", info, open, page13)
	}

	b.Do(t, "search", chromedp.SendKeys(chromedp.ID("search"), "digest"),
		chromedp.Poll[chromedp.Void](`document.getElementById('list-status').textContent === '2,940 rows match'`))
	b.Do(t, "clear the search", chromedp.Focus(chromedp.ID("search")), chromedp.KeyEvent(kb.End))
	for range len("digest") {
		b.Do(t, "backspace", chromedp.KeyEvent(kb.Backspace))
	}
	b.Do(t, "the whole list", chromedp.Poll[chromedp.Void](`document.getElementById('list-status').textContent === 'All 3,000 rows listed'`))
	if info, open := galleryPage(t, b); info != page13 || open != "1250" {
		t.Errorf("search cleared: %q, row %q open in view; want %q and row 1250", info, open, page13)
	}
	for _, p := range b.Problems() {
		t.Errorf("browser reported %s", p)
	}
}
