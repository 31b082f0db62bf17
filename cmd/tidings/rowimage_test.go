package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// ticketPNG is a 1×1 PNG with n in a text chunk: each attendee's own QR
// code, bytes of its own.
func ticketPNG(n string) string {
	const png = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
	return png[:len(png)-12] + "\x00\x00\x00\x00tEXt" + n + png[len(png)-12:]
}

// mimeLeaf is a leaf part of a message read back: its Content-ID (without
// <>), its type and its decoded bytes.
type mimeLeaf struct {
	cid, ctype string
	body       []byte
}

// mimeLeaves reads the leaves of the entity with header h and body r.
func mimeLeaves(t *testing.T, h interface{ Get(string) string }, r io.Reader) []mimeLeaf {
	t.Helper()
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		var out []mimeLeaf
		mr := multipart.NewReader(r, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return out
			}
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, mimeLeaves(t, p.Header, p)...)
		}
	}
	switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	}
	body, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return []mimeLeaf{{cid: strings.Trim(h.Get("Content-ID"), "<>"), ctype: mt, body: body}}
}

// shownImage reads back data, a message the server received, and returns
// the bytes of the image part under the cid its HTML's <img> names; nil
// with src "cid:" (no image); it fails the test when the cid names none.
func shownImage(t *testing.T, data []byte) (src string, img []byte) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	leaves := mimeLeaves(t, msg.Header, msg.Body)
	for _, l := range leaves {
		if m := regexp.MustCompile(`<img src="(cid:[^"]*)"`).FindSubmatch(l.body); l.ctype == "text/html" && m != nil {
			src = string(m[1])
		}
	}
	for _, l := range leaves {
		if l.cid != "" && "cid:"+l.cid == src {
			return src, l.body
		}
	}
	if src != "cid:" {
		t.Errorf("the HTML's <img src=%q> names no part of the message", src)
	}
	return src, nil
}

// TestRowImageSend: a conference's tickets, each attendee's QR code
// inline (<img src="cid:{{.qr_file}}">, the path in a column), were
// refused (rev-user17); a row naming a file not there stops the send
// (file, row and column named, nothing sent); once it is there, each
// attendee's message carries their own image under the cid the HTML
// names, a blank cell none (warned once); a QR code replaced on disk
// since makes its row changed, told as its inline image (not "its
// attached files": it has none): --resend-changed sends it again, alone.
func TestRowImageSend(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	camp := filepath.Join(dir, "c.yaml")
	writeFiles(t, dir, map[string]string{
		"c.yaml":      campaignYAML(srv.Port, "name: tickets", "html: body.html"),
		"body.txt":    "Your ticket, {{.name}}\n",
		"body.html":   `<p>Your ticket, {{.name}}</p><img src="cid:{{.qr_file}}" alt="QR">` + "\n",
		"r.csv":       "email,name,qr_file\nann@example.com,Ann,qr/0042.png\nbob@example.com,Bob,qr/0043.png\ncarol@example.com,Carol,\n",
		"qr/0042.png": ticketPNG("42"),
	})
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed || len(srv.Messages()) != 0 || !regexp.MustCompile(`r\.csv: row 3, column "qr_file": .*"qr/0043.png": no such file`).MatchString(out+errOut) {
		t.Fatalf("send with row 3's QR code missing: exit %d, %d sent; want %d, none sent, the file, row and column named\n%s%s", code, len(srv.Messages()), exitSomeFailed, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"qr/0043.png": ticketPNG("43")})
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	const warned = `column "qr_file", an inline image's path (cid:), is empty in row 4`
	if code != exitOK || len(srv.Messages()) != 3 || strings.Count(out+errOut, warned) != 1 {
		t.Fatalf("send: exit %d, %d sent; want 3 and %q once\n%s%s", code, len(srv.Messages()), warned, out, errOut)
	}
	want := map[string]string{"ann@example.com": "qr/0042.png", "bob@example.com": "qr/0043.png", "carol@example.com": ""}
	for _, m := range srv.Messages() {
		src, img := shownImage(t, m.Data)
		file := want[m.To[0]]
		data, _ := os.ReadFile(filepath.Join(dir, file))
		if file == "" && (src != "cid:" || img != nil) || file != "" && !bytes.Equal(img, data) {
			t.Errorf("%s: <img src=%q> shows %d bytes, want %s's own (%d bytes)", m.To[0], src, len(img), file, len(data))
		}
	}
	writeFiles(t, dir, map[string]string{"qr/0042.png": ticketPNG("42, again")})
	const changed = "row 2 (ann@example.com): its inline image" // not "its attached files": it has none
	if out, errOut, code = runCLI(t, "check", camp); code != exitOK || !strings.Contains(out, changed+".") {
		t.Errorf("check after Ann's QR code was replaced: exit %d, want %q\n%s%s", code, changed, out, errOut)
	}
	out, errOut, code = runCLI(t, "send", "--yes", "--resend-changed", camp)
	msgs := srv.Messages()
	if code != exitOK || len(msgs) != 4 || msgs[3].To[0] != "ann@example.com" || !strings.Contains(out, changed) {
		t.Fatalf("send --resend-changed after Ann's QR code was replaced: exit %d, %d sent; want Ann's again\n%s%s", code, len(msgs), out, errOut)
	}
	if _, img := shownImage(t, msgs[3].Data); string(img) != ticketPNG("42, again") {
		t.Errorf("Ann's second message shows %d bytes, want the QR code as replaced", len(img))
	}
}

