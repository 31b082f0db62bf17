package preview

import (
	"slices"

	"github.com/tidings/tidings/render/chromium"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"

	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/mail"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render"
)

// Hostile values: if any of them ever reaches HTML parsing in the page, or
// runs in a message frame, window.__pwned is set.
const (
	galleryHostileName    = `<script>window.__pwned=1</script>`
	galleryHostileSubject = `"><img src=x onerror="window.__pwned=1">`
	galleryHostileFile    = `"><img src=x onerror=window.__pwned=1>.pdf`
	galleryHostileHTML    = `<p>Hi <b>there</b></p>` +
		`<script>parent.__pwned=1;window.__pwned=1</script>` +
		`<img id="evil" src="data:image/png;base64,AAAA" onerror="parent.__pwned=1;window.__pwned=1">` +
		`<svg onload="parent.__pwned=1"></svg>` +
		`<a id="js" href="javascript:parent.__pwned=1">click</a>`
)

// galleryTestFile is an attachment or inline part of a test message.
type galleryTestFile struct {
	name, cid, ctype string
	data             []byte
}

// galleryTestMail builds a real MIME message the way a mail engineer would:
// multipart/mixed { multipart/alternative { text/plain,
// multipart/related { text/html, inline images } }, attachments }.
type galleryTestMail struct {
	row                int
	key                string
	fromName, fromAddr string
	toName, toAddr     string
	subject            string
	text, html         string
	attachments        []galleryTestFile
	inline             []galleryTestFile
	unsubscribe        string
}

