package markdown

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/yuin/goldmark"
	"golang.org/x/net/html"
)

// convert converts src, also when it has a refused link (*LinkError): its
// output is written all the same.
func convert(t *testing.T, c *Converter, src string) (htm, text string) {
	t.Helper()
	var h, x bytes.Buffer
	var le *LinkError
	if err := c.Convert([]byte(src), &h, &x); err != nil && !errors.As(err, &le) {
		t.Fatal(err)
	}
	return h.String(), x.String()
}

// hrefs lists the href and src attributes of the HTML fragment h.
func hrefs(t *testing.T, h string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(h))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		for _, a := range n.Attr {
			if a.Key == "href" || a.Key == "src" {
				out = append(out, n.Data+" "+a.Val)
			}
		}
	}
	return out
}

// TestLinkError: a link or an image that is not made (its URL refused, or
// none) is named in a *LinkError, the first one; an autolink that is not
// made shows its URL and is none; spaces around a URL, which the
// template's escaper writes as character references, are dropped.
func TestLinkError(t *testing.T) {
	c := New(Options{})
	for _, tc := range []struct {
		src  string
		want *LinkError // nil: no error
		link string
	}{
		{"[Pay](javascript:alert(1)) and [b](data:x)", &LinkError{Text: "Pay", URL: "javascript:alert(1)"}, ""},
		{"[Pay **now**](www.x.example/p)", &LinkError{Text: "Pay now", URL: "www.x.example/p"}, ""},
		{"[Pay]()", &LinkError{Text: "Pay"}, ""},
		{"![logo](logo.png)", &LinkError{Text: "logo", URL: "logo.png", Image: true}, ""},
		{"[Pay](&#32;https://x.example/p&#32;&#9;)", nil, "a https://x.example/p"},
		{"<javascript:alert(1)>", nil, ""},
		{"[Pay](https\\://x.example/a b) now", &LinkError{URL: "https://x.example/a b", Broken: true}, ""},
		{"`[Pay](x y)` and \\[a\\](b c)", nil, ""},
	} {
		var h, x bytes.Buffer
		err := c.Convert([]byte(tc.src), &h, &x)
		var le *LinkError
		switch {
		case tc.want == nil && err != nil, tc.want != nil && (!errors.As(err, &le) || *le != *tc.want):
			t.Errorf("%s: %v, want %v", tc.src, err, tc.want)
		}
		if got := strings.Join(hrefs(t, h.String()), " | "); got != tc.link {
			t.Errorf("%s: links %q, want %q", tc.src, got, tc.link)
		}
	}
}

func TestLinks(t *testing.T) {
	c := New(Options{})
	for _, tc := range []struct {
		src  string
		want string // "" for no link
		text string
	}{
		{"[a](https://x.example/p?q=1&r=2)", "a https://x.example/p?q=1&r=2", "a (https://x.example/p?q=1&r=2)"},
		{"[a](HTTP://X.EXAMPLE)", "a HTTP://X.EXAMPLE", "a (HTTP://X.EXAMPLE)"},
		{"[write](mailto:a@x.example)", "a mailto:a@x.example", "write (a@x.example)"},
		{"[a@x.example](mailto:a@x.example)", "a mailto:a@x.example", "a@x.example"},
		{"[call](tel:+861012345678)", "a tel:+861012345678", "call (tel:+861012345678)"},
		{"[top](#top)", "a #top", "top (#top)"},
		{"[https://x.example](https://x.example)", "a https://x.example", "https://x.example"},
		{"[a](javascript:alert(1))", "", "a"},
		{"[a](JavaScript:alert(1))", "", "a"},
		{"[a](java&#10;script:alert(1))", "", "a"},
		{"[a](&#106;avascript:alert(1))", "", "a"},
		{"[a](\\javascript:alert(1))", "", "a"},
		{"[a](vbscript:x)", "", "a"},
		{"[a](data:text/html,x)", "", "a"},
		{"[a](file:///etc/passwd)", "", "a"},
		{"[a](page.html)", "", "a"},
		{"[a](//evil.example)", "", "a"},
		{"[a](cid:logo.png)", "", "a"},
		{"[a][r]\n\n[r]: javascript:alert(1)", "", "a"},
		{"<javascript:alert(1)>", "", "javascript:alert(1)"},
		{"<https://x.example>", "a https://x.example", "https://x.example"},
		{"see www.x.example now", "a http://www.x.example", "see www.x.example now"},
		{"a@x.example", "a mailto:a@x.example", "a@x.example"},
		{"ftp://x.example/f", "", "ftp://x.example/f"},
		{"![logo](cid:logo.png)", "img cid:logo.png", "logo"},
		{"![](cid:logo.png)", "img cid:logo.png", ""},
		{"![pic](https://x.example/p.png)", "img https://x.example/p.png", "pic (https://x.example/p.png)"},
		{"![pic](data:image/png;base64,AAAA)", "", "pic"},
		{"![pic](javascript:x)", "", "pic"},
		{"[![pic](javascript:x)](https://x.example)", "a https://x.example", "pic (https://x.example)"},
	} {
		h, text := convert(t, c, tc.src)
		got := strings.Join(hrefs(t, h), " | ")
		if got != tc.want {
			t.Errorf("%s: links %q, want %q\n%s", tc.src, got, tc.want, h)
		}
		if strings.TrimSpace(text) != tc.text {
			t.Errorf("%s: text %q, want %q", tc.src, text, tc.text)
		}
	}
}

