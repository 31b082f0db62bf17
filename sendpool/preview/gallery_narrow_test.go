package preview

import (
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

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