func (m galleryTestMail) message(t testing.TB) *render.Message {
	t.Helper()
	var head bytes.Buffer
	hdr := func(name, value string) { fmt.Fprintf(&head, "%s: %s\r\n", name, value) }
	from := (&mail.Address{Name: m.fromName, Address: m.fromAddr}).String()
	to := (&mail.Address{Name: m.toName, Address: m.toAddr}).String()
	hdr("Date", "Tue, 03 Nov 2026 09:00:00 +0000")
	hdr("From", from)
	hdr("To", to)
	hdr("Reply-To", "help@acme.example")
	hdr("Subject", mime.QEncoding.Encode("utf-8", m.subject))
	hdr("Message-ID", fmt.Sprintf("<test.%d@acme.example>", m.row))
	if m.unsubscribe != "" {
		hdr("List-Unsubscribe", m.unsubscribe)
		hdr("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
	}
	hdr("MIME-Version", "1.0")

	qp := func(s string) []byte {
		var b bytes.Buffer
		w := quotedprintable.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.Bytes()
	}
	// part writes one leaf or nested entity into mw.
	part := func(mw *multipart.Writer, h textproto.MIMEHeader, body []byte) {
		pw, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		pw.Write(body)
	}
	b64 := func(data []byte) []byte {
		var b bytes.Buffer
		enc := []byte(galleryB64(data))
		for len(enc) > 76 {
			b.Write(enc[:76])
			b.WriteString("\r\n")
			enc = enc[76:]
		}
		b.Write(enc)
		return b.Bytes()
	}
	textH := func(ctype string) textproto.MIMEHeader {
		return textproto.MIMEHeader{
			"Content-Type":              {ctype + "; charset=utf-8"},
			"Content-Transfer-Encoding": {"quoted-printable"},
		}
	}

	// The HTML, with its inline images when there are any.
	htmlType, htmlBody := "", []byte(nil)
	if m.html != "" {
		htmlType, htmlBody = "text/html; charset=utf-8", qp(m.html)
		if len(m.inline) > 0 {
			var rel bytes.Buffer
			rw := multipart.NewWriter(&rel)
			part(rw, textH("text/html"), htmlBody)
			for _, f := range m.inline {
				disp := "inline"
				if f.name != "" {
					disp = mime.FormatMediaType(disp, map[string]string{"filename": f.name})
				}
				part(rw, textproto.MIMEHeader{
					"Content-Type":              {f.ctype},
					"Content-Transfer-Encoding": {"base64"},
					"Content-Id":                {"<" + f.cid + ">"},
					"Content-Disposition":       {disp},
				}, b64(f.data))
			}
			rw.Close()
			htmlType, htmlBody = `multipart/related; type="text/html"; boundary=`+rw.Boundary(), rel.Bytes()
		}
	}
	bodyType, bodyEnc, body := "", "", []byte(nil)
	switch {
	case m.text != "" && m.html != "":
		var alt bytes.Buffer
		aw := multipart.NewWriter(&alt)
		part(aw, textH("text/plain"), qp(m.text))
		h := textproto.MIMEHeader{"Content-Type": {htmlType}}
		if !strings.HasPrefix(htmlType, "multipart/") {
			h.Set("Content-Transfer-Encoding", "quoted-printable")
		}
		part(aw, h, htmlBody)
		aw.Close()
		bodyType, body = "multipart/alternative; boundary="+aw.Boundary(), alt.Bytes()
	case m.html != "":
		bodyType, body = htmlType, htmlBody
		if !strings.HasPrefix(htmlType, "multipart/") {
			bodyEnc = "quoted-printable"
		}
	default:
		bodyType, bodyEnc, body = "text/plain; charset=utf-8", "quoted-printable", qp(m.text)
	}
	var atts []render.Attachment
	if len(m.attachments) > 0 {
		var mixed bytes.Buffer
		mw := multipart.NewWriter(&mixed)
		h := textproto.MIMEHeader{"Content-Type": {bodyType}}
		if bodyEnc != "" {
			h.Set("Content-Transfer-Encoding", bodyEnc)
		}
		part(mw, h, body)
		for _, f := range m.attachments {
			part(mw, textproto.MIMEHeader{
				"Content-Type":              {mime.FormatMediaType(f.ctype, map[string]string{"name": f.name})},
				"Content-Transfer-Encoding": {"base64"},
				"Content-Disposition":       {mime.FormatMediaType("attachment", map[string]string{"filename": f.name})},
			}, b64(f.data))
			atts = append(atts, render.Attachment{Name: f.name, Size: int64(len(f.data)), ContentType: f.ctype})
		}
		mw.Close()
		bodyType, bodyEnc, body = "multipart/mixed; boundary="+mw.Boundary(), "", mixed.Bytes()
	}
	hdr("Content-Type", bodyType)
	if bodyEnc != "" {
		hdr("Content-Transfer-Encoding", bodyEnc)
	}
	head.WriteString("\r\n")
	head.Write(body)
	return &render.Message{
		Row: m.row, Key: m.key, To: m.toName + " <" + m.toAddr + ">", // decoded, as render does
		Subject: m.subject, MessageID: fmt.Sprintf("test.%d@acme.example", m.row),
		Attachments: atts, Data: head.Bytes(),
	}
}

func galleryB64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// galleryPNG is a real w×h PNG of one colour.
func galleryPNG(t testing.TB, w, h int, c color.Color) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// galleryFixture writes a preview of realistic and hostile messages into a
// new folder and returns it. remote is the base URL of a loopback server
// that the first message's HTML references as a remote image.
func galleryFixture(t *testing.T, remote string) (dir string, total int) {
	t.Helper()
	dir = filepath.Join(t.TempDir(), "preview")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	logo := galleryPNG(t, 40, 20, color.RGBA{0x0b, 0x57, 0xd0, 0xff})
	pdf := []byte("%PDF-1.4\n% invoice\n" + strings.Repeat("0123456789abcdef", 300))
	mails := []galleryTestMail{
		{
			row: 2, key: "alice@example.com",
			fromName: "Acme News", fromAddr: "news@acme.example",
			toName: "Alice Liddell", toAddr: "alice@example.com",
			subject: "Alice, your November digest",
			text:    "Hello Alice,\r\n\r\nThis is the plain text part of the digest.\r\n",
			html: `<!doctype html><html><head><style>.box{padding:16px;background:#f1f3f4}</style></head><body>` +
				`<div class="box"><img id="logo" src="cid:logo@acme.example" alt="Acme" width="40" height="20">` +
				`<h1 id="greeting">Hello Alice, your digest</h1>` +
				`<p>Read the <a href="https://acme.example/nov">November issue</a>.</p>` +
				`<img id="remote" src="` + remote + `/pixel.png" width="10" height="10" alt="pixel">` +
				`<div id="bg" style="background-image:url('` + remote + `/bg.png');height:8px"></div>` +
				`</div></body></html>`,
			inline: []galleryTestFile{{cid: "logo@acme.example", ctype: "image/png", data: logo},
				{name: "0042.png", cid: "0042.png~1.3fa9c2d1@acme", ctype: "image/png", data: logo}},
			attachments: []galleryTestFile{{name: "invoice-2026-11.pdf", ctype: "application/pdf", data: pdf}},
			unsubscribe: "<https://acme.example/unsub?u=alice>, <mailto:unsub@acme.example>",
		},
		{
			row: 3, key: "zhang@example.cn",
			fromName: "Acme 新闻", fromAddr: "news@acme.example",
			toName: "张伟", toAddr: "zhang@example.cn",
			subject: "张伟，您的十一月摘要",
			text:    "张伟，您好！\r\n这是纯文本部分。\r\n",
			html:    `<p id="greeting">张伟，您好！</p><p>这是十一月摘要。</p>`,
		},
		{
			row: 4, key: "mallory@example.com",
			fromName: "Acme News", fromAddr: "news@acme.example",
			toName: galleryHostileName, toAddr: "mallory@example.com",
			subject:     galleryHostileSubject,
			text:        "Hi " + galleryHostileName + "\r\n",
			html:        galleryHostileHTML,
			attachments: []galleryTestFile{{name: galleryHostileFile, ctype: "application/pdf", data: pdf[:100]}},
		},
		{
			row: 6, key: "text-only@example.com",
			fromName: "Acme News", fromAddr: "news@acme.example",
			toName: "Plain Reader", toAddr: "text-only@example.com",
			subject: "Text only", text: "Only text here.\r\n",
		},
	}
	// Enough plain rows to need a second page.
	for i := range 125 {
		row := 7 + i
		mails = append(mails, galleryTestMail{
			row: row, key: fmt.Sprintf("reader%03d@example.org", i),
			fromName: "Acme News", fromAddr: "news@acme.example",
			toName: fmt.Sprintf("Reader %03d", i), toAddr: fmt.Sprintf("reader%03d@example.org", i),
			subject: fmt.Sprintf("Digest for reader %03d", i),
			text:    "Hello reader.\r\n", html: fmt.Sprintf("<p>Hello reader %03d</p>", i),
		})
	}
	// Write out of order and concurrently, as the render workers do.
	var wg sync.WaitGroup
	for i := len(mails) - 1; i >= 0; i-- {
		m := mails[i].message(t)
		wg.Go(func() {
			if err := w.WriteMessage(ctx, m, nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	w.Invalid(5, "", fmt.Errorf("render: people.csv:5: column %q: %s is not an address", "email", galleryHostileName))
	// Rows send will skip: listed, never shown as messages.
	skip := func(row int, key string) *render.Message {
		return galleryTestMail{row: row, key: key, fromAddr: "news@acme.example", toName: "Skipped Reader", toAddr: key,
			subject: "Skipped digest", text: "Hello\r\n"}.message(t)
	}
	// Rows 132 and 133, after the last reader (row 131).
	w.Skipped(skip(len(mails)+3, "TEXT-ONLY@example.com"), sendpool.StatusDuplicate, "duplicate of row 6", nil)
	w.Skipped(skip(len(mails)+4, "gone@blocked.example"), sendpool.StatusSuppressed, "gone@blocked.example is suppressed (@blocked.example)", nil)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, len(mails) + 3
}

// galleryNewBrowser starts a headless Chromium (chromium.Start) with a
// window of 1400×900 and returns its tab's context, bounded by timeout,
// and what the pages threw or logged.
func galleryNewBrowser(t testing.TB, timeout time.Duration) (context.Context, func() []string) {
	t.Helper()
	b := chromium.Start(t, timeout, 1400, 900)
	return b.Ctx, b.Problems
}

func galleryRun[T any](ctx context.Context, t *testing.T, what string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func galleryDo(ctx context.Context, t *testing.T, what string, a ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, a...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// galleryOpenRow clicks the list entry of a sheet row and waits until its
// message (or problem) is shown and its frames have loaded.
func galleryOpenRow(ctx context.Context, t *testing.T, row int, ok bool) {
	t.Helper()
	btn := fmt.Sprintf(`//ol[@id="rows"]//button[.//span[@class="row-num" and text()="%d"]]`, row)
	galleryDo(ctx, t, fmt.Sprintf("click row %d", row), chromedp.Click(btn))
	if ok {
		galleryRun(ctx, t, fmt.Sprintf("message of row %d", row), chromedp.Poll[chromedp.Void](
			fmt.Sprintf(`document.getElementById('message').dataset.loaded.startsWith(%q) &&
				(document.querySelector('.tabs [data-tab=html]').disabled || document.getElementById('frame-desktop').dataset.ready === 'true')`,
				fmt.Sprintf("%06d-", row))))
	} else {
		galleryDo(ctx, t, fmt.Sprintf("problem of row %d", row), chromedp.WaitVisible(chromedp.ID("invalid-view")))
	}
}

// TestGalleryBrowser builds a preview and drives headless Chromium through
// the page opened from disk: list, pagination, search, status filter, one
// message's HTML (with its inline image, its remote images blocked until
// asked for), text and headers, and hostile values that must stay text.
func TestGalleryBrowser(t *testing.T) {
	t.Parallel()
	// A loopback server stands in for a remote image host: the page must not
	// ask it for anything until remote images are switched on.
	requests := make(chan string, 16)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pixel := galleryPNG(t, 10, 10, color.RGBA{0xc5, 0x22, 0x1f, 0xff})
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case requests <- r.URL.Path:
		default:
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write(pixel)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	remote := "http://" + ln.Addr().String()

	dir, total := galleryFixture(t, remote)
	for _, name := range []string{"index.html", "report.csv", "gallery/gallery.js", "gallery/rows.js",
		"gallery/rows-0001.js", "gallery/msg/000002-alice@example.com.js", "000002-alice@example.com.eml"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("preview lacks %s: %v", name, err)
		}
	}

	ctx, problems := galleryNewBrowser(t, 60*time.Second)
	start := time.Now()
	galleryDo(ctx, t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	t.Logf("page with %d rows ready in %v", total, time.Since(start))

	count := func(what string) int {
		return galleryRun(ctx, t, what, chromedp.Evaluate[int](`document.querySelectorAll('#rows > li').length`))
	}
	pageTotal := func(what string) int {
		return galleryRun(ctx, t, what, chromedp.Evaluate[int](`Number(document.getElementById('page-info').dataset.total)`))
	}
	// clearSearch empties the search box without an input event; the
	// SendKeys that follows types the new query.
	clearSearch := chromedp.Evaluate[chromedp.Void](`document.getElementById('search').value = ''`)
	// waitTotal waits until the filtered list has want rows.
	waitTotal := func(what string, want int) {
		t.Helper()
		_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](
			fmt.Sprintf(`document.getElementById('page-info').dataset.total === '%d'`, want),
			chromedp.WithPollingTimeout(10*time.Second)))
		if err != nil {
			t.Fatalf("%s: want %d rows, list shows %d: %v", what, want, pageTotal(what), err)
		}
	}
	if n := count("rows on page 1"); n != 100 {
		t.Errorf("page 1 lists %d rows, want 100", n)
	}
	if n := pageTotal("total"); n != total {
		t.Errorf("list total = %d, want %d", n, total)
	}
	if got := galleryRun(ctx, t, "summary", chromedp.Text(chromedp.ID("summary"))); !strings.Contains(got, fmt.Sprintf("%d messages", total)) || !strings.Contains(got, "1 invalid") {
		t.Errorf("summary = %q", got)
	}
	firstRows := galleryRun(ctx, t, "row numbers", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#rows .row-num')).slice(0, 5).map(function (e) { return e.textContent; })`))
	if strings.Join(firstRows, ",") != "2,3,4,5,6" {
		t.Errorf("first rows = %v, want sheet order 2,3,4,5,6", firstRows)
	}
	galleryDo(ctx, t, "next page", chromedp.Click(chromedp.ID("next")))
	if n := count("rows on page 2"); n != total-100 {
		t.Errorf("page 2 lists %d rows, want %d", n, total-100)
	}
	galleryDo(ctx, t, "previous page", chromedp.Click(chromedp.ID("prev")))

	// Rows send will skip are listed as skipped, with why, and never open
	// as a message.
	if got := galleryRun(ctx, t, "summary", chromedp.Text(chromedp.ID("summary"))); !strings.Contains(got, fmt.Sprintf("%d ok", total-3)) || !strings.Contains(got, "2 skipped") {
		t.Errorf("summary = %q, want %d ok and 2 skipped", got, total-3)
	}
	if got := galleryRun(ctx, t, "skipped count", chromedp.Text(chromedp.ID("count-skipped"))); got != "2" {
		t.Errorf("Skipped filter counts %q, want 2", got)
	}
	galleryDo(ctx, t, "status skipped", chromedp.Click(chromedp.CSS(`#status-filter [data-status=skipped]`)))
	waitTotal("skipped only", 2)
	skipped := galleryRun(ctx, t, "skipped rows", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#rows > li')).map(function (li) {
		return li.className + '|' + li.querySelector('.badge').textContent + '|' + li.querySelector('.row-note').textContent; })`))
	wantSkipped := []string{"row skipped|duplicate|not sent: duplicate of row 6",
		"row skipped|suppressed|not sent: gone@blocked.example is suppressed (@blocked.example)"}
	if strings.Join(skipped, "\n") != strings.Join(wantSkipped, "\n") {
		t.Errorf("skipped rows\n got %q\nwant %q", skipped, wantSkipped)
	}
	galleryOpenRow(ctx, t, total+1, false) // the suppressed row, the sheet's last
	view := galleryRun(ctx, t, "skipped view", chromedp.Evaluate[[]string](`[document.getElementById('iv-title').textContent,
		document.getElementById('iv-problem').textContent, String(document.getElementById('message').hidden)]`))
	if strings.Join(view, "|") != fmt.Sprintf("Row %d will not be sent (suppressed)|gone@blocked.example is suppressed (@blocked.example)|true", total+1) {
		t.Errorf("skipped row opens as %q", view)
	}
	chromium.SaveScreenshot(t, "gallery-skipped.png", galleryRun(ctx, t, "skipped screenshot", chromedp.CaptureScreenshot()))
	galleryDo(ctx, t, "status ok", chromedp.Click(chromedp.CSS(`#status-filter [data-status=ok]`)))
	waitTotal("ok only", total-3)
	galleryDo(ctx, t, "status all", chromedp.Click(chromedp.CSS(`#status-filter [data-status=all]`)))
	waitTotal("all again", total)

	// Search: every word must match somewhere in the row.
	galleryDo(ctx, t, "search", chromedp.SendKeys(chromedp.ID("search"), "digest reader01"))
	waitTotal("search results", 10)
	if n := count("rows after search"); n != 10 {
		t.Errorf("search lists %d rows, want 10 (reader010..019)", n)
	}
	// The hostile row is found by its literal text, and the invalid row by its problem.
	galleryDo(ctx, t, "search hostile", clearSearch, chromedp.SendKeys(chromedp.ID("search"), "__pwned"))
	waitTotal("hostile results", 2)
	galleryDo(ctx, t, "status invalid", chromedp.Click(chromedp.CSS(`#status-filter [data-status=invalid]`)))
	waitTotal("invalid only", 1)
	if got := galleryRun(ctx, t, "invalid row text", chromedp.Text(chromedp.CSS(`#rows .row-problem`))); !strings.Contains(got, galleryHostileName) {
		t.Errorf("invalid row shows %q, want its problem with the literal %q", got, galleryHostileName)
	}
	galleryOpenRow(ctx, t, 5, false)
	if got := galleryRun(ctx, t, "problem view", chromedp.Text(chromedp.ID("iv-problem"))); !strings.Contains(got, "is not an address") {
		t.Errorf("problem view shows %q", got)
	}
	galleryDo(ctx, t, "status all", chromedp.Click(chromedp.CSS(`#status-filter [data-status=all]`)))
	waitTotal("both hostile rows", 2)

	// The hostile message: its values are text, its HTML runs nothing.
	galleryOpenRow(ctx, t, 4, true)
	listText := galleryRun(ctx, t, "list text", chromedp.Text(chromedp.ID("rows")))
	for _, v := range []string{galleryHostileName, galleryHostileSubject, galleryHostileFile} {
		if !strings.Contains(listText, v) {
			t.Errorf("list does not show %q literally:\n%s", v, listText)
		}
	}
	if got := galleryRun(ctx, t, "subject", chromedp.Text(chromedp.ID("m-subject"))); got != galleryHostileSubject {
		t.Errorf("subject shown as %q, want the literal %q", got, galleryHostileSubject)
	}
	if n := galleryRun(ctx, t, "elements from data", chromedp.Evaluate[int](`document.querySelectorAll('#rows img, #rows script, .msg-head img, .msg-head script').length`)); n != 0 {
		t.Errorf("%d img/script elements were created from row data", n)
	}
	hostileFrame := galleryRun(ctx, t, "hostile frame", chromedp.Evaluate[map[string]any](`(function () {
		var f = document.getElementById('frame-desktop'), d = f.contentDocument;
		var evil = d.getElementById('evil');
		return { text: d.body.innerText, evilComplete: !!(evil && evil.complete), frameFlag: String(f.contentWindow.__pwned),
			sandbox: f.getAttribute('sandbox'), scripts: d.scripts.length };
	})()`))
	if !strings.Contains(fmt.Sprint(hostileFrame["text"]), "Hi there") || hostileFrame["evilComplete"] != true {
		t.Errorf("hostile frame not rendered as expected: %v", hostileFrame)
	}
	if s := fmt.Sprint(hostileFrame["sandbox"]); strings.Contains(s, "allow-scripts") {
		t.Errorf("frame sandbox %q allows scripts", s)
	}
	if hostileFrame["frameFlag"] != "undefined" {
		t.Errorf("script ran inside the message frame: __pwned = %v", hostileFrame["frameFlag"])
	}
	// Clicking a javascript: link in the frame must not run it either.
	galleryDo(ctx, t, "click javascript: link", chromedp.Evaluate[chromedp.Void](`document.getElementById('frame-desktop').contentDocument.getElementById('js').click()`))

	// The realistic message.
	galleryDo(ctx, t, "clear search", clearSearch, chromedp.SendKeys(chromedp.ID("search"), "alice"))
	waitTotal("alice", 1)
	galleryOpenRow(ctx, t, 2, true)
	frame := galleryRun(ctx, t, "alice frame", chromedp.Evaluate[map[string]any](`(function () {
		var d = document.getElementById('frame-desktop').contentDocument;
		var logo = d.getElementById('logo'), remote = d.getElementById('remote');
		return { greeting: d.getElementById('greeting').textContent, text: d.body.innerText,
			logoSrc: logo.src.slice(0, 22), logoWidth: logo.naturalWidth, remoteSrc: remote.src.slice(0, 40),
			padding: d.defaultView.getComputedStyle(d.querySelector('.box')).paddingTop,
			csp: d.querySelector('meta[http-equiv="Content-Security-Policy"]').content };
	})()`))
	if frame["greeting"] != "Hello Alice, your digest" {
		t.Errorf("frame greeting = %v", frame["greeting"])
	}
	if frame["logoSrc"] != "data:image/png;base64," || frame["logoWidth"] != float64(40) {
		t.Errorf("inline cid: image not shown: src %v, natural width %v", frame["logoSrc"], frame["logoWidth"])
	}
	if strings.HasPrefix(fmt.Sprint(frame["remoteSrc"]), "http") {
		t.Errorf("remote image not blocked: src %v", frame["remoteSrc"])
	}
	if frame["padding"] != "16px" {
		t.Errorf("the message's <style> did not apply: padding %v", frame["padding"])
	}
	if !strings.Contains(fmt.Sprint(frame["csp"]), "img-src data:") || strings.Contains(fmt.Sprint(frame["csp"]), "http") {
		t.Errorf("frame CSP = %v", frame["csp"])
	}
	select {
	case p := <-requests:
		t.Errorf("the page fetched %s from the remote server before remote images were switched on", p)
	default:
	}
	heads := galleryRun(ctx, t, "headers", chromedp.Text(chromedp.ID("m-headers")))
	for _, want := range []string{"From", `"Acme News" <news@acme.example>`, "Reply-To", "help@acme.example",
		"List-Unsubscribe", "https://acme.example/unsub?u=alice"} {
		if !strings.Contains(heads, want) {
			t.Errorf("message headers lack %q:\n%s", want, heads)
		}
	}
	// A row's own inline image by its file name, not its Content-ID
	// (rev-user18: "cid:0001.png~1.7d6f7c96@trip-2026"); one without a
	// name by its cid:.
	if got := galleryRun(ctx, t, "inline chips", chromedp.Text(chromedp.ID("m-attachments"))); !strings.Contains(got, "0042.png") || strings.Contains(got, "cid:0042.png~") || !strings.Contains(got, "cid:logo@acme.example") {
		t.Errorf("inline images shown as %q, want 0042.png by its name and the logo by its cid:", got)
	}
	if got := galleryRun(ctx, t, "attachments", chromedp.Text(chromedp.ID("m-attachments"))); !strings.Contains(got, "invoice-2026-11.pdf") || !strings.Contains(got, "4.7 KB") {
		t.Errorf("attachments shown as %q", got)
	}
	if got := galleryRun(ctx, t, "raw link", chromedp.AttributeValue(chromedp.ID("m-raw"), "href")); got.Value != "000002-alice%40example.com.eml" {
		t.Errorf("raw link = %q", got.Value)
	}
	if got := galleryRun(ctx, t, "remote toggle", chromedp.Text(chromedp.ID("remote-toggle"))); !strings.Contains(got, "2 remote images blocked") {
		t.Errorf("remote toggle reads %q", got)
	}
	// Back to the whole list, with the message still open, for the screenshot.
	galleryDo(ctx, t, "clear search", chromedp.Evaluate[chromedp.Void](`(function () { var s = document.getElementById('search');
		s.value = ''; s.dispatchEvent(new Event('input')); })()`))
	waitTotal("whole list", total)
	chromium.SaveScreenshot(t, "gallery.png", galleryRun(ctx, t, "screenshot", chromedp.CaptureScreenshot()))

	galleryDo(ctx, t, "phone and desktop", chromedp.Click(chromedp.CSS(`#width-toggle [data-width=both]`)))
	widths := galleryRun(ctx, t, "frame widths", chromedp.Evaluate[[]int](`[document.getElementById('frame-desktop').offsetWidth, document.getElementById('frame-phone').offsetWidth]`))
	if len(widths) != 2 || widths[0] != 800 || widths[1] != 375 {
		t.Errorf("side by side frames are %v px wide, want [800 375]", widths)
	}
	galleryDo(ctx, t, "phone only", chromedp.Click(chromedp.CSS(`#width-toggle [data-width=phone]`)))
	if w := galleryRun(ctx, t, "desktop hidden", chromedp.Evaluate[int](`document.getElementById('frame-desktop').offsetWidth`)); w != 0 {
		t.Errorf("phone view still shows the desktop frame (%d px)", w)
	}
	chromium.SaveScreenshot(t, "gallery-phone.png", galleryRun(ctx, t, "phone screenshot", chromedp.CaptureScreenshot()))

	// Remote images on request.
	galleryDo(ctx, t, "show remote images", chromedp.Click(chromedp.ID("remote-toggle")))
	seen := map[string]bool{}
	for len(seen) < 2 {
		select {
		case p := <-requests:
			seen[p] = true
		case <-ctx.Done():
			t.Fatalf("remote images not loaded after the toggle (saw %v): %v", seen, ctx.Err())
		}
	}

	// The text and headers tabs.
	galleryDo(ctx, t, "text tab", chromedp.Click(chromedp.CSS(`.tabs [data-tab=text]`)))
	if got := galleryRun(ctx, t, "text part", chromedp.Text(chromedp.ID("tab-text"))); !strings.Contains(got, "This is the plain text part of the digest.") {
		t.Errorf("text tab shows %q", got)
	}
	galleryDo(ctx, t, "headers tab", chromedp.Click(chromedp.CSS(`.tabs [data-tab=headers]`)))
	if got := galleryRun(ctx, t, "all headers", chromedp.Text(chromedp.ID("headers-body"))); !strings.Contains(got, "Message-ID") || !strings.Contains(got, "MIME-Version") {
		t.Errorf("headers tab shows %q", got)
	}
	galleryDo(ctx, t, "raw tab", chromedp.Click(chromedp.CSS(`.tabs [data-tab=raw]`)))
	if got := galleryRun(ctx, t, "raw", chromedp.Text(chromedp.ID("raw-body"))); !strings.Contains(got, "Content-Type: multipart/mixed") {
		t.Errorf("raw tab shows %.200q", got)
	}

	// The Chinese message, decoded.
	galleryDo(ctx, t, "search chinese", clearSearch, chromedp.SendKeys(chromedp.ID("search"), "zhang"))
	waitTotal("zhang", 1)
	galleryOpenRow(ctx, t, 3, true)
	if got := galleryRun(ctx, t, "chinese subject", chromedp.Text(chromedp.ID("m-subject"))); got != "张伟，您的十一月摘要" {
		t.Errorf("subject = %q", got)
	}
	if got := galleryRun(ctx, t, "chinese from", chromedp.Text(chromedp.ID("m-headers"))); !strings.Contains(got, "Acme 新闻") || !strings.Contains(got, "张伟 <zhang@example.cn>") {
		t.Errorf("headers = %q", got)
	}
	if got := galleryRun(ctx, t, "chinese html", chromedp.Evaluate[string](`document.getElementById('frame-desktop').contentDocument.getElementById('greeting').textContent`)); got != "张伟，您好！" {
		t.Errorf("html greeting = %q", got)
	}

	// Nothing ran: not in the page, not in a frame.
	if got := galleryRun(ctx, t, "pwned flag", chromedp.Evaluate[string](`String(window.__pwned)`)); got != "undefined" {
		t.Errorf("window.__pwned = %s: a hostile value ran as script", got)
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}

// gallerySyntheticRows are n list rows without .eml files: every 50th is invalid,
// every 10th has an attachment.
func gallerySyntheticRows(n int) []Row {
	rows := make([]Row, n)
	for i := range rows {
		r := Row{
			Recipient: report.Recipient{Row: i + 2, Key: fmt.Sprintf("user%06d@example.com", i),
				To: fmt.Sprintf("User %06d <user%06d@example.com>", i, i)},
			Subject: fmt.Sprintf("User %06d, your November digest", i), Status: "ok",
		}
		r.File = report.EMLName(r.Row, r.Key)
		r.Size = 4200
		if i%10 == 0 {
			r.Attachments = []render.Attachment{{Name: fmt.Sprintf("invoice-%06d.pdf", i), Size: 48213}}
		}
		if i%50 == 49 {
			r = Row{Recipient: report.Recipient{Row: i + 2}, Status: "invalid", Problem: fmt.Sprintf("render: people.csv:%d: column \"email\": not an address", i+2)}
		}
		rows[i] = r
	}
	return rows
}

func galleryDirSize(t testing.TB, dir string) (files int, bytes int64) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		files++
		bytes += fi.Size()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files, bytes
}

// TestGalleryScale writes the list of 100,000 recipients and loads the page
// in Chromium: page 1 and the total must show, and the whole list must load
// so that search covers it. Times are logged, not asserted. Skipped with
// -short.
func TestGalleryScale(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("100,000-row gallery in a browser: skipped with -short")
	}
	const n = 100_000
	dir := t.TempDir()
	start := time.Now()
	rows := gallerySyntheticRows(n)
	if err := writeGallery(dir, slices.Values(rows)); err != nil {
		t.Fatal(err)
	}
	// The page opens on the first message: give it its script.
	if err := writeGalleryMessage(dir, rows[0].File, []byte("Subject: first\r\n\r\nHello\r\n")); err != nil {
		t.Fatal(err)
	}
	files, size := galleryDirSize(t, dir)
	t.Logf("wrote %d rows in %v: %d files, %.1f MB", n, time.Since(start), files, float64(size)/1e6)

	ctx, problems := galleryNewBrowser(t, 60*time.Second)
	// Navigate returns at the load event, which the list's scripts delay
	// until the last chunk; the page records when it showed page 1.
	start = time.Now()
	galleryDo(ctx, t, "load", chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))))
	galleryRun(ctx, t, "all rows", chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	wall := time.Since(start)
	if n := galleryRun(ctx, t, "first page", chromedp.Evaluate[int](`document.querySelectorAll('#rows > li').length`)); n != 100 {
		t.Errorf("page 1 lists %d rows, want 100", n)
	}
	if got := galleryRun(ctx, t, "summary total", chromedp.Evaluate[string](`document.getElementById('summary').dataset.total`)); got != fmt.Sprint(n) {
		t.Errorf("summary total = %s, want %d", got, n)
	}
	marks := galleryRun(ctx, t, "timings", chromedp.Evaluate[map[string]string](`({first: document.body.dataset.firstPageMs, ready: document.body.dataset.readyMs})`))
	if got := galleryRun(ctx, t, "page info", chromedp.Text(chromedp.ID("page-info"))); got != "1–100 of 100,000" {
		t.Errorf("page info = %q", got)
	}
	galleryDo(ctx, t, "search", chromedp.SendKeys(chromedp.ID("search"), "user09999"))
	start = time.Now()
	galleryRun(ctx, t, "search results", chromedp.Poll[chromedp.Void](`document.getElementById('page-info').dataset.total === '9'`))
	t.Logf("100,000 rows: page 1 shown %s ms after navigation start, whole list loaded after %s ms (%v wall clock); search (incl. 120 ms debounce) %v",
		marks["first"], marks["ready"], wall, time.Since(start))
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}

// TestGalleryDataEscaping checks that values which would end a script or a
// JavaScript string reach the data files only escaped.
func TestGalleryDataEscaping(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	evil := "</script><script>window.__pwned=1</script>\u2028\u2029<!--"
	rows := []Row{{Recipient: report.Recipient{Row: 2, Key: evil, To: evil}, Subject: evil, Status: "ok", File: "000002-x.eml"},
		{Recipient: report.Recipient{Row: 3}, Status: "invalid", Problem: evil}}
	if err := writeGallery(dir, slices.Values(rows)); err != nil {
		t.Fatal(err)
	}
	if err := writeGalleryMessage(dir, "000002-x.eml", []byte("Subject: "+evil+"\r\n\r\n"+evil)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"gallery/rows-0001.js", "gallery/msg/000002-x.js"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"<", ">", "\u2028", "\u2029"} {
			if bytes.Contains(b, []byte(bad)) {
				t.Errorf("%s contains a raw %q:\n%s", name, bad, b)
			}
		}
	}
}

// TestGalleryParseMessage checks the parsed form of a full message.
func TestGalleryParseMessage(t *testing.T) {
	t.Parallel()
	logo := galleryPNG(t, 4, 4, color.Black)
	m := galleryTestMail{
		row: 2, key: "a@example.com", fromName: "Ünïcode Sender", fromAddr: "s@example.com",
		toName: "张伟", toAddr: "a@example.com", subject: "摘要 ✓ — long subject with several words",
		text: "plain ✓", html: `<img src="cid:logo">`,
		inline:      []galleryTestFile{{cid: "logo", ctype: "image/png", data: logo}},
		attachments: []galleryTestFile{{name: "報告.pdf", ctype: "application/pdf", data: []byte("%PDF")}},
	}.message(t)
	g := parseGalleryMessage(m.Data)
	if len(g.Problems) > 0 {
		t.Fatalf("problems: %v", g.Problems)
	}
	hdr := map[string]string{}
	for _, h := range g.Headers {
		hdr[h[0]] = h[1]
	}
	if hdr["Subject"] != "摘要 ✓ — long subject with several words" || hdr["To"] != "张伟 <a@example.com>" || hdr["From"] != "Ünïcode Sender <s@example.com>" {
		t.Errorf("headers = %v", hdr)
	}
	if g.Headers[0][0] != "Date" {
		t.Errorf("headers out of message order: %v", g.Headers)
	}
	if g.Text != "plain ✓" || g.HTML != `<img src="cid:logo">` {
		t.Errorf("text %q, html %q", g.Text, g.HTML)
	}
	if len(g.Attachments) != 1 || g.Attachments[0].Name != "報告.pdf" || g.Attachments[0].Size != 4 || g.Attachments[0].Type != "application/pdf" {
		t.Errorf("attachments = %+v", g.Attachments)
	}
	if len(g.Inline) != 1 || g.Images["logo"] != "data:image/png;base64,"+galleryB64(logo) {
		t.Errorf("inline = %+v, images = %v", g.Inline, g.Images)
	}
	if g.Size != len(m.Data) || g.Raw != string(m.Data) || g.RawTruncated {
		t.Errorf("raw: size %d of %d, truncated %v", g.Size, len(m.Data), g.RawTruncated)
	}
}

// BenchmarkGalleryWrite writes the list files for 100,000 rows.
func BenchmarkGalleryWrite(b *testing.B) {
	rows := gallerySyntheticRows(100_000)
	dir := b.TempDir()
	for b.Loop() {
		if err := writeGallery(dir, slices.Values(rows)); err != nil {
			b.Fatal(err)
		}
	}
	_, size := galleryDirSize(b, dir)
	b.ReportMetric(float64(size)/1e6, "MB/gallery")
}

// BenchmarkGalleryMessage parses one newsletter-sized message and writes
// its gallery script, as WriteMessage does for every message.
func BenchmarkGalleryMessage(b *testing.B) {
	logo := galleryPNG(b, 200, 60, color.RGBA{1, 2, 3, 255})
	m := galleryTestMail{
		row: 2, key: "alice@example.com", fromName: "Acme", fromAddr: "news@acme.example",
		toName: "Alice", toAddr: "alice@example.com", subject: "Your November digest",
		text:        strings.Repeat("Some news in plain text.\r\n", 200),
		html:        `<img src="cid:logo">` + strings.Repeat("<p>Some news in <b>HTML</b>.</p>\n", 200),
		inline:      []galleryTestFile{{cid: "logo", ctype: "image/png", data: logo}},
		attachments: []galleryTestFile{{name: "invoice.pdf", ctype: "application/pdf", data: bytes.Repeat([]byte("%PDF"), 10_000)}},
	}.message(b)
	dir := b.TempDir()
	b.SetBytes(int64(len(m.Data)))
	for b.Loop() {
		if err := writeGalleryMessage(dir, "000002-alice@example.com.eml", m.Data); err != nil {
			b.Fatal(err)
		}
	}
	fi, err := os.Stat(filepath.Join(dir, galleryDir, "msg", "000002-alice@example.com.js"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(fi.Size())/float64(len(m.Data)), "js/eml-bytes")
}
