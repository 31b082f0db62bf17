package report_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tidings/tidings/render/chromium"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/report/pagetest"
)

// keyboardPage writes the report page of a made-up campaign of n
// recipients and opens it in a headless Chromium, ready.
func keyboardPage(t *testing.T, n int) pageTab {
	t.Helper()
	dir := t.TempDir()
	rows, err := pagetest.Campaign(dir, n, time.Date(2026, 11, 25, 9, 12, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	in := report.PageInput{Campaign: "November newsletter", CampaignPath: "november.yaml", Rows: report.RowsOf(rows), JournalDir: dir,
		Settings: report.Settings{Rate: "10/s", Concurrency: 4}}
	if err := report.WritePage(context.Background(), dir, in); err != nil {
		t.Fatal(err)
	}
	b := chromium.Start(t, 60*time.Second, 1280, 900)
	b.Do(t, "load", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, report.PageFile))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	return pageTab{t, b}
}

// focused describes the element with the focus: what the test matches.
const focused = `(function () { var e = document.activeElement; return e ? e.tagName + '#' + e.id + '.' + e.className : 'none'; })()`

// tabUntil presses Tab until the focus is on an element matching css,
// at most max times, and says whether it got there.
func (p pageTab) tabUntil(css string, max int) bool {
	p.t.Helper()
	for range max {
		p.b.Do(p.t, "Tab", chromedp.KeyEvent(kb.Tab))
		if p.str("focus", `String(document.activeElement !== null && document.activeElement.matches(`+jsString(css)+`))`) == "true" {
			return true
		}
	}
	return false
}

// jsString quotes s for JavaScript (s has no quote or backslash).
func jsString(s string) string { return "'" + s + "'" }

// TestPageKeyboard: a keyboard-only user reaches everything a mouse user
// can: a recipient's details (the show command and its Copy button) from
// its row, the filters the Domains and Replies tables set, each with a
// focus ring they can see.
func TestPageKeyboard(t *testing.T) {
	t.Parallel()
	p := keyboardPage(t, 300)

	// The first stop is a status button of the summary: its focus shows.
	p.b.Do(t, "Tab", chromedp.KeyEvent(kb.Tab))
	if got := p.str("first stop", focused); got != "BUTTON#." {
		t.Fatalf("the first Tab stop is %s, want a status button", got)
	}
	if got := p.str("its ring", `getComputedStyle(document.activeElement).outlineStyle`); got == "none" {
		t.Errorf("a status button focused from the keyboard shows no focus ring (outline-style %s)", got)
	}

	// From the search box on, Tab reaches the first recipient's row.
	p.b.Do(t, "focus the search", chromedp.Focus(chromedp.ID("search")))
	if !p.tabUntil(`#rows tr[data-idx] button`, 10) {
		t.Fatalf("Tab from the search box never reaches a recipient row (last: %s)", p.str("focus", focused))
	}
	if got := p.str("ring", `getComputedStyle(document.activeElement).outlineStyle`); got == "none" {
		t.Errorf("a row's button shows no focus ring")
	}
	if got := p.str("expanded", `document.activeElement.getAttribute('aria-expanded')`); got != "false" {
		t.Errorf("a closed row's button: aria-expanded %q, want false", got)
	}
	p.b.Do(t, "Enter", chromedp.KeyEvent(kb.Enter))
	if got := p.str("details", `String(document.querySelectorAll('#rows tr.more .show-cmd').length)`); got != "1" {
		t.Fatalf("Enter on a row's button opened %s details, want 1", got)
	}
	if got := p.str("focus after", `document.activeElement.matches('#rows tr[data-idx] button') ? document.activeElement.getAttribute('aria-expanded') : 'lost: ' + document.activeElement.tagName`); got != "true" {
		t.Errorf("after Enter the row's button has aria-expanded %s, want the focus on it and true", got)
	}
	p.b.Do(t, "Tab", chromedp.KeyEvent(kb.Tab))
	if got := p.str("copy", `document.activeElement.closest('tr.more') ? document.activeElement.textContent : 'elsewhere: ' + document.activeElement.tagName`); got != "Copy" {
		t.Errorf("Tab from an open row's button reaches %q, want its Copy button", got)
	}

	// A domain of the Domains table filters the recipients from the
	// keyboard, and the focus follows to the table.
	p.b.Do(t, "focus a domain", chromedp.Focus(chromedp.CSS(`#domains tbody tr[data-domain] button`)))
	p.b.Do(t, "Enter", chromedp.KeyEvent(kb.Enter))
	if got := p.str("chips", `document.getElementById('active-filters').textContent`); got == "" {
		t.Errorf("Enter on a domain set no filter")
	}
	if got := p.str("focus", focused); got != "H2#recipients-title." {
		t.Errorf("after choosing a domain the focus is on %s, want the recipients' heading", got)
	}
	// The filter's chip, a button, says it removes the filter.
	if got := p.str("chip", `document.querySelector('#active-filters button').getAttribute('aria-label') || ''`); !strings.HasPrefix(got, "Remove the filter domain ") {
		t.Errorf("the domain filter's chip is named %q, want \"Remove the filter domain …\"", got)
	}
	p.b.Do(t, "clear", chromedp.Click(chromedp.CSS(`#active-filters button`)))

	// A reply of the Replies table likewise.
	p.b.Do(t, "focus a reply", chromedp.Focus(chromedp.CSS(`#replies tbody tr.click button`)))
	p.b.Do(t, "Enter", chromedp.KeyEvent(kb.Enter))
	if got := p.str("chips", `document.getElementById('active-filters').textContent`); got == "" {
		t.Errorf("Enter on a reply set no filter")
	}
	for _, problem := range p.b.Problems() {
		t.Errorf("browser reported %s", problem)
	}
}

// TestPageSearchAnnounced: a screen reader hears, from a live region, how
// many recipients a search or a filter left; the table changing says
// nothing to one.
func TestPageSearchAnnounced(t *testing.T) {
	t.Parallel()
	p := keyboardPage(t, 300)
	if got := p.str("live region", `(function () { var e = document.getElementById('rows-status'); return e ? e.getAttribute('role') : 'none'; })()`); got != "status" {
		t.Fatalf("the recipients have no status live region (%s)", got)
	}
	p.search("search nothing", "no-such-recipient-anywhere")
	p.waitTotal("no match", 0)
	if got := p.str("said", `document.getElementById('rows-status').textContent`); got != "No recipient matches" {
		t.Errorf("after a search matching nothing the live region says %q", got)
	}
	p.search("search failed", "failed")
	if _, err := chromedp.Run(p.b.Ctx, chromedp.Poll[chromedp.Void](`/^[0-9,]+ recipients? match/.test(document.getElementById('rows-status').textContent)`,
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Errorf("after a search matching rows the live region says %q", p.str("said", `document.getElementById('rows-status').textContent`))
	}
	for _, problem := range p.b.Problems() {
		t.Errorf("browser reported %s", problem)
	}
}

// TestPageSearchLabel: the recipients' search box has a label one sees
// (the placeholder, gone once one types, was all), which names it.
func TestPageSearchLabel(t *testing.T) {
	t.Parallel()
	for _, width := range []int{1280, 390} {
		p := keyboardPage(t, 20)
		p.b.Do(t, "width", chromedp.EmulateViewport(int64(width), 900))
		p.b.Do(t, "scroll", chromedp.ScrollIntoView(chromedp.ID("search")))
		if got := p.str("label", chromium.VisibleLabel("search")); got != "Search recipients" {
			t.Errorf("%d px wide, the search box's visible label: %s", width, got)
		}
	}
}
