package preview

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
)

// TestGalleryToRightToLeft: an open message's To line shows a
// right-to-left name first and its address after it, on its right, as
// the list does; the header in one line of dir=auto read right to left,
// the address on the left of the name ("<r@example.org> דוד כהן").
func TestGalleryToRightToLeft(t *testing.T) {
	t.Parallel()
	const name = "\u05d3\u05d5\u05d3 \u05db\u05d4\u05df" // דוד כהן
	dir := filepath.Join(t.TempDir(), "preview")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := galleryTestMail{row: 2, key: "r@example.org", fromAddr: "news@acme.example", toName: name, toAddr: "r@example.org",
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
	galleryOpenRow(ctx, t, 2, true)
	got := galleryRun(ctx, t, "To", chromedp.Evaluate[string](`(function () {
		var dd = Array.from(document.querySelectorAll('#m-headers dt')).filter(function (dt) { return dt.textContent === 'To'; })[0].nextElementSibling;
		var rect = function (word) {
			var w = document.createTreeWalker(dd, NodeFilter.SHOW_TEXT), n;
			while ((n = w.nextNode())) {
				var at = n.data.indexOf(word);
				if (at >= 0) { var r = document.createRange(); r.setStart(n, at); r.setEnd(n, at + word.length); return r.getBoundingClientRect(); }
			}
			return null;
		};
		var name = rect('\u05d3\u05d5\u05d3'), addr = rect('r@example.org');
		if (!name || !addr) { return 'not both in ' + dd.textContent; }
		return name.right <= addr.left ? 'name, then address' : 'address left of the name: ' + dd.textContent;
	})()`))
	if got != "name, then address" {
		t.Errorf("the message's To line: %s", got)
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}
