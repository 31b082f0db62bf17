package preview

import (
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tidings/tidings/render/chromium"
)

// TestGalleryNarrowFilters: on a screen 380 pixels wide every status
// filter shows whole, before and after Tab reaches the last: the group
// kept them on one line and hid what did not fit, Invalid, then All
// once the focus scrolled the group to Invalid.
func TestGalleryNarrowFilters(t *testing.T) {
	t.Parallel()
	dir := galleryPagingFixture(t, 300)
	b := chromium.Start(t, 60*time.Second, 1400, 900)
	if _, err := chromedp.Call(b.Ctx, emulation.SetDeviceMetricsOverride,
		emulation.SetDeviceMetricsOverrideParams{Width: 380, Height: 800, DeviceScaleFactor: 1, Mobile: true}); err != nil {
		t.Fatalf("a phone's screen: %v", err)
	}
	b.Do(t, "load index.html",
		chromedp.Navigate(chromium.FileURL(dir+"/index.html")),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	const cut = `(function () {
		var out = [], w = document.documentElement.clientWidth;
		document.querySelectorAll('#status-filter button').forEach(function (b) {
			var r = b.getBoundingClientRect(), g = b.parentNode.getBoundingClientRect();
			if (r.left < g.left - 1 || r.right > g.right + 1 || r.right > w) { out.push(b.dataset.status); }
		});
		return out.join(' ');
	})()`
	if got := chromium.Get(t, b, "filters", chromedp.Evaluate[string](cut)); got != "" {
		t.Errorf("at 380 pixels the status filters %s are cut off", got)
	}
	b.Do(t, "focus Invalid", chromedp.Focus(chromedp.CSS(`#status-filter [data-status=invalid]`)))
	if got := chromium.Get(t, b, "filters", chromedp.Evaluate[string](cut)); got != "" {
		t.Errorf("at 380 pixels, Invalid focused, the status filters %s are cut off", got)
	}
	for _, p := range b.Problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestGalleryNarrowSheetWarnings: on a phone the warnings about the
// whole sheet are folded to their summary line, and the list shows at
// least five rows, where open they left it room for three; Enter on the
// summary opens them.
func TestGalleryNarrowSheetWarnings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rows := gallerySyntheticRows(300)
	g, err := newGalleryWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	g.sheet([]string{gallerySheetHostile, "people.csv: 12 rows left out, not recipients of this campaign (recipients.only_blank: [unsubscribed] takes the rows whose \"unsubscribed\" is blank): 14, 15, 16, 17, 18 and 7 more"}, nil)
	for _, r := range rows {
		if err := g.add(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.finish(); err != nil {
		t.Fatal(err)
	}
	if err := writeGalleryMessage(dir, rows[0].File, []byte("Subject: first\r\n\r\nHello\r\n")); err != nil {
		t.Fatal(err)
	}
	b := chromium.Start(t, 60*time.Second, 1400, 900)
	if _, err := chromedp.Call(b.Ctx, emulation.SetDeviceMetricsOverride,
		emulation.SetDeviceMetricsOverrideParams{Width: 380, Height: 800, DeviceScaleFactor: 1, Mobile: true}); err != nil {
		t.Fatalf("a phone's screen: %v", err)
	}
	b.Do(t, "load index.html",
		chromedp.Navigate(chromium.FileURL(dir+"/index.html")),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	const seen = `(function () {
		var box = document.getElementById('rows').getBoundingClientRect(), n = 0;
		document.querySelectorAll('#rows .row').forEach(function (li) {
			var r = li.getBoundingClientRect();
			if (r.top >= box.top && r.bottom <= box.bottom) { n++; }
		});
		return n;
	})()`
	if n := chromium.Get(t, b, "rows in view", chromedp.Evaluate[int](seen)); n < 5 {
		t.Errorf("on a phone the list shows %d whole rows, want 5 or more", n)
	}
	b.Do(t, "open them", chromedp.Focus(chromedp.ID("sheet-warnings-title")), chromedp.KeyEvent(kb.Enter))
	if open := chromium.Get(t, b, "open", chromedp.Evaluate[bool](`document.getElementById('sheet-warnings').open`)); !open {
		t.Error("Enter on the summary did not open the warnings about the sheet")
	}
	for _, p := range b.Problems() {
		t.Errorf("browser reported %s", p)
	}
}
