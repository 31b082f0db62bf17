package render

import (
	"bytes"
	"errors"
	"mime"
	"net/mail"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render/markdown"
)

const markdownYAML = `name: markdown
from: "Acme Shop <shop@acme.example>"
to: "{{address .name .email}}"
subject: "{{.name}}, your order {{.order}} has shipped"
markdown: body.md
recipients: {path: people.csv}
`

// markdownBody uses every column in a different Markdown context: a
// heading, emphasis, a list item, a link's destination, a table cell, a
// block quote.
const markdownBody = `# Hello {{.name}}

Your order **{{.order}}** has shipped. A note from us: {{.note}}

- Pay: [pay now]({{.url}})
- Track: [follow your parcel](https://acme.example/track?o={{.order | urlquery}})
- Questions? Write to <help@acme.example>.

| Item | Qty |
|:-----|----:|
| {{.item}} | 2 |

> Thank you for shopping with us,
> {{.name}}!

---

[Unsubscribe](https://acme.example/u?id={{.id | urlquery}})
`

var markdownColumns = []string{"email", "name", "order", "note", "url", "item", "id"}

// hostileRow holds values that would be markup if they were not escaped.
var hostileRow = row(10, "email", "mallory@example.com",
	"name", "Mallory <script>alert(1)</script> *bold* _under_",
	"order", "A-1001",
	"note", "[x](javascript:alert(1))",
	"url", `https://pay.example/?x="><script>alert(1)</script>`,
	"item", "Widget | <b>big</b> `code`",
	"id", "m 7/x")

func init() {
	goldenCases = append(goldenCases,
		goldenCase{
			name:    "markdown",
			yaml:    markdownYAML,
			files:   map[string]string{"body.md": markdownBody},
			columns: markdownColumns,
			row:     hostileRow,
			shape:   "multipart/alternative(text/plain,text/html)",
		},
		goldenCase{
			// A layout of the campaign's own, an inline image in the
			// Markdown and one in the layout, and a text template that
			// replaces the text part made from the Markdown.
			name: "markdown_layout",
			yaml: `name: markdown-layout
from: "阿克米 <news@acme.example>"
to: "{{.email}}"
subject: "{{.name}}的十一月月刊"
markdown: md/body.md
layout: md/layout.html
text: body.txt
recipients: {path: people.csv}
`,
			files: map[string]string{
				"md/body.md": "![Acme](cid:logo.png)\n\n## {{.name}}，您好\n\n本月新闻：\n\n1. 新品上市\n2. [会员活动](https://acme.example/events)\n\n| 城市 | 人数 |\n|---|--:|\n| {{.city}} | 12 |\n",
				"md/layout.html": "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{{.Subject}}</title>\n" +
					"<style>p { color: #333; }</style></head>\n<body>\n<img src=\"cid:banner.png\" alt=\"\">\n<div class=\"main\">\n{{.Body}}\n</div>\n</body></html>\n",
				"md/logo.png":   pngBytes,
				"md/banner.png": pngBytes,
				"body.txt":      "{{.name}}，您好！\n\n本月新闻：新品上市；会员活动 https://acme.example/events\n",
			},
			columns: []string{"email", "name", "city"},
			row:     row(11, "email", "zhangsan@example.cn", "name", "张三", "city", "北京"),
			shape:   "multipart/alternative(text/plain,multipart/related(text/html,image/png,image/png))",
			images:  []string{"logo.png", "banner.png"},
		},
	)
}

// parts returns the decoded text and HTML parts of m.
func textAndHTML(t *testing.T, m *Message) (text, htm string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	leaves, _ := walk(t, msg.Header, msg.Body)
	for _, l := range leaves {
		switch l.ctype {
		case "text/plain":
			text = string(l.body)
		case "text/html":
			htm = string(l.body)
		}
	}
	return text, htm
}

