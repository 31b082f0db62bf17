package report_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
	"github.com/tidings/tidings/sendpool"
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

// TestPageAttentionMoreWithScript: of more rows needing attention than
// the page lists, the list said "and 1,400 more: see report.csv" with
// JavaScript on too, though the page's recipients table filters by
// status (today's review). With the script, the line offers the
// statuses needing attention that rows have, with their counts, each a
// button that filters the table by it and brings it into view, a search
// typed before cleared (the button's count is every such row: rev-eng19);
// without it, the line still points to report.csv (TestPageNoScriptMore).
func TestPageAttentionMoreWithScript(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	statuses := []sendpool.Status{sendpool.StatusSent, sendpool.StatusFailed, sendpool.StatusDeferred, sendpool.StatusUnknown, sendpool.StatusSuppressed}
	var rows []report.Row
	for i := range 2500 {
		key := fmt.Sprintf("u%04d@example.org", i)
		rows = append(rows, report.Row{Recipient: report.Recipient{Row: i + 2, Key: key, To: key}, Status: statuses[i%len(statuses)], Detail: "why"})
	}
	if err := report.WritePage(context.Background(), dir, report.PageInput{Campaign: "many", Rows: report.RowsOf(rows)}); err != nil {
		t.Fatal(err)
	}
	b := chromium.Start(t, 60*time.Second, 1200, 900)
	b.Do(t, "load report.html", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, report.PageFile))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	p := pageTab{t, b}
	more := p.str("more", `(function () { var m = document.getElementById('static-more');
		return m && m.checkVisibility() ? m.textContent : 'not shown'; })()`)
	if want := "and 1,400 more: show them in the recipients table below, by status: failed (500) deferred (500) unknown (500)"; more != want {
		t.Fatalf("with JavaScript, the line of the rows not listed says %q, want %q", more, want)
	}
	chromium.SaveScreenshot(t, "report-attention-more.png", chromium.Get(t, p.b, "screenshot", chromedp.FullScreenshot(100)))
	p.search("a search typed before", "u00")
	p.waitTotal("searched", 100)
	p.b.Do(t, "click deferred", chromedp.Click(chromedp.CSS(`#static-more button[data-status="deferred"]`)))
	p.waitTotal("filtered by deferred, every deferred row as its button says", 500)
	if got := p.str("filter", `document.getElementById('status-filter').value + ' ' + document.activeElement.id + ' "' + document.getElementById('search').value + '"'`); got != `deferred recipients-title ""` {
		t.Errorf("after the click, the status filter, the focus and the search box: %q, want the filter deferred, the table's heading and the search cleared", got)
	}
}
