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

// TestPageToNameThenAddress: the recipients' To cells show each name,
// then its address, as the preview gallery's list does, with and without
// JavaScript, not the header as written ("\"Bob \\\"the Barista\\\" 😀
// Smith\" <bob@…>" with its quotes and brackets; an Arabic name's drawn
// right to left, the address first: "<sara@example.com> سارة أحمد"),
// which the cell's tooltip keeps; a bare address shows as it is.
func TestPageToNameThenAddress(t *testing.T) {
	t.Parallel()
	const sara = "\u0633\u0627\u0631\u0629 \u0623\u062d\u0645\u062f" // سارة أحمد
	rows := []report.Row{
		{Recipient: report.Recipient{Row: 2, Key: "bob@example.org", To: `"Bob \"the Barista\" 😀 Smith" <bob@example.org>`}, Status: sendpool.StatusFailed},
		{Recipient: report.Recipient{Row: 3, Key: "sara@example.com", To: sara + " <sara@example.com>"}, Status: sendpool.StatusFailed},
		{Recipient: report.Recipient{Row: 4, Key: "cy@example.org", To: "cy@example.org"}, Status: sendpool.StatusFailed},
	}
	want := []string{
		`Bob "the Barista" 😀 Smith bob@example.org | name, address | "Bob \"the Barista\" 😀 Smith" <bob@example.org>`,
		sara + " sara@example.com | name, address | " + sara + " <sara@example.com>",
		"cy@example.org",
	}
	dir := t.TempDir()
	if err := report.WritePage(context.Background(), dir, report.PageInput{Campaign: "to", CampaignPath: "c.yaml", Rows: report.RowsOf(rows)}); err != nil {
		t.Fatal(err)
	}
	b := chromium.Start(t, 60*time.Second, 1280, 900)
	b.Do(t, "load", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, report.PageFile))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	checkToCells(t, "", chromium.Get(t, b, "To cells", chromedp.Evaluate[[]string](toCellsJS+`('#rows tr[data-idx]')`)), want)
	p := noScriptTab(t, dir)
	checkToCells(t, "without JavaScript, ", chromium.Get(t, p.b, "static To cells", chromedp.Evaluate[[]string](toCellsJS+`('#static tbody tr')`)), want)
}

// toCellsJS reads the To cell (the third) of each row a selector finds:
// its text, whether its first value (the name) lies left of its last (the
// address) when it has two, and its tooltip.
const toCellsJS = `(function (sel) {
	return Array.from(document.querySelectorAll(sel)).map(function (tr) {
		var td = tr.cells[2], v = td.querySelectorAll('bdi'), n = v[0], a = v[v.length - 1];
		var order = v.length < 2 ? '' : n.getBoundingClientRect().right <= a.getBoundingClientRect().left ? ' | name, address' : ' | address first';
		return td.textContent + order + (td.title ? ' | ' + td.title : '');
	});
})`

// checkToCells compares the last To cells read (toCellsJS: the static
// part has a table of the counts before the rows') with want.
func checkToCells(t *testing.T, where string, got, want []string) {
	t.Helper()
	if len(got) < len(want) {
		t.Fatalf("%sTo cells %q, want %q", where, got, want)
	}
	got = got[len(got)-len(want):]
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%srow %d's To cell reads %q, want %q", where, i+2, got[i], want[i])
		}
	}
}

// TestPageToAsWritten: a row's To, whether its chunk carries it or leaves
// it for the page's script to rebuild from its names and addresses
// (report.WhoText), is the tooltip of its cell and found by the search
// exactly as the message's To says it: non-ASCII and right-to-left names,
// several addresses, an IDN domain (left out); a quoted name with a comma
// or a backslash, a display name that is the address, a group, addresses
// without a space after the comma (kept).
func TestPageToAsWritten(t *testing.T) {
	t.Parallel()
	tos := []string{
		"Ann Lee 张 <ann@example.org>",
		"\u05e2\u05de\u05d9\u05ea \u05db\u05d4\u05df <amit@example.org>", // עמית כהן
		"Bob <bob@example.org>, cy@example.org",
		"Eli <eli@b\u00fccher.example>",
		`"Lee, Dee" <dee@example.org>`,
		`"O\\Brien" <obrien@example.org>`,
		`"dan@example.org" <dan@example.org>`,
		"Team: fay@example.org, gus@example.org;",
		"Zo\u00eb <zoe@example.org>,Yan <yan@example.org>",
	}
	rows := make([]report.Row, len(tos))
	for i, to := range tos {
		rows[i] = report.Row{Recipient: report.Recipient{Row: i + 2, Key: fmt.Sprintf("k%d", i+2), To: to}, Status: sendpool.StatusSent}
	}
	dir := t.TempDir()
	if err := report.WritePage(context.Background(), dir, report.PageInput{Campaign: "to", CampaignPath: "c.yaml", Rows: report.RowsOf(rows)}); err != nil {
		t.Fatal(err)
	}
	b := chromium.Start(t, 60*time.Second, 1280, 900)
	b.Do(t, "load", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, report.PageFile))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	got := chromium.Get(t, b, "To tooltips", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#rows tr[data-idx]')).map(function (tr) { return tr.cells[2].title; })`))
	if len(got) != len(tos) {
		t.Fatalf("tooltips %q, want %d", got, len(tos))
	}
	p := pageTab{t, b}
	for i, to := range tos {
		if got[i] != to {
			t.Errorf("row %d's To tooltip %q, want %q", i+2, got[i], to)
		}
		p.search(fmt.Sprintf("row %d's To", i+2), to)
		p.waitTotal(fmt.Sprintf("a search for row %d's To %q", i+2, to), 1)
	}
}