// TestMarkdownHostile parses the HTML part of a message made from values
// that look like markup: no script element, no javascript: link, no event
// handler, and the values shown as text in both parts.
func TestMarkdownHostile(t *testing.T) {
	e := setup(t, markdownYAML, map[string]string{"body.md": markdownBody}, markdownColumns)
	m, err := e.r.Render(hostileRow)
	if err != nil {
		t.Fatal(err)
	}
	text, htm := textAndHTML(t, m)
	doc, err := html.Parse(strings.NewReader(htm))
	if err != nil {
		t.Fatal(err)
	}
	var body strings.Builder
	var hrefs []string
	for n := range doc.Descendants() {
		switch n.Type {
		case html.ElementNode:
			if n.Data == "script" || n.Data == "b" || n.Data == "em" && strings.Contains(textOf(n), "bold") {
				t.Errorf("element <%s> made from a value: %s", n.Data, textOf(n))
			}
			for _, a := range n.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(a.Key, "on") || strings.Contains(v, "javascript:") {
					t.Errorf("<%s %s=%q>", n.Data, a.Key, a.Val)
				}
				if a.Key == "href" {
					hrefs = append(hrefs, a.Val)
				}
			}
		case html.TextNode:
			body.WriteString(n.Data)
		}
	}
	wantHrefs := []string{"https://pay.example/?x=%22%3E%3Cscript%3Ealert(1)%3C/script%3E", "https://acme.example/track?o=A-1001", "mailto:help@acme.example", "https://acme.example/u?id=m+7%2Fx"}
	if strings.Join(hrefs, " ") != strings.Join(wantHrefs, " ") {
		t.Errorf("links %q, want %q", hrefs, wantHrefs)
	}
	for _, v := range []string{"Mallory <script>alert(1)</script> *bold* _under_", "[x](javascript:alert(1))", "Widget | <b>big</b> `code`"} {
		if !strings.Contains(body.String(), v) {
			t.Errorf("HTML text lacks %q", v)
		}
		if !strings.Contains(text, v) {
			t.Errorf("text part lacks %q:\n%s", v, text)
		}
	}
	if !strings.Contains(text, `pay now (https://pay.example/?x="><script>alert(1)</script>)`) {
		t.Errorf("text part:\n%s", text)
	}
	if subj, _ := new(mime.WordDecoder).DecodeHeader(m.Subject); !strings.Contains(subj, "<script>") {
		t.Errorf("Subject %q", subj)
	}
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// TestMarkdownURLColumn: an https URL from the sheet is a link, whatever
// characters it holds, spaces around it dropped; a data:, vbscript: or
// javascript: one, one without its scheme, or none at all is a problem
// of the row naming the column and the link, which the message would
// show as text; so is one with a space inside, which makes no link.
func TestMarkdownURLColumn(t *testing.T) {
	e := setup(t, markdownYAML, map[string]string{"body.md": markdownBody}, markdownColumns)
	for _, tc := range []struct {
		url, href string
	}{
		{"https://pay.example/p?id=3&sum=(12)*2_x", "https://pay.example/p?id=3&sum=(12)*2_x"},
		{"HTTPS://PAY.EXAMPLE/ä?q=ü", "HTTPS://PAY.EXAMPLE/%C3%A4?q=%C3%BC"},
		{" https://pay.example/p ", "https://pay.example/p"},
		{"  https://pay.example/p\t ", "https://pay.example/p"},
		{"https://pay.example/a b", "broken"}, // no link: the Markdown would show as it is
		{"data:text/html;base64,PHNjcmlwdD4=", "refused"},
		{"vbscript:msgbox(1)", "refused"},
		{" javascript:alert(1)", "refused"},
		{"www.pay.example/p", "refused"},
		{"", "refused"},
	} {
		r := row(12, "email", "a@example.com", "name", "A", "order", "1", "note", "hi", "url", tc.url, "item", "x", "id", "1")
		m, err := e.r.Render(r)
		var re *campaign.RowError
		var le *markdown.LinkError
		if tc.href == "broken" {
			if !errors.As(err, &re) || re.Column != "url" || !errors.As(err, &le) || !le.Broken || le.URL != tc.url {
				t.Errorf("url %q: %v, want a problem of column url about a link that is none", tc.url, err)
			}
			continue
		}
		if tc.href == "refused" {
			if !errors.As(err, &re) || re.Column != "url" || re.Row != 12 || !errors.As(err, &le) || le.Text != "pay now" || le.URL != strings.TrimSpace(tc.url) {
				t.Errorf("url %q: %v, want a problem of column url naming the link", tc.url, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		_, htm := textAndHTML(t, m)
		doc, err := html.Parse(strings.NewReader(htm))
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for n := range doc.Descendants() {
			if n.Type == html.ElementNode && n.Data == "a" && textOf(n) == "pay now" {
				for _, a := range n.Attr {
					if a.Key == "href" {
						got = a.Val
					}
				}
			}
		}
		if got != tc.href {
			t.Errorf("url %q: pay link href %q, want %q", tc.url, got, tc.href)
		}
	}
}

// TestMarkdownText checks the text part made from the Markdown.
func TestMarkdownText(t *testing.T) {
	e := setup(t, markdownYAML, map[string]string{"body.md": markdownBody}, markdownColumns)
	r := row(13, "email", "ann@example.com", "name", "Ann", "order", "A-7", "note", "see you", "url", "https://pay.example/7", "item", "Tea", "id", "7")
	m, err := e.r.Render(r)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := textAndHTML(t, m)
	want := `Hello Ann
=========

Your order A-7 has shipped. A note from us: see you

- Pay: pay now (https://pay.example/7)
- Track: follow your parcel (https://acme.example/track?o=A-7)
- Questions? Write to help@acme.example.

Item | Qty
-----+----
Tea  |   2

> Thank you for shopping with us, Ann!

------------------------------

Unsubscribe (https://acme.example/u?id=7)
`
	if text != crlf(want) {
		t.Errorf("text part:\n%s\nwant:\n%s", text, want)
	}
}

// TestMarkdownCampaignErrors: the body settings that cannot go together,
// and a layout that cannot work, are refused before any row, at their
// line.
func TestMarkdownCampaignErrors(t *testing.T) {
	files := map[string]string{"body.md": "Hi {{.name}}\n", "body.html": "<p>x</p>", "layout.html": "<p>{{.Subject}}</p>\n", "l2.html": "<div>\n{{.Body}}\n{{.Title}}</div>\n", "bad.md": "Hi\n\n{{.nmae}}\n",
		"rel.md":    "Hi {{.name}}\n\nSee [your page]({{.url}}), or\n[about us](/about).\n",
		"relv.md":   "Hi\n\n{{if .name}}[pay {{.name}}](/pay?id={{.id}}){{end}}\n",
		"img.md":    "Hi\n![logo](logo.png)\n",
		"auto.md":   "Hi\n\n[Pay](<{{.url}}>), `<{{.url}}>`\n\n```\n<{{.url}}>\n```\nPay at <{{.url}}> today.\n",
		"auto2.md":  "Hi\n\n    <{{.url}}> in code\n\n- Ways to pay:\n    - online at <{{.url}}>\n",
		"auto3.md":  "1. Pay:\n\n    Pay at <{{.url}}> today.\n",
		"auto4.md":  "Dear {{.name}}, please pay\n    at <{{.url}}> today.\n",
		"rawimg.md": "Hi {{.name}}\n\n<!-- the logo, centred -->\n<p align=\"center\"><img src=\"https://news.example/logo.png\"></p>\n",
		"rawbr.md":  "Hi {{.name}}\n\n`<br>` is HTML's line break:\n\n    <br>\n\nLine one<br>line two\n",
		"rawval.md": "Hi\n\n<img src=\"{{.url}}\">\n"}
	for _, tc := range []struct {
		name, yaml, file string
		line             int
		msg              string
	}{
		{"markdown and html", markdownYAML + "html: body.html\n", "campaign.yaml", 7, "html: not with markdown"},
		{"layout without markdown", strings.Replace(markdownYAML, "markdown: body.md", "html: body.html", 1) + "layout: layout.html\n", "campaign.yaml", 7, "layout: only for a markdown body"},
		{"layout without Body", markdownYAML + "layout: layout.html\n", "layout.html", 0, "never shows {{.Body}}"},
		{"layout field", markdownYAML + "layout: l2.html\n", "l2.html", 3, "can't evaluate field Title"},
		{"markdown column", strings.Replace(markdownYAML, "body.md", "bad.md", 1), "bad.md", 3, `no such column in the sheet: "nmae"`},
		{"link the template writes", strings.Replace(markdownYAML, "body.md", "rel.md", 1), "rel.md", 4, `the link "about us" goes to "/about", not an absolute`},
		{"link with a value after its path", strings.Replace(markdownYAML, "body.md", "relv.md", 1), "relv.md", 3, `the link "pay {{…}}" goes to "/pay?id={{…}}"`},
		{"image the template shows", strings.Replace(markdownYAML, "body.md", "img.md", 1), "img.md", 2, `the image "logo" goes to "logo.png"`},
		{"autolink around a value", strings.Replace(markdownYAML, "body.md", "auto.md", 1), "auto.md", 8, `<{{.url}}>: an autolink around a value`},
		{"autolink in a nested list", strings.Replace(markdownYAML, "body.md", "auto2.md", 1), "auto2.md", 6, `<{{.url}}>: an autolink around a value`},
		{"autolink in a list item's paragraph", strings.Replace(markdownYAML, "body.md", "auto3.md", 1), "auto3.md", 3, `<{{.url}}>: an autolink around a value`},
		{"autolink on a lazy line", strings.Replace(markdownYAML, "body.md", "auto4.md", 1), "auto4.md", 2, `<{{.url}}>: an autolink around a value`},
		{"raw HTML block", strings.Replace(markdownYAML, "body.md", "rawimg.md", 1), "rawimg.md", 4, `<p align="center"><img src="https://news.example/logo.png"></p>: raw HTML is left out of a Markdown body`},
		{"raw HTML in a paragraph", strings.Replace(markdownYAML, "body.md", "rawbr.md", 1), "rawbr.md", 7, `<br>: raw HTML is left out`},
		{"raw HTML around a value", strings.Replace(markdownYAML, "body.md", "rawval.md", 1), "rawval.md", 3, `<img src="{{…}}">: raw HTML is left out`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := trySetup(t, tc.yaml, files, markdownColumns)
			var fe *campaign.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a FileError", err)
			}
			if !strings.HasSuffix(fe.File, tc.file) || fe.Line != tc.line || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v (file %s line %d), want %s:%d and %q", err, fe.File, fe.Line, tc.file, tc.line, tc.msg)
			}
		})
	}
}

