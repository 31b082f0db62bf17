package render

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestDeadLinks: the links of an HTML document that go nowhere in a mail
// program are found: empty, relative, without a scheme; not those with a
// scheme or a #fragment, nor any but an empty one under a <base href>. So
// are its images given as a file path (<img src>, background): not cid:,
// data:, http(s): nor empty ones. What an Outlook conditional comment
// holds is looked at too (templates keeps it: Outlook shows it; it was
// passed over as a comment), and <!--> ends the comment it opens.
func TestDeadLinks(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want []string
	}{
		{`<a href="https://x.example/">a</a> <A HREF='mailto:a@x.example'>b</A> <a href=#top>c</a> <a href="sms:+1">d</a>`, nil},
		{`<a href="">a</a><a class=x href=/pay>b</a><area shape=rect href = "www.x.example/p"><a href=" pay.example/p?a=1&amp;b=2 ">`, []string{"", "/pay", "www.x.example/p", "pay.example/p?a=1&b=2"}},
		{`<link href="style.css"><abbr href="/x"><div background="x.png"><image src="y.png">`, nil},
		{`<img src="cid:logo.png"><img src="https://x.example/a.png"><img src='data:image/png;base64,AA'><img src=""><IMG SRC=" HTTP://x.example/b.png"><img alt="x"><img src="#ZgotmplZ" hidden>`, []string{"#ZgotmplZ"}},
		{`<img src="logo.png"><img alt=a src=images/logo.png><td background="bg.jpg"><table BACKGROUND='C:\bg.png'><body background="file:///home/u/bg.png"><img src="//cdn.example/a.png">`, []string{"logo.png", "images/logo.png", "bg.jpg", `C:\bg.png`, "file:///home/u/bg.png", "//cdn.example/a.png"}},
		{`<base href="https://x.example/"><img src="logo.png"><img src="file:///logo.png">`, []string{"file:///logo.png"}},
		{`<base href="https://x.example/"><a href="/pay">a</a><a href="">b</a>`, []string{""}},
		{`<a name=x>no href</a><a href`, nil},
		{`<!-- <a href="/old"> --><a href="/x">`, []string{"/x"}},
		{`<!--[if mso]><a href="/vml">x</a><![endif]--><p>`, []string{"/vml"}},
		{`<!--[IF mso | IE]><table><tr><td background="bg.png"><img src="header.png"><![endif]--><!--[if !mso]><!--><img src="web.png"><!--<![endif]-->`, []string{"bg.png", "header.png", "web.png"}},
		{`<!--> <a href="/x"> <!---> <a href="/y"> -->`, []string{"/x", "/y"}},
		{`<base href="{{.site}}"><a href="/pay">`, nil},
		{`<img src="cid:logo.png" srcset="cid:logo2.png 2x, https://x.example/l3.png 3x,data:image/png;base64,AA,BB 4x"><picture><source srcset="https://x.example/a.webp"></picture>`, nil},
		{`<img src="cid:logo.png" srcset="logo@2x.png 2x, https://x.example/l3.png 3x"><picture><SOURCE media="(min-width: 600px)" srcset="wide.png 600w,narrow.png,"></picture>`, []string{"logo@2x.png", "wide.png", "narrow.png"}},
		{`<base href="https://x.example/"><img srcset="logo@2x.png 2x">`, nil},
	} {
		var got []string
		deadLinks([]byte(tc.doc), func(l deadLink) bool { got = append(got, l.url); return true })
		if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("%s: %q, want %q", tc.doc, got, tc.want)
		}
	}
}

// TestHTMLDeadLink: a link of an HTML body whose URL a value gives and
// that goes nowhere (an empty cell, no https://) is a problem of its row
// naming the column; one the template writes itself is one error of the
// template at its line, before any row.
func TestHTMLDeadLink(t *testing.T) {
	yaml := `name: h
from: "Acme <news@acme.example>"
to: "{{.email}}"
subject: "Invoice"
html: body.html
recipients: {path: people.csv}
`
	cols := []string{"email", "name", "url"}
	e := setup(t, yaml, map[string]string{"body.html": `<p>{{.name}}: <a href="{{.url}}">Pay</a> <a href="https://x.example/{{.name}}">Me</a></p>`}, cols)
	for _, tc := range []struct{ url, col string }{
		{"https://pay.example/p", ""},
		{"", "url"},
		{"pay.example/e", "url"},
		{"/pay?id=3", "url"},
	} {
		_, err := e.r.Render(row(4, "email", "a@example.com", "name", "Ann", "url", tc.url))
		var re *campaign.RowError
		switch {
		case tc.col == "" && err != nil:
			t.Errorf("url %q: %v", tc.url, err)
		case tc.col != "" && (!errors.As(err, &re) || re.Column != tc.col || re.Row != 4 || !strings.Contains(err.Error(), "would open nothing")):
			t.Errorf("url %q: %v, want a problem of column %s", tc.url, err, tc.col)
		}
	}
	if _, err := trySetup(t, yaml, map[string]string{"body.html": "<!-- <a href=\"/old\"> --><p><a href=\" {{.url}}\">Pay</a></p>\n"}, cols); err != nil {
		t.Errorf("a commented-out link, a value after a space: %v", err)
	}
	_, err := trySetup(t, yaml, map[string]string{"body.html": "<p>{{.name}}</p>\n<p><a href=\"{{.url}}\">Pay</a>\n<a href=\"/about\">About us</a></p>\n"}, cols)
	var fe *campaign.FileError
	if !errors.As(err, &fe) || !strings.HasSuffix(fe.File, "body.html") || fe.Line != 3 || !strings.Contains(err.Error(), `a link goes to "/about"`) {
		t.Errorf("a link the template writes: %v, want body.html:3", err)
	}
}

