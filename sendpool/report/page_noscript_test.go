package report_test

import (
	"context"
	"fmt"
	"net/mail"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/report/pagetest"
)

// noScriptTab opens the report page in dir in headless Chromium with
// JavaScript off, and checks that the script did not run and that the
// page shows its part without JavaScript (#static) and not the one the
// script draws (#app).
func noScriptTab(t *testing.T, dir string) pageTab {
	t.Helper()
	b := chromium.Start(t, 60*time.Second, 1200, 900)
	b.ScriptsOff(t)
	b.Do(t, "load report.html", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, report.PageFile))))
	p := pageTab{t, b}
	shown := chromium.Get(t, b, "what shows", chromedp.Evaluate[map[string]any](`({
		state: document.body.dataset.state,
		staticHeight: document.getElementById('static').getBoundingClientRect().height,
		app: getComputedStyle(document.getElementById('app')).display,
		kpis: document.getElementById('kpis').childElementCount })`))
	if shown["state"] != "loading" || shown["kpis"] != 0.0 {
		t.Fatalf("the page's script ran with JavaScript off: %v", shown)
	}
	if shown["staticHeight"].(float64) < 100 || shown["app"] != "none" {
		t.Errorf("without JavaScript: #static %v px high, #app displayed as %v", shown["staticHeight"], shown["app"])
	}
	return p
}

// staticCounts reads the counts table: status → its cells' text.
func (p pageTab) staticCounts() map[string]string {
	return chromium.Get(p.t, p.b, "counts", chromedp.Evaluate[map[string]string](`(function () { var o = {};
		document.querySelectorAll('#static-counts tbody tr').forEach(function (tr) {
			o[tr.cells[0].textContent] = tr.cells[1].textContent + ' ' + tr.cells[2].textContent; });
		o.total = document.getElementById('static-total').textContent;
		return o; })()`))
}

