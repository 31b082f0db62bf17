package preview

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/tidings/tidings/render/chromium"
)

// axNode is one node of the page's accessibility tree as a screen reader
// gets it: its role, its name and its properties (selected, setsize …).
type axNode struct {
	role, name string
	props      map[string]string
}

// galleryAXTree reads the page's accessibility tree (ignored nodes left
// out), in document order.
func galleryAXTree(t *testing.T, b *chromium.Browser) []axNode {
	t.Helper()
	res, err := chromedp.Call(b.Ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
	if err != nil {
		t.Fatalf("the accessibility tree: %v", err)
	}
	var nodes []axNode
	for _, n := range res.Nodes {
		if n.Ignored || n.Role == nil {
			continue
		}
		a := axNode{role: strings.Trim(string(n.Role.Value), `"`), props: map[string]string{}}
		if n.Name != nil {
			a.name = strings.Trim(string(n.Name.Value), `"`)
		}
		for _, p := range n.Properties {
			a.props[string(p.Name)] = strings.Trim(string(p.Value.Value), `"`)
		}
		nodes = append(nodes, a)
	}
	return nodes
}

// TestGalleryListbox: a screen reader hears the list of messages as a
// list box named Messages, whose options say which is open (selected)
// and where each stands among the rows listed ("4 of 300"), across the
// pages of 100: it was a nameless list of buttons, the open row a
// "current" button, where NVDA's browse mode kept ↑ and ↓ for reading
// the page and the list's own keys never reached the list.
func TestGalleryListbox(t *testing.T) {
	t.Parallel()
	dir := galleryPagingFixture(t, 300, 5)
	b := chromium.Start(t, 60*time.Second, 1400, 900)
	b.Do(t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready' && document.getElementById('message').dataset.loaded.indexOf('000002-') === 0`))
	b.Do(t, "open row 5", chromedp.Click(chromedp.CSS(`#rows .row-btn[data-idx="3"]`)),
		chromedp.Poll[chromedp.Void](`document.getElementById('message').dataset.loaded.indexOf('000005-') === 0`))
	var boxes, options, selected []string
	for _, n := range galleryAXTree(t, b) {
		switch n.role {
		case "listbox":
			boxes = append(boxes, n.name)
		case "option":
			options = append(options, n.name)
			if n.props["selected"] == "true" {
				selected = append(selected, strings.Fields(n.name)[0])
			}
		}
	}
	if len(boxes) != 1 || boxes[0] != "Messages" {
		t.Errorf("list boxes %q, want one, named Messages", boxes)
	}
	if len(options) != 100 {
		t.Errorf("%d options, want the page's 100 rows", len(options))
	}
	if want := []string{"#5"}; fmt.Sprint(selected) != fmt.Sprint(want) {
		t.Errorf("options selected: %q, want %q", selected, want)
	}
	// The tree Chromium gives has no place in a set; the attributes that
	// give it to a screen reader do.
	place := chromium.Get(t, b, "places", chromedp.Evaluate[string](`Array.from(document.querySelectorAll('#rows [role=option]')).filter(function (o, i) { return i === 3 || i === 99; }).map(function (o) {
		return o.querySelector('.row-num').textContent + ': ' + o.getAttribute('aria-posinset') + ' of ' + o.getAttribute('aria-setsize'); }).join(', ')`))
	if want := "5: 4 of 300, 101: 100 of 300"; place != want {
		t.Errorf("the options' places: %s, want %s", place, want)
	}
	for _, p := range b.Problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestGalleryListKeys: in the list, End opens the last row listed and
// Home the first, Page Down and Page Up move a page of 100 rows (the
// focus going with the selection), where no key reached past the page
// the list showed; and ↑, ↓, j and k do nothing outside the list: on a
// status filter they opened another message under the user's focus.
func TestGalleryListKeys(t *testing.T) {
	t.Parallel()
	dir := galleryPagingFixture(t, 300, 301, 201, 102, 101) // the rows the keys open
	b := chromium.Start(t, 60*time.Second, 1400, 900)
	b.Do(t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready' && document.getElementById('message').dataset.loaded.indexOf('000002-') === 0`))
	const where = `(function () { var a = document.activeElement, sel = document.querySelector('#rows .selected .row-num');
		return (a.classList.contains('row-btn') ? 'focus on row ' + a.querySelector('.row-num').textContent : 'focus on ' + (a.id || a.dataset.status || a.tagName)) +
			', row ' + (sel ? sel.textContent : 'none') + ' open, ' + document.getElementById('page-info').textContent; })()`
	b.Do(t, "focus the list", chromedp.Focus(chromedp.CSS(`#rows .row-btn[data-idx="0"]`)))
	for _, step := range []struct {
		what string
		key  string
		want string
	}{
		{"End", kb.End, "focus on row 301, row 301 open, 201–300 of 300"},
		{"Page Up", kb.PageUp, "focus on row 201, row 201 open, 101–200 of 300"},
		{"Home", kb.Home, "focus on row 2, row 2 open, 1–100 of 300"},
		{"Page Down", kb.PageDown, "focus on row 102, row 102 open, 101–200 of 300"},
		{"↑", kb.ArrowUp, "focus on row 101, row 101 open, 1–100 of 300"},
	} {
		b.Do(t, step.what, chromedp.KeyEvent(step.key))
		if got := chromium.Get(t, b, "where", chromedp.Evaluate[string](where)); got != step.want {
			t.Errorf("%s in the list: %s, want %s", step.what, got, step.want)
		}
	}
	b.Do(t, "focus the OK filter", chromedp.Focus(chromedp.CSS(`#status-filter [data-status=ok]`)))
	for _, key := range []string{kb.ArrowDown, kb.ArrowUp, "j", "k", kb.End, kb.PageDown} {
		b.Do(t, "a key", chromedp.KeyEvent(key))
	}
	if got, want := chromium.Get(t, b, "where", chromedp.Evaluate[string](where)), "focus on ok, row 101 open, 1–100 of 300"; got != want {
		t.Errorf("↓ ↑ j k End Page Down on the OK filter: %s, want %s (nothing moved)", got, want)
	}
	for _, p := range b.Problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestGalleryListboxSizeLoaded: once every row is loaded the options of
// the first page say how many rows are listed, all of them ("1 of
// 1,500"): drawn when the first 1,000 had come, they said "1 of 1,000"
// for good.
func TestGalleryListboxSizeLoaded(t *testing.T) {
	t.Parallel()
	dir := galleryPagingFixture(t, 1500)
	b := chromium.Start(t, 60*time.Second, 1400, 900)
	b.Do(t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	got := chromium.Get(t, b, "sizes", chromedp.Evaluate[string](`Array.from(new Set(Array.from(document.querySelectorAll('#rows [role=option]')).map(function (o) {
		return o.getAttribute('aria-setsize'); }))).join(' ')`))
	if got != "1500" {
		t.Errorf("the options' aria-setsize: %q, want 1500 (all the rows listed)", got)
	}
	for _, p := range b.Problems() {
		t.Errorf("browser reported %s", p)
	}
}
