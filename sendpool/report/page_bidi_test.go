package report_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/report"
)

// rowsPage writes the report page of rows (no journal) with the campaign
// path path and opens it at width×900 in a headless Chromium, ready.
func rowsPage(t *testing.T, path string, width int, rows []report.Row) pageTab {
	t.Helper()
	dir := t.TempDir()
	in := report.PageInput{Campaign: "bidi", CampaignPath: path, Rows: report.RowsOf(rows)}
	if err := report.WritePage(context.Background(), dir, in); err != nil {
		t.Fatal(err)
	}
	b := chromium.Start(t, 60*time.Second, width, 900)
	b.Do(t, "load", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, report.PageFile))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	return pageTab{t, b}
}

// openKey opens the details of the recipient row whose key is key and
// returns the show command's text.
func (p pageTab) openKey(key string) string {
	p.t.Helper()
	return p.str("open "+key, fmt.Sprintf(`(function () {
		`+keyOfJS+`
		var tr = Array.from(document.querySelectorAll('#rows tr[data-idx]')).filter(function (tr) { return keyOf(tr.querySelector('td.key')) === %q; })[0];
		tr.querySelector('.cellbtn').click();
		return document.querySelector('#rows tr.more .show-cmd').textContent;
	})()`, key))
}

// keyOfJS defines keyOf, the value a key or address cell shows: its text
// with each marked invisible character (span.unseen, "U+202E") the
// character itself.
const keyOfJS = `function keyOf(td) {
		return Array.from(td.childNodes).map(function (n) {
			return n.nodeType === 1 && n.classList.contains('unseen') ? String.fromCodePoint(parseInt(n.textContent.slice(2), 16)) : n.textContent;
		}).join('');
	}`

// TestPageUnseenShown: a key or an address holding a character that shows
// nothing (a zero-width space) or reorders what follows (an override, an
// isolate left open) shows it as its code point, marked, with and without
// JavaScript, so that the cell reads as the value is ("ann\u202egro..."
// was drawn "annexample.evil@org.", a name's override turned the address
// beside it around), and so does a joiner or non-joiner between Latin
// letters, which never join ("Pay\u200dpal" read "Paypal", which tidings
// show does not find); Hebrew with its mark, and Persian with its
// non-joiner, show as they are.
func TestPageUnseenShown(t *testing.T) {
	t.Parallel()
	const (
		rlo     = "ann\u202egro.elpmaxe@evil.example"
		zw      = "1042\u200b"
		hebrew  = "\u05d3\u05d5\u05d3\u200f"
		persian = "\u0645\u0631\u06cc\u0645\u200c\u062e\u0627\u0646\u06cc"
	)
	rows := []report.Row{
		{Recipient: report.Recipient{Row: 2, Key: rlo, To: "Alice\u202eevil <a1@example.org>"}, Status: sendpool.StatusFailed},
		{Recipient: report.Recipient{Row: 3, Key: zw, To: "\u2067Bob <b@example.org>"}, Status: sendpool.StatusFailed},
		{Recipient: report.Recipient{Row: 4, Key: hebrew, To: persian + " <c@example.org>"}, Status: sendpool.StatusFailed},
		{Recipient: report.Recipient{Row: 5, Key: "Pay\u200dpal", To: "Ann\u200cMarie <d@example.org>"}, Status: sendpool.StatusFailed},
	}
	// The To cells show each name, then its address
	// (TestPageToNameThenAddress).
	want := [][2]string{
		{"annU+202Egro.elpmaxe@evil.example", "AliceU+202Eevil a1@example.org"},
		{"1042U+200B", "U+2067Bob b@example.org"},
		{hebrew, persian + " c@example.org"},
		{"PayU+200Dpal", "AnnU+200CMarie d@example.org"},
	}
	dir := t.TempDir()
	if err := report.WritePage(context.Background(), dir, report.PageInput{Campaign: "bidi\u202Etxt.exe", CampaignPath: "c.yaml", Rows: report.RowsOf(rows)}); err != nil {
		t.Fatal(err)
	}
	// cells is each row's key and To cells as their text reads, the
	// text a marked character follows drawn right of it (no override
	// turned it around) or "reordered".
	const cells = `(function (sel) {
		return Array.from(document.querySelectorAll(sel)).map(function (tr) {
			return [tr.cells[1], tr.cells[2]].map(function (td) {
				var m = td.querySelector('.unseen'), next = m && m.nextSibling;
				if (next && next.nodeType === 3 && next.data.length > 1) {
					var r = document.createRange(); r.setStart(next, 0); r.setEnd(next, 2);
					var a = m.getBoundingClientRect(), b = r.getClientRects();
					if (b[0].left < a.right - 1 || (b.length > 0 && b[b.length - 1].left < b[0].left)) { return 'reordered'; }
				}
				return td.textContent;
			});
		});
	})`
	b := chromium.Start(t, 60*time.Second, 1280, 900)
	b.Do(t, "load", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, report.PageFile))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	if got := chromium.Get(t, b, "cells", chromedp.Evaluate[[][2]string](cells+`('#rows tr[data-idx]')`)); fmt.Sprintf("%+q", got) != fmt.Sprintf("%+q", want) {
		t.Errorf("the recipients' key and To cells read\n%+q\nwant\n%+q", got, want)
	}
	if got := chromium.Get(t, b, "title", chromedp.Evaluate[string](`document.title`)); got != "tidings report · \u2068bidi\u202Etxt.exe\u2069" {
		t.Errorf("the title is %+q, want the campaign's name an isolate", got)
	}
	p := noScriptTab(t, dir)
	if got := chromium.Get(t, p.b, "static cells", chromedp.Evaluate[[][2]string](cells+`('#static tbody tr')`)); len(got) < len(want) || fmt.Sprintf("%+q", got[len(got)-len(want):]) != fmt.Sprintf("%+q", want) {
		t.Errorf("without JavaScript, the key and To cells read\n%+q\nwant\n%+q", got, want)
	}
}

