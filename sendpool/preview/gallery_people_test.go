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

// galleryAnnPage writes the preview of one message to "Lee, Ann"
// <ann@example.org> dated Tue, 03 Nov 2026 09:00:00 +0000, opens it in a
// headless Chromium whose time zone is America/St_Johns (UTC-03:30 then)
// and shows the message. It returns a JavaScript evaluator and the
// browser's problems.
func galleryAnnPage(t *testing.T) (str func(what, js string) string, problems func() []string) {
	dir := filepath.Join(t.TempDir(), "preview")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := galleryTestMail{row: 2, key: "ann@example.org", fromName: "Acme News", fromAddr: "news@acme.example",
		toName: "Lee, Ann", toAddr: "ann@example.org", subject: "Hello", text: "Hello\r\n"}.message(t)
	m.To = `"Lee, Ann" <ann@example.org>` // as render writes it
	if err := w.WriteMessage(context.Background(), m, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, problems := galleryNewBrowser(t, 60*time.Second)
	if _, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "America/St_Johns"}); err != nil {
		t.Fatalf("time zone: %v", err)
	}
	galleryDo(ctx, t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	galleryOpenRow(ctx, t, 2, true)
	return func(what, js string) string { return galleryRun(ctx, t, what, chromedp.Evaluate[string](js)) }, problems
}

// TestGalleryListNames: the list names a recipient as one reads it, the
// name and then the address ("Lee, Ann" <ann@example.org> was shown so,
// quotes and brackets); the header as written is still in the Raw view.
func TestGalleryListNames(t *testing.T) {
	t.Parallel()
	str, problems := galleryAnnPage(t)
	if got := str("list", `document.querySelector('#rows .row-to').textContent`); got != "Lee, Ann ann@example.org" {
		t.Errorf("the list names the recipient %q, want \"Lee, Ann ann@example.org\"", got)
	}
	order := str("order", `(function () {
		var to = document.querySelector('#rows .row-to'), n = to.querySelector('.who-name'), a = to.querySelector('.who-addr');
		if (!n || !a) { return 'no name and address apart'; }
		return n.getBoundingClientRect().right <= a.getBoundingClientRect().left ? 'name, address' : 'address first';
	})()`)
	if order != "name, address" {
		t.Errorf("the list's recipient: %s", order)
	}
	if got := str("raw", `String(document.getElementById('raw-body').textContent.indexOf('To: "Lee, Ann" <ann@example.org>') >= 0)`); got != "true" {
		t.Errorf("the Raw view lacks the To header as written")
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestGalleryLocalTime: the message's Date, written in UTC, is shown in
// the viewer's time zone, which it names (here America/St_Johns,
// UTC-03:30), in a <time> whose datetime is the same instant.
func TestGalleryLocalTime(t *testing.T) {
	t.Parallel()
	str, problems := galleryAnnPage(t)
	date := str("date", `(function () {
		var dt = Array.from(document.querySelectorAll('#m-headers dt')).filter(function (e) { return e.textContent === 'Date'; })[0];
		var tm = dt && dt.nextElementSibling.querySelector('time');
		if (!tm) { return 'no <time>: ' + (dt ? dt.nextElementSibling.textContent : 'no Date'); }
		return tm.textContent + ' | ' + (Date.parse(tm.dateTime) === Date.UTC(2026, 10, 3, 9, 0, 0));
	})()`)
	if want := "2026-11-03 05:30:00 (UTC-03:30, America/St_Johns) | true"; date != want {
		t.Errorf("the message's Date shows %q, want %q", date, want)
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestGalleryUnseenShown: a name or an address holding a character that
// shows nothing (a zero-width space) or reorders what follows (an
// isolate left open) is listed with it as its code point, marked ("Bob
// Smith" with a zero-width space was listed "BobSmith", as if it had
// none), as on the report page, and so does a joiner or non-joiner
// between Latin letters ("Ann\u200cMarie" read "AnnMarie"); a Hebrew name
// with its mark, and a Persian one with its non-joiner, are listed as
// they are.
func TestGalleryUnseenShown(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "preview")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"Bob\u200bSmith", "\u2067Cy", "\u05d3\u05d5\u05d3\u200f", "Ann\u200cMarie", "\u0645\u0631\u06cc\u0645\u200c\u062e\u0627\u0646\u06cc"} {
		addr := fmt.Sprintf("r%d@example.org", i)
		m := galleryTestMail{row: i + 2, key: addr, fromName: "Acme News", fromAddr: "news@acme.example",
			toName: name, toAddr: addr, subject: "Hello", text: "Hello\r\n"}.message(t)
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
	got := galleryRun(ctx, t, "names", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#rows .who-name')).map(function (n) { return n.textContent; })`))
	if want := []string{"BobU+200BSmith", "U+2067Cy", "\u05d3\u05d5\u05d3\u200f", "AnnU+200CMarie", "\u0645\u0631\u06cc\u0645\u200c\u062e\u0627\u0646\u06cc"}; fmt.Sprintf("%+q", got) != fmt.Sprintf("%+q", want) {
		t.Errorf("the list names\n%+q\nwant\n%+q", got, want)
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}