// staticRows reads the table of rows needing attention: each row's cells'
// text.
func (p pageTab) staticRows() [][]string {
	return chromium.Get(p.t, p.b, "rows", chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll('#static-rows tbody tr')).map(
		function (tr) { return Array.from(tr.cells).map(function (c) { return c.textContent; }); })`))
}

// wantStatic is what the static part should show of rows: the counts by
// status (with their share) and the total, and the first max rows
// needing attention (failed, deferred, unknown, invalid) in row order as [row,
// key, to, status, reply], and how many such rows there are.
func wantStatic(rows []report.Row, max int) (counts map[string]string, listed [][]string, attention int) {
	rows = slices.Clone(rows)
	slices.SortStableFunc(rows, func(a, b report.Row) int { return a.Row - b.Row })
	n := map[string]int{}
	for _, r := range rows {
		n[r.Status.String()]++
		if r.Status != sendpool.StatusFailed && r.Status != sendpool.StatusDeferred && r.Status != sendpool.StatusUnknown && r.Status != sendpool.StatusInvalid {
			continue
		}
		if attention++; attention <= max {
			reply := strings.Join(slices.DeleteFunc([]string{strconv.Itoa(int(r.Code)), r.EnhancedCode.String(), r.Detail},
				func(s string) bool { return s == "" || s == "0" }), " ")
			listed = append(listed, []string{strconv.Itoa(r.Row), r.Key, toShown(r.To), r.Status.String(), reply})
		}
	}
	counts = map[string]string{"total": fmt.Sprint(len(rows))}
	for st, k := range n {
		counts[st] = fmt.Sprintf("%d %.0f%%", k, 100*float64(k)/float64(len(rows)))
	}
	return counts, listed, attention
}

// toShown is a To as the page's To cell reads: each name, then its
// address (TestPageToNameThenAddress); a bare address, or a To that does
// not parse, as it is.
func toShown(to string) string {
	list, err := mail.ParseAddressList(to)
	if err != nil || len(list) == 1 && list[0].Name == "" {
		return to
	}
	var who []string
	for _, a := range list {
		who = append(who, strings.TrimSpace(a.Name+" "+a.Address))
	}
	return strings.Join(who, ", ")
}

// TestPageNoScript sends a campaign for real (pageCampaign), writes its
// report page and opens it in headless Chromium with JavaScript off: it
// shows the campaign, when it ran, the counts by status and every failed
// row as the report has them (the hostile reply as text), and points to
// report.csv and report.json.
func TestPageNoScript(t *testing.T) {
	t.Parallel()
	dir, rows := pageCampaign(t)
	p := noScriptTab(t, dir)
	counts, listed, attention := wantStatic(rows, 100)
	if attention != 6 {
		t.Fatalf("the campaign has %d rows needing attention, want 6", attention)
	}
	if got := p.staticCounts(); fmt.Sprint(got) != fmt.Sprint(counts) {
		t.Errorf("counts show %v, want %v", got, counts)
	}
	if got := p.staticRows(); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", listed) {
		t.Errorf("rows needing attention:\n%q\nwant\n%q", got, listed)
	}
	text := p.str("text", `document.body.innerText`)
	if got := p.str("heading", `document.getElementById('static-attention-title').textContent`); got != "Needing attention: failed, deferred, unknown, invalid (6)" {
		t.Errorf("heading %q", got)
	}
	for _, want := range []string{"Summary of November news", "Ran from 20", "in 2 runs.", pageHostileReply, "report.csv and report.json"} {
		if !strings.Contains(text, want) {
			t.Errorf("the page does not say %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "more: see report.csv") {
		t.Errorf("the page says there are more rows than it lists:\n%s", text)
	}
	links := p.str("links", `Array.from(document.querySelectorAll('#static a')).map(function (a) { return a.getAttribute('href'); }).join(' ')`)
	if links != "report.csv report.json" {
		t.Errorf("links %q", links)
	}
	if n := chromium.Get(t, p.b, "elements from data", chromedp.Evaluate[int](`document.querySelectorAll('img, iframe, object, embed, #static script').length`)); n != 0 {
		t.Errorf("%d elements were made from data", n)
	}
	chromium.SaveScreenshot(t, "report-noscript.png", chromium.Get(t, p.b, "screenshot", chromedp.FullScreenshot(100)))
}

// TestPageNoScriptMore: of more rows needing attention than it lists,
// the page without JavaScript lists the first 100 in row order, deferred
// and unknown ones too, and says how many more report.csv has.
func TestPageNoScriptMore(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	statuses := []sendpool.Status{sendpool.StatusSent, sendpool.StatusFailed, sendpool.StatusDeferred, sendpool.StatusUnknown, sendpool.StatusSuppressed}
	var rows []report.Row
	for i := range 2500 {
		key := fmt.Sprintf("u%04d@example.org", i)
		r := report.Row{Recipient: report.Recipient{Row: i + 2, Key: key, To: "U <" + key + ">"}, Status: statuses[i%len(statuses)]}
		switch r.Status {
		case sendpool.StatusFailed:
			r.Code, r.EnhancedCode, r.Detail = 550, sendpool.EnhancedCode{5, 1, 1}, "user unknown"
		case sendpool.StatusDeferred:
			r.Code, r.EnhancedCode, r.Detail = 421, sendpool.EnhancedCode{4, 7, 0}, "rate limited"
		case sendpool.StatusUnknown:
			r.Detail = "the connection broke before the reply"
		}
		rows = append(rows, r)
	}
	if err := report.WritePage(context.Background(), dir, report.PageInput{Campaign: "many", Rows: report.RowsOf(rows)}); err != nil {
		t.Fatal(err)
	}
	p := noScriptTab(t, dir)
	counts, listed, attention := wantStatic(rows, 100)
	counts["total"] = "2,500"
	if got := p.staticCounts(); fmt.Sprint(got) != fmt.Sprint(counts) {
		t.Errorf("counts show %v, want %v", got, counts)
	}
	if got := p.staticRows(); fmt.Sprintf("%q", got) != fmt.Sprintf("%q", listed) {
		t.Errorf("rows needing attention:\n%q\nwant\n%q", got, listed)
	}
	if attention != 1500 {
		t.Fatalf("%d rows need attention, want 1,500", attention)
	}
	if got := p.str("more", `document.getElementById('static-more').textContent`); got != "and 1,400 more: see report.csv" {
		t.Errorf("the page says %q", got)
	}
	if got := p.str("when", `document.getElementById('static-when').textContent`); !strings.HasPrefix(got, "No try with a time is recorded.") {
		t.Errorf("rows without times: %q", got)
	}
}

// TestPageTitleWithoutScript: the page's title names the campaign with
// JavaScript off too (a screen reader says it first; tabs and bookmarks
// show it), as text: a name with markup in it ends nothing, and one with
// a right-to-left override turns nothing of the title around (an
// isolate).
func TestPageTitleWithoutScript(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	rows, err := pagetest.Campaign(dir, 50, time.Date(2026, 11, 25, 9, 12, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	const name = "Nov </title><img src=x onerror=window.__pwned=1> & co \u202Etxt.exe"
	in := report.PageInput{Campaign: name, CampaignPath: "november.yaml", Rows: report.RowsOf(rows), JournalDir: dir}
	if err := report.WritePage(context.Background(), dir, in); err != nil {
		t.Fatal(err)
	}
	p := noScriptTab(t, dir)
	if got := p.str("title", `document.title`); got != "tidings report · \u2068"+name+"\u2069" {
		t.Errorf("without JavaScript the title is %q, want it to name the campaign", got)
	}
	if got := p.str("images", `String(document.images.length)`); got != "0" {
		t.Errorf("the campaign's name made %s image elements", got)
	}
}
