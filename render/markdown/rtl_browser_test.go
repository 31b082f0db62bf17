package markdown

import (
	"bytes"
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
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
	exe := findBrowser(t)
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
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.Headless,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(700, 900))
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	defer acancel()
	tctx, tcancel := chromedp.NewContext(actx)
	defer tcancel()
	if err := chromedp.Do(tctx, chromedp.Navigate((&url.URL{Scheme: "file", Path: filepath.ToSlash(path)}).String())); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(tctx, chromedp.Evaluate[string](rtlCheck))
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"h1":"rtl right","p":"rtl right","ul":"rtl","li":"rtl right","quote":"rtl","quoteText":"rtl right","table":"rtl","en":"ltr left","bar":"4px 0px"}`
	if got != want {
		t.Errorf("Chromium computes\n%s\nwant\n%s", got, want)
	}
}

// findBrowser returns Chromium, or skips the test loudly (fails under
// CI=true) when there is none.
func findBrowser(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("TIDINGS_CHROME"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	const msg = "NO BROWSER: right-to-left bodies are NOT checked. Install chromium or set TIDINGS_CHROME."
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}
