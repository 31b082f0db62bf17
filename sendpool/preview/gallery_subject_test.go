package preview

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
)

// TestGalleryListSubjectStart: a subject too long for the list shows its
// start, cut at its end. One that begins with an Arabic name and goes on
// in English ("سارة أحمد, your order …") was laid out right to left, its
// first strong letter's direction, and showed the end of the English
// ("…from the café 🎄 ,سارة أحمد"); now the name and the English words
// after it show. A Latin subject, and an Arabic one throughout (right to
// left, its start on the right), show their starts too.
func TestGalleryListSubjectStart(t *testing.T) {
	t.Parallel()
	const name = "\u0633\u0627\u0631\u0629 \u0623\u062d\u0645\u062f" // سارة أحمد
	arabic := "\u0637\u0644\u0628\u0643 \u062c\u0627\u0647\u0632 "   // طلبك جاهز
	subjects := []struct{ subject, first, second string }{
		{name + ", your order from the winter menu is ready for pickup at the counter, and the last pastries of the season are set aside for you at the café 🎄", name, "your order"},
		{"Sara Ahmed, your order from the winter menu is ready for pickup at the counter, and the last pastries of the season are set aside for you at the café 🎄", "Sara Ahmed", "your order"},
		{name + "، " + arabic + arabic + arabic + arabic + arabic + arabic + arabic + arabic + arabic + arabic + arabic + arabic, name, arabic[:len(arabic)-1]},
	}
	dir := filepath.Join(t.TempDir(), "preview")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range subjects {
		addr := fmt.Sprintf("r%d@example.org", i)
		m := galleryTestMail{row: i + 2, key: addr, fromName: "Acme News", fromAddr: "news@acme.example",
			toName: "Sara", toAddr: addr, subject: s.subject, text: "Hello\r\n"}.message(t)
		if err := w.WriteMessage(context.Background(), m, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, problems := galleryNewBrowser(t, 60*time.Second)
	galleryDo(ctx, t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	for i, s := range subjects {
		got := galleryRun(ctx, t, "subject", chromedp.Evaluate[string](fmt.Sprintf(shownJS, i, s.first, s.second)))
		if got != "cut, start shown" {
			t.Errorf("row %d's subject %q in the list: %s", i+2, s.subject, got)
		}
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}

// shownJS says whether the i-th list entry's subject overflows its box
// and whether the words %q and %q (its first and the next) lie inside it.
const shownJS = `(function (i, first, second) {
	var box = document.querySelectorAll('#rows .row-subject')[i];
	if (!box) { return 'no subject'; }
	if (box.scrollWidth <= box.clientWidth) { return 'not cut: the test needs a longer subject'; }
	var r = box.getBoundingClientRect();
	function inside(word) {
		var walk = document.createTreeWalker(box, NodeFilter.SHOW_TEXT), n;
		while ((n = walk.nextNode())) {
			var at = n.data.indexOf(word);
			if (at < 0) { continue; }
			var rg = document.createRange();
			rg.setStart(n, at);
			rg.setEnd(n, at + word.length);
			return Array.from(rg.getClientRects()).every(function (c) { return c.left >= r.left - 0.5 && c.right <= r.right + 0.5; });
		}
		return false;
	}
	if (!inside(first)) { return first + ' hidden'; }
	if (!inside(second)) { return second + ' hidden, the text beside the first words is another part'; }
	return 'cut, start shown';
})(%d, %q, %q)`

// TestGalleryListSubjectFits: a short subject with a right-to-left name
// in English words, "Hello דוד כהן,", which fits its box, reads in the
// list as in the message's heading, as a mail program shows it: Hello
// first, on the left. It read "דוד כהן, Hello", right to left, the
// direction of most of its letters, which only a cut line needs.
func TestGalleryListSubjectFits(t *testing.T) {
	t.Parallel()
	subjects := []string{"Hello \u05d3\u05d5\u05d3 \u05db\u05d4\u05df,", "Hello \u0633\u0627\u0631\u0629 \u0623\u062d\u0645\u062f,"} // דוד כהן, سارة أحمد
	dir := filepath.Join(t.TempDir(), "preview")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range subjects {
		addr := fmt.Sprintf("r%d@example.org", i)
		m := galleryTestMail{row: i + 2, key: addr, fromAddr: "news@acme.example", toAddr: addr, subject: s, text: "Hello\r\n"}.message(t)
		if err := w.WriteMessage(context.Background(), m, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, problems := galleryNewBrowser(t, 60*time.Second)
	galleryDo(ctx, t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	for i, s := range subjects {
		got := galleryRun(ctx, t, "subject", chromedp.Evaluate[string](fmt.Sprintf(`(function (i) {
			var box = document.querySelectorAll('#rows .row-subject')[i], text = box.firstChild;
			var at = function (from, to) { var r = document.createRange(); r.setStart(text, from); r.setEnd(text, to); return r.getBoundingClientRect(); };
			return at(0, 5).left < at(6, 9).left ? 'Hello first' : 'Hello after the name';
		})(%d)`, i)))
		if got != "Hello first" {
			t.Errorf("row %d's subject %q in the list: %s", i+2, s, got)
		}
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestGalleryListSubjectTurned: a subject cut on a phone held upright
// (380 pixels), "Hello" and a Hebrew sentence, is laid out in the
// direction of most of its letters; turned (820 pixels), where it fits,
// it reads as the message's heading does, Hello first, on the left. The
// list's lines were measured once, when drawn, and the subject kept the
// cut line's layout: "…, Hello", right to left.
func TestGalleryListSubjectTurned(t *testing.T) {
	t.Parallel()
	const subject = "Hello \u05d3\u05d5\u05d3 \u05db\u05d4\u05df, \u05d4\u05d4\u05d6\u05de\u05e0\u05d4 \u05e9\u05dc\u05da \u05de\u05d5\u05db\u05e0\u05d4 \u05dc\u05d0\u05d9\u05e1\u05d5\u05e3 \u05d1\u05d3\u05dc\u05e4\u05e7 \u05d4\u05e7\u05d5\u05e4\u05d4" // דוד כהן, ההזמנה שלך מוכנה לאיסוף בדלפק הקופה
	dir := filepath.Join(t.TempDir(), "preview")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := galleryTestMail{row: 2, key: "r@example.org", fromAddr: "news@acme.example", toAddr: "r@example.org", subject: subject, text: "Hello\r\n"}.message(t)
	if err := w.WriteMessage(context.Background(), m, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b := chromium.Start(t, 60*time.Second, 1400, 900)
	phone := func(width, height int64) {
		t.Helper()
		if _, err := chromedp.Call(b.Ctx, emulation.SetDeviceMetricsOverride,
			emulation.SetDeviceMetricsOverrideParams{Width: width, Height: height, DeviceScaleFactor: 1, Mobile: true}); err != nil {
			t.Fatalf("a phone's screen: %v", err)
		}
	}
	phone(380, 820)
	b.Do(t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	const laidOut = `(function () {
		var box = document.querySelector('#rows .row-subject'), text = box.firstChild;
		var at = function (from, to) { var r = document.createRange(); r.setStart(text, from); r.setEnd(text, to); return r.getBoundingClientRect(); };
		return (box.scrollWidth > box.clientWidth ? 'cut, ' : 'fits, ') + (at(0, 5).left < at(6, 9).left ? 'Hello first' : 'Hello after the name');
	})()`
	if got := chromium.Get(t, b, "upright", chromedp.Evaluate[string](laidOut)); got != "cut, Hello after the name" {
		t.Fatalf("upright, the subject %q in the list: %s, want cut, in the direction of most of its letters", subject, got)
	}
	phone(820, 380)
	// The page lays its list out anew when the window changes: wait for
	// the subject to read as the heading does (10 s, then say how it reads).
	ctx, cancel := context.WithTimeout(b.Ctx, 10*time.Second)
	defer cancel()
	if _, err := chromedp.Poll[chromedp.Void](laidOut+` === 'fits, Hello first'`)(ctx, chromedp.FromContext(ctx).Target); err != nil {
		got := chromium.Get(t, b, "turned", chromedp.Evaluate[string](laidOut))
		t.Errorf("turned, the subject %q in the list: %s, want it laid out as the heading, Hello first", subject, got)
	}
	for _, p := range b.Problems() {
		t.Errorf("browser reported %s", p)
	}
}
