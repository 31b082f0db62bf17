package preview

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
	"github.com/tidings/tidings/sendpool"
)

// TestGallerySentBeforeWords: a preview after a send said of a row sent
// before "sent before: already sent at …", and of one whose message the
// spool no longer holds "not sent: already sent at …" under "will not be
// sent (sent)" (last session's users). Each says it once, in the
// journal's words; another status keeps its lead.
func TestGallerySentBeforeWords(t *testing.T) {
	t.Parallel()
	const at = "already sent at 2026-12-07T07:00:00+01:00"
	dir := filepath.Join(t.TempDir(), "preview")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	mail := func(row int, key string) galleryTestMail {
		return galleryTestMail{row: row, key: key, fromName: "Acme News", fromAddr: "news@acme.example",
			toName: "Reader", toAddr: key, subject: "Digest", text: "Hello\r\n"}
	}
	ctx := context.Background()
	if err := w.WriteSent(ctx, mail(2, "ann@example.org").message(t), sendpool.StatusSent, at, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteSent(ctx, mail(3, "bo@example.org").message(t), sendpool.StatusUnknown, "its delivery began at 2026-12-07T07:00:00+01:00, no final reply recorded", nil); err != nil {
		t.Fatal(err)
	}
	w.Skipped(mail(4, "cy@example.org").message(t), sendpool.StatusSent, at+"; the message that went out cannot be shown: spool: damaged", nil)
	w.Skipped(mail(5, "di@example.org").message(t), sendpool.StatusDuplicate, "duplicate of row 2", nil)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	bctx, problems := galleryNewBrowser(t, 60*time.Second)
	galleryDo(bctx, t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	notes := galleryRun(bctx, t, "notes", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#rows > li')).map(function (li) {
		return li.querySelector('.row-note').textContent; })`))
	want := []string{at, "unknown: its delivery began at 2026-12-07T07:00:00+01:00, no final reply recorded",
		at + "; the message that went out cannot be shown: spool: damaged", "not sent: duplicate of row 2"}
	if strings.Join(notes, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes\n got %q\nwant %q", notes, want)
	}
	galleryOpenRow(bctx, t, 4, false)
	if title := galleryRun(bctx, t, "title", chromedp.Text(chromedp.ID("iv-title"))); title != "Row 4 was sent before" {
		t.Errorf("row 4 opens as %q, want %q", title, "Row 4 was sent before")
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestGalleryBouncedWords: a row whose message bounced since it went out
// (report.CameBack's status and words) is listed in the report's words
// alone, not "bounced: bounced for …", with a badge of a problem, not of
// a message sent; a long diagnostic is cut in the list, whole in the
// note's title; one whose message the spool no longer holds reads as
// sent before, not "not sent: …".
func TestGalleryBouncedWords(t *testing.T) {
	t.Parallel()
	long := "bounced for ann@example.org, reported 2026-12-04T10:00:00Z: 550 5.1.1 " + strings.Repeat("the mailbox does not exist here ", 8)
	dir := filepath.Join(t.TempDir(), "preview")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	mail := func(row int, key string) galleryTestMail {
		return galleryTestMail{row: row, key: key, fromName: "Acme News", fromAddr: "news@acme.example",
			toName: "Reader", toAddr: key, subject: "Digest", text: "Hello\r\n"}
	}
	if err := w.WriteSent(context.Background(), mail(2, "ann@example.org").message(t), sendpool.StatusBounced, long, nil); err != nil {
		t.Fatal(err)
	}
	const soft = "soft-bounce for bo@example.org, reported 2026-12-04T10:00:00Z: 452 4.2.2 mailbox full"
	w.Skipped(mail(3, "bo@example.org").message(t), sendpool.StatusSoftBounce, soft+"; the message that went out cannot be shown: spool: damaged", nil)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	bctx, problems := galleryNewBrowser(t, 60*time.Second)
	galleryDo(bctx, t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	rows := galleryRun(bctx, t, "notes", chromedp.Evaluate[[][]string](`Array.from(document.querySelectorAll('#rows > li')).map(function (li) {
		var b = li.querySelector('.badge'), n = li.querySelector('.row-note');
		return [b.className + ' ' + b.textContent, n.textContent, n.title]; })`))
	cut := string([]rune(long)[:159]) + "…"
	want := [][]string{{"badge bad bounced", cut, long}, {"badge skip soft-bounce", soft + "; the message that went out cannot be shown: spool: damaged", ""}}
	if fmt.Sprintf("%q", rows) != fmt.Sprintf("%q", want) {
		t.Errorf("rows\n got %q\nwant %q", rows, want)
	}
	galleryOpenRow(bctx, t, 3, false)
	if title := galleryRun(bctx, t, "title", chromedp.Text(chromedp.ID("iv-title"))); title != "Row 3 was sent before (soft-bounce since)" {
		t.Errorf("row 3 opens as %q", title)
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestGalleryMessageSaysBounced: the gallery's list marked a row whose
// message bounced since it went out, but the row's message opened without
// a word of it (today's review). The message's view begins with the
// list's badge and the report's words, whole and as text (a diagnostic's
// <address> and markup stay text); a row only sent has none, also after
// a bounced one was open.
func TestGalleryMessageSaysBounced(t *testing.T) {
	t.Parallel()
	words := "bounced for ann@example.org, reported 2026-12-04T10:00:00Z: 550 5.1.1 <ann@example.org>: Recipient address rejected: <b>User unknown</b> & gone " +
		strings.Repeat("in the local recipient table ", 6)
	dir := filepath.Join(t.TempDir(), "preview")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	mail := func(row int, key string) galleryTestMail {
		return galleryTestMail{row: row, key: key, fromName: "Acme News", fromAddr: "news@acme.example",
			toName: "Reader", toAddr: key, subject: "Digest", text: "Hello\r\n"}
	}
	ctx := context.Background()
	if err := w.WriteSent(ctx, mail(2, "ann@example.org").message(t), sendpool.StatusBounced, words, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteSent(ctx, mail(3, "bo@example.org").message(t), sendpool.StatusSent, "already sent at 2026-12-04T09:00:00Z", nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	bctx, problems := galleryNewBrowser(t, 60*time.Second)
	galleryDo(bctx, t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	status := func() []string {
		return galleryRun(bctx, t, "status", chromedp.Evaluate[[]string](`(function () {
			var s = document.getElementById('m-status'), b = s.querySelector('.badge');
			return [String(s.hidden || s.offsetHeight === 0), b ? b.className + ' ' + b.textContent : '', s.textContent,
				String(s.querySelectorAll('*').length)]; })()`))
	}
	galleryOpenRow(bctx, t, 2, true)
	if got, want := status(), []string{"false", "badge bad bounced", "bounced " + words, "2"}; fmt.Sprintf("%q", got) != fmt.Sprintf("%q", want) {
		t.Errorf("row 2's message begins\n got %q\nwant %q", got, want)
	}
	galleryOpenRow(bctx, t, 3, true)
	if got := status(); got[0] != "true" {
		t.Errorf("row 3's message, only sent, begins with %q", got)
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}