// TestRowImagePreview: preview's gallery, in headless Chromium, shows
// each attendee's message with their own QR code loaded (its natural
// width that of the file, its bytes the row's), not a broken image.
func TestRowImagePreview(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	camp := filepath.Join(dir, "c.yaml")
	writeFiles(t, dir, map[string]string{
		"c.yaml":      campaignYAML(0, "name: tickets", "html: body.html"),
		"body.txt":    "Your ticket, {{.name}}\n",
		"body.html":   `<p>Your ticket, {{.name}}</p><img id="qr" src="cid:{{.qr_file}}" alt="QR">` + "\n",
		"r.csv":       "email,name,qr_file\nann@example.com,Ann,qr/0042.png\nbob@example.com,Bob,qr/0043.png\n",
		"qr/0042.png": ticketPNG("42"),
		"qr/0043.png": ticketPNG("43"),
	})
	pv := filepath.Join(dir, "pv")
	if out, errOut, code := runCLI(t, "preview", "-o", pv, camp); code != exitOK {
		t.Fatalf("preview: exit %d\n%s%s", code, out, errOut)
	}
	b := chromium.Start(t, 60*time.Second, 1200, 800)
	b.Do(t, "load index.html", chromedp.Navigate(chromium.FileURL(filepath.Join(pv, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	for num, file := range map[string]string{"2": "qr/0042.png", "3": "qr/0043.png"} {
		b.Do(t, "open row "+num, chromedp.Click(`//ol[@id="rows"]//button[.//span[@class="row-num" and text()="`+num+`"]]`),
			chromedp.Poll[chromedp.Void](`(document.getElementById('message').dataset.loaded || '').startsWith('00000`+num+`-')`),
			chromedp.Poll[chromedp.Void](`(function () { var d = document.getElementById('frame-desktop').contentDocument;
				var qr = d && d.getElementById('qr'); return qr && qr.complete; })()`))
		img := chromium.Get(t, b, "row "+num+"'s QR code", chromedp.Evaluate[map[string]any](`(function () {
			var qr = document.getElementById('frame-desktop').contentDocument.getElementById('qr');
			return { src: qr.src, width: qr.naturalWidth }; })()`))
		src := fmt.Sprint(img["src"])
		data, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(src, "data:image/png;base64,"))
		if img["width"] != float64(1) || string(data) != ticketPNG(strings.TrimSuffix(strings.TrimPrefix(file, "qr/00"), ".png")) {
			t.Errorf("row %s: the gallery's QR code is %.40s… (natural width %v), want %s's bytes, loaded", num, src, img["width"], file)
		}
	}
	chromium.SaveScreenshot(t, "preview-row-image.png", chromium.Get(t, b, "screenshot", chromedp.FullScreenshot(100)))
}
