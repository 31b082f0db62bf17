package preview

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tidings/tidings/render/chromium"
)

// TestGalleryPagerSays: › and ‹ say in the list's live region which rows
// the list shows now ("Rows 101–200 of 300"): a screen reader's user
// pressed › and heard nothing, the focus staying on the button while
// the list changed beside it.
func TestGalleryPagerSays(t *testing.T) {
	t.Parallel()
	dir := galleryPagingFixture(t, 300)
	b := chromium.Start(t, 60*time.Second, 1400, 900)
	b.Do(t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	const said = `document.getElementById('list-status').textContent`
	for _, step := range []struct{ button, want string }{
		{"next", "Rows 101–200 of 300"},
		{"next", "Rows 201–300 of 300"},
		{"prev", "Rows 101–200 of 300"},
	} {
		b.Do(t, step.button, chromedp.Focus(chromedp.ID(step.button)), chromedp.KeyEvent(kb.Enter))
		if got := chromium.Get(t, b, "said", chromedp.Evaluate[string](said)); got != step.want {
			t.Errorf("Enter on %s: the live region says %q, want %q", step.button, got, step.want)
		}
	}
	for _, p := range b.Problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestGalleryPagerKeepsFocus: a keyboard's user who presses › onto the
// last page (› disabled there) keeps the focus in the pager, on ‹, and
// one who presses ‹ back onto the first keeps it on ›: it fell to the
// page's body, where ↓ no longer reached the list and a screen reader
// began reading the page again.
func TestGalleryPagerKeepsFocus(t *testing.T) {
	t.Parallel()
	dir := galleryPagingFixture(t, 200)
	b := chromium.Start(t, 60*time.Second, 1400, 900)
	b.Do(t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	const focus = `document.activeElement.id || document.activeElement.tagName`
	for _, step := range []struct{ button, want string }{
		{"next", "prev"},
		{"prev", "next"},
	} {
		b.Do(t, step.button, chromedp.Focus(chromedp.ID(step.button)), chromedp.KeyEvent(kb.Enter))
		if got := chromium.Get(t, b, "focus", chromedp.Evaluate[string](focus)); got != step.want {
			t.Errorf("Enter on %s to the end: the focus is on %s, want %s", step.button, got, step.want)
		}
	}
	for _, p := range b.Problems() {
		t.Errorf("browser reported %s", p)
	}
}
