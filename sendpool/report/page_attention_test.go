package report_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
	"github.com/tidings/tidings/sendpool/report"
)

// TestPageAttentionWithScript: the rows needing attention (failed,
// deferred, unknown, invalid) were listed in the page's part without
// JavaScript only, which its script hides, so a reader with JavaScript
// on (every browser) saw none of them listed (fix-report2: an invalid
// row of a refused send). The summary the script draws shows the same
// list, in row order, the hostile reply as text; the part without
// JavaScript is still hidden.
func TestPageAttentionWithScript(t *testing.T) {
	t.Parallel()
	dir, rows := pageCampaign(t)
	b := chromium.Start(t, 60*time.Second, 1200, 900)
	b.Do(t, "load report.html", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, report.PageFile))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	p := pageTab{t, b}
	_, listed, attention := wantStatic(rows, 100)
	if attention != 6 {
		t.Fatalf("the campaign has %d rows needing attention, want 6", attention)
	}
	shown := p.str("shown", `(function () {
		var part = document.getElementById('static-attention');
		if (!part) { return 'no list'; }
		return [part.closest('#summary-card') ? 'in the summary' : 'elsewhere', part.checkVisibility() ? 'visible' : 'hidden',
			getComputedStyle(document.getElementById('static')).display,
			document.getElementById('static-attention-title').textContent].join(' | '); })()`)
	if want := "in the summary | visible | none | " + fmt.Sprintf("Needing attention: failed, deferred, unknown, invalid (%d)", attention); shown != want {
		t.Errorf("with JavaScript, the rows needing attention: %q, want %q", shown, want)
	}
	if got := p.staticRows(); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", listed) {
		t.Errorf("rows needing attention with JavaScript:\n%q\nwant\n%q", got, listed)
	}
	if got := p.str("pwned", `String(window.__pwned)`); got != "undefined" {
		t.Errorf("window.__pwned = %s: a hostile value ran as script", got)
	}
}
