package preview

import (
	"context"
	"net"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
)

// TestGalleryPreconnect: a message whose HTML asks the browser to
// preconnect to a host (<link rel="preconnect">, which no
// Content-Security-Policy governs) reaches no network when the gallery
// shows it: the frame holds no link element, and the host saw no
// connection by the time the frames were drawn.
func TestGalleryPreconnect(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	host := "http://" + ln.Addr().String()
	dir := filepath.Join(t.TempDir(), "preview")
	w, err := NewWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	html := `<html><head><link rel="preconnect" href="` + host + `/"><link rel="PreConnect" href="` + host + `/again"></head>` +
		`<body><p id="hello">Hello</p><link rel="preconnect" href="` + host + `/body"></body></html>`
	m := galleryTestMail{row: 2, key: "a@example.org", fromName: "Acme News", fromAddr: "news@acme.example",
		toName: "Ann", toAddr: "a@example.org", subject: "Hello", text: "Hello\r\n", html: html}.message(t)
	if err := w.WriteMessage(context.Background(), m, nil); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, problems := galleryNewBrowser(t, 60*time.Second)
	galleryDo(ctx, t, "load index.html",
		chromedp.Navigate(chromium.FileURL(filepath.Join(dir, "index.html"))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	galleryOpenRow(ctx, t, 2, true)
	links := galleryRun(ctx, t, "links in the frames", chromedp.Evaluate[int](`['frame-desktop', 'frame-phone'].reduce(function (n, id) {
		var d = document.getElementById(id).contentDocument;
		return n + (d && d.getElementById("hello") ? d.querySelectorAll("link").length : 100); }, 0)`))
	if links != 0 {
		t.Errorf("the message's frames hold %d link elements (100: a frame without the message), want none", links)
	}
	if n := conns.Load(); n != 0 {
		t.Errorf("the message's host saw %d connections from the gallery", n)
	}
	for _, p := range problems() {
		t.Errorf("browser reported %s", p)
	}
}