// TestMarkdownValueLinks: links whose URL a value gives, or whose scheme
// it may give, are left to the rows: the campaign loads.
func TestMarkdownValueLinks(t *testing.T) {
	body := "[a]({{.url}}) [p](<{{.url}}>) [b](http{{.note}}) [c](https://pay.example/{{.id}}) [d](mailto:{{.email}})\n" +
		"`[e](/code)`\n\n    [f](/block)\n\n{{/* [g](/comment) */}}[h]({{if .id}}https://x.example{{else}}{{.url}}{{end}})\n"
	e := setup(t, markdownYAML, map[string]string{"body.md": body}, markdownColumns)
	r := row(2, "email", "a@example.com", "name", "A", "order", "1", "note", "hi", "url", "https://u.example", "item", "x", "id", "1")
	if _, err := e.r.Render(r); err == nil {
		t.Error("link b (httphi) rendered without a problem")
	}
	r.Values["note"] = "s://n.example"
	if _, err := e.r.Render(r); err != nil {
		t.Errorf("with every link whole: %v", err)
	}
}

// TestHTMLUnsafeValue: a value html/template will not put in a link of
// an HTML body (a javascript: URL) makes it write ZgotmplZ there; that is
// a problem of the row, naming the column, not a message with a dead link.
func TestHTMLUnsafeValue(t *testing.T) {
	e := setup(t, `name: h
from: "Acme <news@acme.example>"
to: "{{.email}}"
subject: "Invoice"
html: body.html
recipients: {path: people.csv}
`, map[string]string{"body.html": `<p>{{.name}} at {{.slot}}, {{.ref}}: <a href="{{.url}}">Pay</a></p>`}, []string{"email", "name", "slot", "ref", "url"})
	for _, tc := range []struct{ url, col string }{
		{"https://pay.example/p", ""},
		{"javascript:alert(1)", "url"},
		{"javascript: alert(1)", "url"},
		{" data:text/html,x", "url"},
		{"ftp://files.example/a", "url"}, // before ref's Ref:7
		{"tel:+15550100", "url"},         // html/template lets no tel: in
	} {
		_, err := e.r.Render(row(4, "email", "a@example.com", "name", "Re: A", "slot", "10:30", "ref", "Ref:7", "url", tc.url))
		var re *campaign.RowError
		switch {
		case tc.col == "" && err != nil:
			t.Errorf("url %q: %v", tc.url, err)
		case tc.col != "" && (!errors.As(err, &re) || re.Column != tc.col || !strings.Contains(err.Error(), "ZgotmplZ")):
			t.Errorf("url %q: %v, want a problem of column %s", tc.url, err, tc.col)
		}
	}
}