// TestRawHTMLOff: raw HTML in the Markdown is left out of both parts,
// and the first is returned as a *RawHTMLError once both are written.
func TestRawHTMLOff(t *testing.T) {
	var hb, tb bytes.Buffer
	err := New(Options{}).Convert([]byte("<script>alert(1)</script>\n\nHi <b onclick=\"x()\">there</b>\n\n<div>\nblock\n</div>\n"), &hb, &tb)
	var he *RawHTMLError
	if !errors.As(err, &he) || he.HTML != "<script>alert(1)</script>" {
		t.Errorf("err = %v, want a RawHTMLError of the <script>", err)
	}
	h, text := hb.String(), tb.String()
	if strings.Contains(h, "<script") || strings.Contains(h, "<b") || strings.Contains(h, "onclick") || strings.Contains(h, "<div") {
		t.Errorf("raw HTML copied out:\n%s", h)
	}
	if text != "Hi there\n" {
		t.Errorf("text %q", text)
	}
}

func TestText(t *testing.T) {
	c := New(Options{})
	for _, tc := range []struct{ name, src, want string }{
		{"paragraph joined", "one\ntwo\nthree\n", "one two three\n"},
		{"hard break", "one\\\ntwo  \nthree\n", "one\ntwo\nthree\n"},
		{"cjk soft break", "中文第一行\n第二行 and\nmore\n", "中文第一行第二行 and more\n"},
		{"emphasis", "*a* **b** `c *d*`", "a b c *d*\n"},
		{"escapes and references", "\\*x\\* &amp; &lt;b&gt; &#42; &#x4E2D; &bogus;", "*x* & <b> * 中 &bogus;\n"},
		{"headings", "# Title\n\n## Sub 章节\n\n### Third\n\ntext", "Title\n=====\n\nSub 章节\n--------\n\nThird\n\ntext\n"},
		{"short heading", "# A\n", "A\n===\n"},
		{"lists", "- a\n- b\n  - c\n  - d\n- e\n\n3. x\n4. y\n\n1) p\n2) q\n",
			"- a\n- b\n  - c\n  - d\n- e\n\n3. x\n4. y\n\n1) p\n2) q\n"},
		{"loose list", "- a\n\n  more a\n- b\n", "- a\n\n  more a\n\n- b\n"},
		{"list item lines", "1. first\\\n   second\n10. ten\n", "1. first\n   second\n2. ten\n"}, // numbered on, as the HTML list is
		{"empty item", "- \n- x\n", "-\n- x\n"},
		{"quote", "> a\n> b\n>\n> c\n>\n> - d\n", "> a b\n>\n> c\n>\n> - d\n"},
		{"nested quote", "> a\n>> b\n", "> a\n>\n> > b\n"},
		{"quote in list", "- x\n\n  > q\n", "- x\n\n  > q\n"},
		{"code block", "text\n\n```go\nfunc f() {\n\treturn\n}\n```\n\n    indented\n", "text\n\n    func f() {\n    \treturn\n    }\n\n    indented\n"},
		{"rule", "a\n\n***\n\nb", "a\n\n------------------------------\n\nb\n"},
		{"table", "| Item | Qty | Note |\n|:--|--:|:-:|\n| 苹果 | 3 | ok |\n| Pear | 12 | `x\\|y` |\n",
			"Item | Qty | Note\n-----+-----+-----\n苹果 |   3 |  ok\nPear |  12 | x|y\n"},
		{"link in heading", "## [Docs](https://x.example)", "Docs (https://x.example)\n------------------------\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, text := convert(t, c, tc.src)
			if text != tc.want {
				t.Errorf("text:\n%s\nwant:\n%s\n(%q)", text, tc.want, text)
			}
		})
	}
}

