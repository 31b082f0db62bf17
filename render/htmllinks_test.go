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
// scheme or a #fragment, nor any but an empty one under a <base href>.
func TestDeadLinks(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want []string
	}{
		{`<a href="https://x.example/">a</a> <A HREF='mailto:a@x.example'>b</A> <a href=#top>c</a> <a href="sms:+1">d</a>`, nil},
		{`<a href="">a</a><a class=x href=/pay>b</a><area shape=rect href = "www.x.example/p"><a href=" pay.example/p?a=1&amp;b=2 ">`, []string{"", "/pay", "www.x.example/p", "pay.example/p?a=1&b=2"}},
		{`<link href="style.css"><img src="x.png"><abbr href="/x">`, nil},
		{`<base href="https://x.example/"><a href="/pay">a</a><a href="">b</a>`, []string{""}},
		{`<a name=x>no href</a><a href`, nil},
		{`<!-- <a href="/old"> --><a href="/x">`, []string{"/x"}},
		{`<!--[if mso]><a href="/vml">x</a><![endif]--><p>`, nil},
		{`<base href="{{.site}}"><a href="/pay">`, nil},
	} {
		var got []string
		deadLinks([]byte(tc.doc), func(h string, _ []byte, _ int) bool { got = append(got, h); return true })
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

// BenchmarkDeadLinks scans the example newsletter's HTML template, about
// the size of a rendered newsletter, for links that go nowhere.
func BenchmarkDeadLinks(b *testing.B) {
	doc, err := os.ReadFile("../examples/newsletter/body.html")
	if err != nil {
		b.Skip(err)
	}
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		deadLinks(doc, func(string, []byte, int) bool { return true })
	}
}
