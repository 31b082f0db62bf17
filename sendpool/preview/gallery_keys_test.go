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
// (row 2 open, on page 1) and presses ↓ opens the first row of the page
// they look at, page 3; ↓ went back to page 1 and opened row 3, the page
// they had left.
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
	b.Do(t, "↓", chromedp.KeyEvent(kb.ArrowDown))
	if info, open := galleryPage(t, b); info != "201–300 of 300" || open != "202" {
		t.Errorf("↓ after paging: %q, row %q open in view; want 201–300 of 300 and row 202", info, open)
	}
	for _, p := range b.Problems() {
		t.Errorf("browser reported %s", p)
	}
}