func TestStyled(t *testing.T) {
	src := "# T\n\np [a](https://x.example) `c`\n\n- i\n\n> q\n\n```\n<pre>\n```\n\n---\n\n![x](cid:l.png)\n\n| h |\n|---|\n| d |\n"
	plain, _ := convert(t, New(Options{}), src)
	if strings.Contains(plain, "style=") {
		t.Errorf("unstyled HTML has styles:\n%s", plain)
	}
	styled, _ := convert(t, New(Options{Styled: true}), src)
	doc, err := html.Parse(strings.NewReader(styled))
	if err != nil {
		t.Fatal(err)
	}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "html", "head", "body", "thead", "tbody", "tr", "code":
			if n.Data != "code" || n.Parent.Data == "pre" {
				continue
			}
		}
		has := false
		for _, a := range n.Attr {
			has = has || a.Key == "style" && a.Val != ""
		}
		if !has {
			t.Errorf("<%s> has no inline style:\n%s", n.Data, styled)
		}
	}
	if !strings.Contains(styled, "&lt;pre&gt;") {
		t.Errorf("code block not escaped:\n%s", styled)
	}
}

func TestLayout(t *testing.T) {
	var b bytes.Buffer
	if err := Layout(&b, []byte("<p>Body &amp; soul</p>"), `Hi <Ann> & "Bob"`); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"<title>Hi &lt;Ann&gt; &amp; &#34;Bob&#34;</title>",
		"<p>Body &amp; soul</p>",
		"<!--[if mso]><table role=\"presentation\" width=\"600\"",
		"max-width:600px",
		"prefers-color-scheme: dark",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("layout lacks %q:\n%s", want, out)
		}
	}
	if _, err := html.Parse(strings.NewReader(out)); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrent(t *testing.T) {
	c := New(Options{Styled: true})
	src := []byte("# Hi\n\n- [a](https://x.example)\n- [b](javascript:x)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
	want, wantText := convert(t, c, string(src))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				var h, x bytes.Buffer
				var le *LinkError
				if err := c.Convert(src, &h, &x); !errors.As(err, &le) || le.Text != "b" || h.String() != want || x.String() != wantText {
					t.Errorf("concurrent Convert differs: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// FuzzConvert: any Markdown converts without panic, and no script element
// or javascript: URL comes out of it.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{"# a\n\n- b\n", "[x](javascript:alert(1))", "<script>x</script>", "| a |\n|---|\n| b |", "> q\n>> r\n\n1. x\n   - y"} {
		f.Add(s)
	}
	c := New(Options{Styled: true})
	f.Fuzz(func(t *testing.T, src string) {
		var h, x bytes.Buffer
		var le *LinkError
		var he *RawHTMLError
		if err := c.Convert([]byte(src), &h, &x); err != nil && !errors.As(err, &le) && !errors.As(err, &he) {
			t.Fatal(err)
		}
		for _, l := range hrefs(t, h.String()) {
			_, u, _ := strings.Cut(l, " ")
			if u != "" && !allowed(u, []string{"http", "https", "mailto", "tel", "cid"}) {
				t.Errorf("URL %q out of %q", u, src)
			}
		}
		if strings.Contains(strings.ToLower(h.String()), "<script") {
			t.Errorf("script element out of %q", src)
		}
	})
}

// BenchmarkConvert converts a 2.6 KB newsletter to HTML and text.
func BenchmarkConvert(b *testing.B) {
	var m strings.Builder
	m.WriteString("# Hello Ann Lee!\n\nYour **Gold** membership since 2019-04-01 has earned you 1037 points.\n\n")
	for i := 1; m.Len() < 2600; i++ {
		m.WriteString("### Story\n\nLorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod\ntempor incididunt ut labore et dolore magna aliqua.\n\n[Read more](https://acme.example/story)\n\n")
	}
	src := []byte(m.String())
	for _, styled := range []bool{false, true} {
		b.Run(map[bool]string{false: "plain", true: "styled"}[styled], func(b *testing.B) {
			c := New(Options{Styled: styled})
			var h, x bytes.Buffer
			b.ReportAllocs()
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				h.Reset()
				x.Reset()
				if err := c.Convert(src, &h, &x); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestGoldmarkDefault records why linkFilter exists: goldmark on its own
// keeps a javascript: link as a link to nowhere and lets other schemes and
// relative URLs through.
func TestGoldmarkDefault(t *testing.T) {
	var b bytes.Buffer
	if err := goldmark.Convert([]byte("[a](javascript:alert(1)) [b](ftp://x.example) [c](page.html) <b>x</b>"), &b); err != nil {
		t.Fatal(err)
	}
	want := `<p><a href="">a</a> <a href="ftp://x.example">b</a> <a href="page.html">c</a> <!-- raw HTML omitted -->x<!-- raw HTML omitted --></p>` + "\n"
	if b.String() != want {
		t.Errorf("goldmark default:\n%s\nwant:\n%s", b.String(), want)
	}
}
