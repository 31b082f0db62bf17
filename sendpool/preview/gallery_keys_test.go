package preview

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tidings/tidings/render/chromium"
)

// TestGalleryArrowAfterPaging: a keyboard's user who pages on with ›
// (row 2 open, on page 1), goes into the list (Tab) and presses ↓ opens
// the first row of the page they look at, page 3; ↓ went back to page 1
// and opened row 3, the page they had left.
func TestGalleryArrowAfterPaging(t *testing.T) {
	t.Parallel()
	dir := galleryPagingFixture(t, 300, 202)
	b := chromium.Start(t, 60*time.Second, 1400, 900)
	b.Do(t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready' && document.getElementById('message').dataset.loaded.indexOf('000002-') === 0`))
	b.Do(t, "› twice", chromedp.Focus(chromedp.ID("next")), chromedp.KeyEvent(kb.Enter), chromedp.KeyEvent(kb.Enter))
	if info, _ := galleryPage(t, b); info != "201–300 of 300" {
		t.Fatalf("after › twice: %q, want 201–300 of 300", info)
	}
	b.Do(t, "Tab into the list, ↓", chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.ArrowDown))
	if info, open := galleryPage(t, b); info != "201–300 of 300" || open != "202" {
		t.Errorf("↓ after paging: %q, row %q open in view; want 201–300 of 300 and row 202", info, open)
	}
	for _, p := range b.Problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestGalleryListOneTabStop: the list is one Tab stop, the open row's
// entry: from the › button, Tab reaches the open row (row 5, not the
// page's first), and the next Tab leaves the list for the message. Each
// of the page's 100 rows was a stop of its own.
func TestGalleryListOneTabStop(t *testing.T) {
	t.Parallel()
	dir := galleryPagingFixture(t, 300, 5)
	b := chromium.Start(t, 60*time.Second, 1400, 900)
	b.Do(t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	b.Do(t, "open row 5", chromedp.Click(chromedp.CSS(`#rows .row-btn[data-idx="3"]`)),
		chromedp.Poll[chromedp.Void](`document.getElementById('message').dataset.loaded.indexOf('000005-') === 0`))
	const focused = `(function () { var a = document.activeElement;
		return a.classList.contains('row-btn') ? 'row ' + a.querySelector('.row-num').textContent : a.id || a.dataset.tab || a.tagName; })()`
	b.Do(t, "Tab from ›", chromedp.Focus(chromedp.ID("next")), chromedp.KeyEvent(kb.Tab))
	if got := chromium.Get(t, b, "focus", chromedp.Evaluate[string](focused)); got != "row 5" {
		t.Errorf("Tab from ›: the focus is on %s, want row 5, the open row", got)
	}
	b.Do(t, "Tab", chromedp.KeyEvent(kb.Tab))
	if got := chromium.Get(t, b, "focus", chromedp.Evaluate[string](focused)); got == "" || got[:4] == "row " {
		t.Errorf("Tab from the open row: the focus is on %q, want it out of the list", got)
	}
	for _, p := range b.Problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestGalleryKeysWithNothingFocused: a keyboard's user who opens the
// page, nothing focused yet, and presses ↓ opens row 3, the focus going
// into the list with it, and End then opens the last row: since the
// list took its keys, no key did anything until Tab had reached the
// list, where ↓ had opened the next row from the page's start.
func TestGalleryKeysWithNothingFocused(t *testing.T) {
	t.Parallel()
	dir := galleryPagingFixture(t, 300, 3, 301)
	b := chromium.Start(t, 60*time.Second, 1400, 900)
	b.Do(t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready' && document.getElementById('message').dataset.loaded.indexOf('000002-') === 0`))
	const where = `(document.activeElement.classList.contains('row-btn') ? 'focus on row ' + document.activeElement.querySelector('.row-num').textContent : 'focus on ' + document.activeElement.tagName) +
		', row ' + document.querySelector('#rows .selected .row-num').textContent + ' open'`
	if got := chromium.Get(t, b, "where", chromedp.Evaluate[string](where)); got != "focus on BODY, row 2 open" {
		t.Fatalf("the page opened: %s, want the focus on its body and row 2 open", got)
	}
	for _, step := range []struct{ what, key, want string }{
		{"↓", kb.ArrowDown, "focus on row 3, row 3 open"},
		{"End", kb.End, "focus on row 301, row 301 open"},
	} {
		b.Do(t, step.what, chromedp.KeyEvent(step.key))
		if got := chromium.Get(t, b, "where", chromedp.Evaluate[string](where)); got != step.want {
			t.Errorf("%s: %s, want %s", step.what, got, step.want)
		}
	}
	for _, p := range b.Problems() {
		t.Errorf("browser reported %s", p)
	}
}