// TestHTMLImagePath: an image an HTML body writes as a file path is an
// error of the template at its line, saying to write cid:NAME and whether
// NAME is beside the template; a cid: image is not. One whose path a value
// gives is a problem of its row naming the column; a URL or an empty cell
// is not.
func TestHTMLImagePath(t *testing.T) {
	yaml := `name: h
from: "Acme <news@acme.example>"
to: "{{.email}}"
subject: "Invoice"
html: body.html
recipients: {path: people.csv}
`
	cols := []string{"email", "photo"}
	for _, tc := range []struct {
		files map[string]string
		want  string
	}{
		{map[string]string{"body.html": "<p>Hi</p>\n<img src=\"logo.png\" alt=Acme>\n", "logo.png": "PNG"},
			`body.html:2: <img src="logo.png"> is a file path: a receiver cannot load it; write src="cid:logo.png" to embed the file (looked for it beside the template: found)`},
		{map[string]string{"body.html": "<table background='bg.png'><tr><td>Hi</td></tr></table>\n"},
			`body.html:1: <table background="bg.png"> is a file path: a receiver cannot load it; write background="cid:bg.png" to embed the file (looked for it beside the template: not found)`},
		{map[string]string{"body.html": "<p>Hi</p><img src=\"img/logo.png\">\n", "logo.png": "PNG"},
			`(looked for logo.png beside the template: found)`},
		{map[string]string{"body.html": "<p>Hi</p><img src=\"cid:logo.png\"><img src=\"{{.photo}}\">\n", "logo.png": "PNG"}, ""},
		{map[string]string{"body.html": "<p>Hi</p>\n<img src=\"cid:logo.png\"\n  srcset=\"https://x.example/l.png 1x, logo@2x.png 2x\">\n", "logo.png": "PNG"},
			`body.html:3: <img srcset> names "logo@2x.png", a file path: a mail program that reads srcset loads it instead of the src, and shows nothing; write each candidate's full URL (https://…), or leave srcset out (the src alone is shown)`},
	} {
		_, err := trySetup(t, yaml, tc.files, cols)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.HasSuffix(err.Error(), tc.want)) {
			t.Errorf("%q: %v, want %q", tc.files["body.html"], err, tc.want)
		}
	}
	e := setup(t, yaml, map[string]string{"body.html": `<p>Hi</p><img src="{{.photo}}">`}, cols)
	for _, tc := range []struct{ photo, col string }{
		{"https://x.example/ann.jpg", ""},
		{"", ""},
		{"ann.jpg", "photo"},
		{"images/ann.jpg", "photo"},
	} {
		_, err := e.r.Render(row(4, "email", "a@example.com", "photo", tc.photo))
		var re *campaign.RowError
		switch {
		case tc.col == "" && err != nil:
			t.Errorf("photo %q: %v", tc.photo, err)
		case tc.col != "" && (!errors.As(err, &re) || re.Column != tc.col || re.Row != 4 || !strings.Contains(err.Error(), "is a file path: a receiver cannot load it")):
			t.Errorf("photo %q: %v, want a problem of column %s", tc.photo, err, tc.col)
		}
	}
}

// BenchmarkDeadLinks scans the example newsletter's HTML template, about
// the size of a rendered newsletter, for links that go nowhere.
func BenchmarkDeadLinks(b *testing.B) {
	doc, err := os.ReadFile("../examples/newsletter/body.html")
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		deadLinks(doc, func(deadLink) bool { return true })
	}
}

// TestHTMLLinksInComments: links and images inside the template's
// comments (with trim markers too) are not what it writes, and are not
// checked; the lines of what follows are kept. A src whose scheme is
// written with a character reference is judged decoded, and src="#" is
// told as naming no image, not as a file path.
func TestHTMLLinksInComments(t *testing.T) {
	yaml := `name: h
from: "Acme <news@acme.example>"
to: "{{.email}}"
subject: "Invoice"
html: body.html
recipients: {path: people.csv}
`
	cols := []string{"email", "name"}
	for body, want := range map[string]string{
		`<p>{{/* old: <img src="old-logo.png"> */}}Hi</p>`:                             "",
		"<p>{{- /* old: <a href=\"/old\">x</a>\n<img src='a.png'> */ -}}Hi</p>":        "",
		"<p>{{- /* old: <img src='a.png'> */\t-}}{{/* <img src='b.png'> */\n-}}Hi</p>": "",
		"{{/* <img src=\"a.png\">\n\n */}}<p>Hi</p>\n<img src=\"b.png\">\n":            `body.html:4: <img src="b.png"> is a file path`,
		`<p>Hi</p><img src="&#104;ttps://x.example/logo.png">`:                         "",
		`<p>Hi</p><a href="&#104;ttps://x.example/">x</a>`:                             "",
		`<p>Hi</p><img src="#">`: `body.html:1: <img src="#"> names no image (a # is a place in a page): a receiver loads nothing; write the image's full URL (https://…), or cid:NAME for a file NAME beside the template`,
		`<p>{{/* a comment */}}Hi</p><img src="logo.png">{{/* <img src="x.png"> */}}`: `<img src="logo.png"> is a file path`,
	} {
		_, err := trySetup(t, yaml, map[string]string{"body.html": body}, cols)
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("%q: %v, want %q", body, err, want)
		}
	}
}