// TestMarkdownRawValueHTML: raw HTML a value marked raw brings into a
// Markdown body ("Line one<br>line two") is a problem of its row naming
// the column, not left out of the message unseen ("Line oneline two"),
// not a column not marked raw holding the same text; a value whose < is text, an address or a link in angle brackets, or an
// HTML comment, renders.
func TestMarkdownRawValueHTML(t *testing.T) {
	e := setup(t, markdownYAML, map[string]string{"body.md": "Hi {{.name}}\n\n{{.note | raw}}\n"}, markdownColumns)
	r := row(2, "email", "a@example.com", "name", "A", "order", "1", "note", "Line one<br>line two", "url", "https://u.example", "item", "x", "id", "1")
	_, err := e.r.Render(r)
	var re *campaign.RowError
	if !errors.As(err, &re) || re.Column != "note" || !strings.Contains(err.Error(), "<br>: raw HTML is left out") {
		t.Errorf("raw value with <br>: err = %v, want a RowError of column note saying the <br> is left out", err)
	}
	// A column not marked raw holding the same HTML shows it as text
	// (escaped): the problem names the raw one, though the body reads the
	// other first.
	r.Values["name"] = "A<br>"
	if _, err := e.r.Render(r); !errors.As(err, &re) || re.Column != "note" {
		t.Errorf("raw value with <br>, name too: err = %v, want a RowError of column note", err)
	}
	r.Values["name"] = "A"
	for _, ok := range []string{"a < b, I <3 you", "Write to <anna@example.com> or see <https://news.example/a>", "<!-- a note -->Thanks"} {
		r.Values["note"] = ok
		if _, err := e.r.Render(r); err != nil {
			t.Errorf("raw value %q: %v", ok, err)
		}
	}
}
