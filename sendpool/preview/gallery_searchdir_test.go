package preview

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
)

// TestGallerySearchRightToLeft: a search typed in Hebrew or Arabic reads
// right to left in the search box, as the list's right-to-left names do;
// it sat left to right, its first letter at the box's left edge, the
// rest running left of it as typed. A Latin search stays left to right.
func TestGallerySearchRightToLeft(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "preview")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := galleryTestMail{row: 2, key: "r@example.org", fromAddr: "news@acme.example", toName: "\u05d3\u05d5\u05d3 \u05db\u05d4\u05df", toAddr: "r@example.org",
		subject: "Hello", text: "Hello\r\n"}.message(t)
	if err := w.WriteMessage(context.Background(), m, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, problems := galleryNewBrowser(t, 60*time.Second)
	galleryDo(ctx, t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	direction := func(what, typed string) string {
		galleryDo(ctx, t, what, chromedp.Evaluate[chromedp.Void](`document.getElementById('search').value = ''`), chromedp.SendKeys(chromedp.ID("search"), typed))
		return galleryRun(ctx, t, what, chromedp.Evaluate[string](`getComputedStyle(document.getElementById('search')).direction`))
	}
	if got := direction("search in Hebrew", "\u05d3\u05d5\u05d3"); got != "rtl" {
		t.Errorf("a Hebrew search reads %s in the search box, want rtl", got)
	}
	if got := direction("search in Latin", "Hello"); got != "ltr" {
		t.Errorf("a Latin search reads %s in the search box, want ltr", got)
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}