// TestPageBidiCommand: a key holding a bidi control (U+202E reverses what
// follows it) or a zero-width character is shown in the show command
// escaped, as $'…' with the bytes of each such character, which a shell
// reads as the key itself, so the command read is the command run; and
// words in right-to-left letters, the campaign's path and a key, stay in
// the order the shell reads them (the key was drawn left of the path).
func TestPageBidiCommand(t *testing.T) {
	t.Parallel()
	const (
		path  = "نشرة"
		rlo   = "ann\u202egro.elpmaxe@evil.example"
		zw    = "bob\u200b\u2066@example.org"
		rtl   = "علي"
		quote = "o'hara\u200f@example.org"
	)
	var rows []report.Row
	for i, k := range []string{rlo, zw, rtl, quote} {
		rows = append(rows, report.Row{Recipient: report.Recipient{Row: i + 2, Key: k, To: "x@example.org"}, Status: sendpool.StatusSent})
	}
	p := rowsPage(t, path, 1280, rows)
	for _, key := range []string{rlo, zw, quote} {
		cmd := p.openKey(key)
		word, ok := strings.CutPrefix(cmd, "tidings show '"+path+"' ")
		if !ok {
			t.Fatalf("the command for %+q is %+q", key, cmd)
		}
		if strings.ContainsFunc(cmd, func(r rune) bool { return r == '\u202e' || r == '\u200b' || r == '\u2066' || r == '\u200f' }) {
			t.Errorf("the command for %+q shows %+q: invisible characters as they are", key, cmd)
		}
		out, err := exec.Command("bash", "-c", "printf %s "+word).Output()
		if err != nil {
			t.Fatalf("bash reading %s: %v", word, err)
		}
		if string(out) != key {
			t.Errorf("the word %s reads in bash as %+q, want the key %+q", word, out, key)
		}
	}
	p.openKey(rtl)
	order := p.str("order", `(function () {
		var code = document.querySelector('#rows tr.more .show-cmd');
		// box is where the text from offset at, n characters, is drawn.
		function box(at, n) {
			var walk = document.createTreeWalker(code, NodeFilter.SHOW_TEXT), r = document.createRange(), pos = 0, node;
			while ((node = walk.nextNode())) {
				var len = node.data.length;
				if (at >= pos && at < pos + len) { r.setStart(node, at - pos); }
				if (at + n > pos && at + n <= pos + len) { r.setEnd(node, at + n - pos); break; }
				pos += len;
			}
			return r.getBoundingClientRect();
		}
		var text = code.textContent, path = box(text.indexOf(`+jsString(path)+`), 4), key = box(text.lastIndexOf(`+jsString(rtl)+`), 3);
		return path.right <= key.left ? 'path, key' : 'key drawn at ' + key.left + ', the path at ' + path.left;
	})()`)
	if order != "path, key" {
		t.Errorf("the command's words, right-to-left both: %s", order)
	}
	for _, problem := range p.b.Problems() {
		t.Errorf("browser reported %s", problem)
	}
}

// TestPageShellWordAgrees: the show command the page draws quotes each
// word (the campaign's path, a key) as the commands tidings prints do
// (journal.ShellWord, which page.js's shellQuote copies): plain, in
// single quotes, or $'…' with the bytes of a character not shown as it
// is, over keys of every kind of character both treat alike. (A
// character assigned after Go's Unicode tables, 15.0, is unassigned to
// ShellWord, hidden, and a letter to a newer browser: such a word differs,
// each read by a shell as the key.)
func TestPageShellWordAgrees(t *testing.T) {
	t.Parallel()
	const path = "نشرة الأخبار/c.yaml"
	keys := []string{
		"ann@example.org", "Lee, Ann", "o'hara@example.org", "back\\slash\u200b", "ann\u202egro.elpmaxe@evil.example",
		"INV\u00a07", "tab\there", "soft\u00adhyphen", "\ufeffbom", "hangul\u3164filler", "محمد\u200cرضا",
		"Nguye\u0302\u0303n", "Nguyễn", "mail 📨", "priv\ue000", "unassigned\u0378", "-dash", "line\u2028sep", "ctl\u0001",
		"quote ' and \\ \u2067",
	}
	var rows []report.Row
	for i, k := range keys {
		rows = append(rows, report.Row{Recipient: report.Recipient{Row: i + 2, Key: k, To: "x@example.org"}, Status: sendpool.StatusSent})
	}
	p := rowsPage(t, path, 1280, rows)
	for _, key := range keys {
		p.openKey(key)
		got := p.str("words of "+key, `JSON.stringify(Array.from(document.querySelectorAll('#rows tr.more .show-cmd bdi.word')).map(function (w) { return w.textContent; }))`)
		var words []string
		if err := json.Unmarshal([]byte(got), &words); err != nil {
			t.Fatal(err)
		}
		if want := []string{journal.ShellWord(path), journal.ShellWord(key)}; !slices.Equal(words, want) {
			t.Errorf("key %+q: the page quotes the words %q, tidings %q", key, words, want)
		}
	}
}
