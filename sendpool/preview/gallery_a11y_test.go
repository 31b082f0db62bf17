package preview

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tidings/tidings/render/chromium"
)

// TestGalleryScreenReader: the gallery tells a screen reader's user what
// it shows by colour: which status filter and which width are on
// (aria-pressed), and, from a live region, how many rows a search or a
// filter left; and ↓ moves the keyboard's focus with the selection, so
// Enter opens the row it reached.
func TestGalleryScreenReader(t *testing.T) {
	t.Parallel()
	dir, _ := galleryFixture(t, "http://127.0.0.1:9") // no image is loaded: none is asked for
	ctx, problems := galleryNewBrowser(t, 60*time.Second)
	galleryDo(ctx, t, "load index.html",
		chromedp.Navigate(chromium.FileURL(dir+"/index.html")),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	str := func(what, js string) string { return galleryRun(ctx, t, what, chromedp.Evaluate[string](js)) }
	pressed := func(group string) string {
		return str("pressed", `Array.from(document.querySelectorAll('#`+group+` button')).map(function (b) { return b.getAttribute('aria-pressed'); }).join(',')`)
	}
	if got := pressed("status-filter"); got != "true,false,false,false,false,false" {
		t.Errorf("status filters at the start: aria-pressed %s, want All's true and the others false", got)
	}
	galleryDo(ctx, t, "status invalid", chromedp.Click(chromedp.CSS(`#status-filter [data-status=invalid]`)))
	if got := pressed("status-filter"); got != "false,false,false,false,false,true" {
		t.Errorf("with Invalid on: aria-pressed %s, want Invalid's true only", got)
	}
	if got := str("live region", `(function () { var e = document.getElementById('list-status'); return e ? e.getAttribute('role') + ': ' + e.textContent : 'none'; })()`); got != "status: 1 row matches" {
		t.Errorf("with Invalid on, the list's live region: %q, want \"status: 1 row matches\"", got)
	}
	galleryDo(ctx, t, "status all", chromedp.Click(chromedp.CSS(`#status-filter [data-status=all]`)))
	galleryDo(ctx, t, "search", chromedp.SendKeys(chromedp.ID("search"), "no-such-recipient-anywhere"))
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](`document.getElementById('list-status').textContent === 'No row matches'`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("after a search matching nothing the live region says %q", str("said", `document.getElementById('list-status').textContent`))
	}
	galleryDo(ctx, t, "clear the search", chromedp.Evaluate[chromedp.Void](`(function () { var s = document.getElementById('search'); s.value = ''; s.dispatchEvent(new Event('input')); })()`))
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](`document.querySelectorAll('#rows .row-btn').length > 3`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the list did not come back: %v", err)
	}

	// The width toggle.
	galleryOpenRow(ctx, t, 2, true)
	galleryDo(ctx, t, "phone width", chromedp.Click(chromedp.CSS(`#width-toggle [data-width=phone]`)))
	if got := pressed("width-toggle"); got != "false,true,false" {
		t.Errorf("with Phone on: aria-pressed %s, want Phone's true only", got)
	}

	// ↓ from a focused row: the focus goes with the selection.
	galleryDo(ctx, t, "focus row 2", chromedp.Focus(chromedp.CSS(`#rows .row-btn[data-idx="0"]`)))
	galleryDo(ctx, t, "down", chromedp.KeyEvent(kb.ArrowDown))
	if got := str("focus", `document.activeElement.classList.contains('row-btn') ? document.activeElement.dataset.idx + ' ' + document.activeElement.getAttribute('aria-selected') : 'elsewhere: ' + document.activeElement.tagName`); got != "1 true" {
		t.Errorf("after ↓ from the first row the focus is on %q, want the second row's button (1 true)", got)
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestGalleryNarrow: on a phone (375 CSS pixels), a recipient whose name
// is one long word does not widen the page past the screen (the list
// pane took its width: 4,578 pixels for 400 letters), and every width
// button shows beside the remote images' toggle.
func TestGalleryNarrow(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "preview")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("A", 400)
	m := galleryTestMail{row: 2, key: "long@example.org", fromName: "Acme News", fromAddr: "news@acme.example",
		toName: long, toAddr: "long@example.org", subject: long, text: "Hello\r\n",
		html: `<p>Hello</p><img src="http://127.0.0.1:9/pixel.png" alt="">`}.message(t) // a remote image: its toggle beside the widths
	if err := w.WriteMessage(context.Background(), m, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, problems := galleryNewBrowser(t, 60*time.Second)
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride,
		emulation.SetDeviceMetricsOverrideParams{Width: 375, Height: 800, DeviceScaleFactor: 1, Mobile: true}); err != nil {
		t.Fatalf("a phone's screen: %v", err)
	}
	galleryDo(ctx, t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	galleryOpenRow(ctx, t, 2, true)
	got := galleryRun(ctx, t, "widths", chromedp.Evaluate[string](`(function () {
		var d = document.documentElement, out = [];
		if (d.scrollWidth > d.clientWidth) { out.push('page ' + d.scrollWidth + ' wide on a screen of ' + d.clientWidth); }
		document.querySelectorAll('#width-toggle button').forEach(function (b) {
			var r = b.getBoundingClientRect(), g = b.parentNode.getBoundingClientRect();
			if (r.right > g.right + 1 || r.right > d.clientWidth) { out.push(b.textContent + ' cut at ' + Math.round(Math.min(g.right, d.clientWidth))); }
		});
		return out.join(', ');
	})()`))
	if got != "" {
		t.Errorf("on a phone: %s", got)
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestGalleryTabs: the message's HTML, Text, Headers and Raw tabs follow
// the ARIA tabs pattern a screen reader expects: each controls its panel
// (a tabpanel), the list is one Tab stop, and → moves to the next tab.
func TestGalleryTabs(t *testing.T) {
	t.Parallel()
	dir, _ := galleryFixture(t, "http://127.0.0.1:9")
	ctx, problems := galleryNewBrowser(t, 60*time.Second)
	galleryDo(ctx, t, "load index.html",
		chromedp.Navigate(chromium.FileURL(dir+"/index.html")),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	galleryOpenRow(ctx, t, 2, true)
	str := func(what, js string) string { return galleryRun(ctx, t, what, chromedp.Evaluate[string](js)) }
	panels := str("panels", `Array.from(document.querySelectorAll('.tabs [role=tab]')).map(function (b) {
		var p = document.getElementById(b.getAttribute('aria-controls') || '');
		return b.dataset.tab + ':' + (p ? p.getAttribute('role') + '/' + p.getAttribute('aria-labelledby') + '/' + b.tabIndex : 'none'); }).join(' ')`)
	if want := "html:tabpanel/tabbtn-html/0 text:tabpanel/tabbtn-text/-1 headers:tabpanel/tabbtn-headers/-1 raw:tabpanel/tabbtn-raw/-1"; panels != want {
		t.Errorf("tabs and their panels:\n got %s\nwant %s", panels, want)
	}
	galleryDo(ctx, t, "focus the HTML tab", chromedp.Focus(chromedp.CSS(`.tabs [data-tab=html]`)))
	galleryDo(ctx, t, "→", chromedp.KeyEvent(kb.ArrowRight))
	if got := str("after →", `document.activeElement.dataset.tab + ' ' + document.activeElement.getAttribute('aria-selected') + ' ' + document.getElementById('tab-text').hidden`); got != "text true false" {
		t.Errorf("→ on the HTML tab: focus, selection and the text panel's hidden are %q, want the Text tab focused and selected, its panel shown", got)
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestGalleryPanelArrows: ↑ and ↓ in the Text or Raw panel, which take the
// keyboard's focus (tabindex 0) for their user to scroll them, scroll
// the panel: they do not move the list's selection to another message
// under the text being read.
func TestGalleryPanelArrows(t *testing.T) {
	t.Parallel()
	dir, _ := galleryFixture(t, "http://127.0.0.1:9")
	ctx, problems := galleryNewBrowser(t, 60*time.Second)
	galleryDo(ctx, t, "load index.html",
		chromedp.Navigate(chromium.FileURL(dir+"/index.html")),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	galleryOpenRow(ctx, t, 2, true)
	str := func(what, js string) string { return galleryRun(ctx, t, what, chromedp.Evaluate[string](js)) }
	before := str("selected", `document.getElementById('message').dataset.loaded`)
	for _, panel := range []string{"text", "raw"} {
		galleryDo(ctx, t, "the "+panel+" tab", chromedp.Click(chromedp.CSS(`.tabs [data-tab=`+panel+`]`)))
		galleryDo(ctx, t, "focus the "+panel+" panel", chromedp.Focus(chromedp.ID("tab-"+panel)))
		galleryDo(ctx, t, "↓ and ↑", chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowUp))
		got := str("after the arrows", `document.getElementById('message').dataset.loaded + ' ' + document.activeElement.id`)
		if want := before + " tab-" + panel; got != want {
			t.Errorf("↓ ↓ ↑ in the focused %s panel: message and focus %q, want %q (the same message, the panel focused)", panel, got, want)
		}
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestGallerySearchLabel: the search box has a label one sees (the
// placeholder, gone once one types, was all), which names it, on a wide
// screen and a phone.
func TestGallerySearchLabel(t *testing.T) {
	t.Parallel()
	dir, _ := galleryFixture(t, "http://127.0.0.1:9") // no image is loaded: none is asked for
	ctx, problems := galleryNewBrowser(t, 60*time.Second)
	galleryDo(ctx, t, "load index.html",
		chromedp.Navigate(chromium.FileURL(dir+"/index.html")),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	for _, width := range []int64{1400, 375} {
		galleryDo(ctx, t, "width", chromedp.EmulateViewport(width, 900))
		if got := galleryRun(ctx, t, "label", chromedp.Evaluate[string](chromium.VisibleLabel("search"))); got != "Search messages" {
			t.Errorf("%d px wide, the search box's visible label: %s", width, got)
		}
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}
