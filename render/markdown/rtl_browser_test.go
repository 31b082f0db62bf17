package markdown

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
)

// rtlBody is a Markdown body in Arabic with one English paragraph.
const rtlBody = "# مرحبا محمد!\n\nشكرا لاشتراكك في نشرتنا.\n\n- البند الأول.\n- البند الثاني.\n\n" +
	"> اقتباس مهم.\n\n| الاسم | المبلغ |\n|---|---|\n| محمد | 100 |\n\nHello in English, left to right.\n"

// rtlCheck is what Chromium computes for each block of rtlBody in the
// built-in layout: its direction, the side of its text, a quote's bar.
const rtlCheck = `(() => {
  const side = el => { const r = document.createRange(); r.selectNodeContents(el);
    const t = r.getBoundingClientRect(), b = el.getBoundingClientRect();
    return (b.right - t.right) < (t.left - b.left) ? 'right' : 'left'; };
  const out = {}, ps = document.querySelectorAll('.tidings-content p');
  const blocks = [['h1', 'h1', true], ['p', ps[0], true], ['ul', 'ul', false], ['li', 'li', true],
    ['quote', 'blockquote', false], ['quoteText', 'blockquote p', true], ['table', '.tidings-content table', false],
    ['en', ps[ps.length - 1], true]];
  for (const [k, sel, text] of blocks) {
    const el = typeof sel === 'string' ? document.querySelector(sel) : sel;
    out[k] = getComputedStyle(el).direction + (text ? ' ' + side(el) : '');
  }
  const q = getComputedStyle(document.querySelector('blockquote'));
  out.bar = q.borderRightWidth + ' ' + q.borderLeftWidth;
  return JSON.stringify(out);
})()`

// TestRightToLeftInBrowser renders an Arabic body in the built-in layout
// in headless Chromium: its heading, paragraphs, list, quote and table read
// right to left, set to the right (the quote's bar on the right), and an
// English paragraph beside them left to right, on the left.
func TestRightToLeftInBrowser(t *testing.T) {
	var body, text, page bytes.Buffer
	if err := New(Options{Styled: true}).Convert([]byte(rtlBody), &body, &text); err != nil {
		t.Fatal(err)
	}
	if err := Layout(&page, body.Bytes(), "نشرة"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "rtl.html")
	if err := os.WriteFile(path, page.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	b := chromium.Start(t, time.Minute, 700, 900)
	b.Do(t, "load", chromedp.Navigate(chromium.FileURL(path)))
	got := chromium.Get(t, b, "directions", chromedp.Evaluate[string](rtlCheck))
	const want = `{"h1":"rtl right","p":"rtl right","ul":"rtl","li":"rtl right","quote":"rtl","quoteText":"rtl right","table":"rtl","en":"ltr left","bar":"4px 0px"}`
	if got != want {
		t.Errorf("Chromium computes\n%s\nwant\n%s", got, want)
	}
	for _, problem := range b.Problems() {
		t.Errorf("browser reported %s", problem)
	}
}
