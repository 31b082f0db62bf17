package markdown

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/net/html"

	"github.com/tidings/tidings/templates"
)

// FuzzEscapedValue: a value from the sheet, escaped by package templates
// and standing anywhere in a paragraph, reads back as itself in the text
// part and is text, not markup, in the HTML (only <p> and <br>).
func FuzzEscapedValue(f *testing.F) {
	for _, s := range []string{
		"<script>alert(1)</script>", "*bold* _under_", "[x](javascript:alert(1))", "&amp;", "# h\n- l\n> q",
		"    code", "a  \nb", "a\n\n\nb", "| a | b |", "`x`", "www.x.example a@x.example https://x.example",
		"1. x", "---", "\\", "~~s~~", "<!-- c -->", "\t\tx", "张三 *粗体*",
	} {
		f.Add(s)
	}
	c := New(Options{})
	f.Fuzz(func(t *testing.T, v string) {
		if !utf8.ValidString(v) {
			return
		}
		// The value within a line, and as a paragraph of its own.
		for _, ctx := range [][2]string{{"Dear ", ", hello."}, {"", ""}} {
			src := ctx[0] + templates.EscapeMarkdown(v) + ctx[1] + "\n"
			var h, x bytes.Buffer
			if err := c.Convert([]byte(src), &h, &x); err != nil {
				t.Fatal(err)
			}
			want := lines(ctx[0]+readAs(v)+ctx[1]) + "\n"
			if want == "\n" && strings.TrimSpace(src) == "" {
				want = ""
			}
			if got := x.String(); got != want {
				t.Fatalf("value %q: text %q, want %q", v, got, want)
			}
			onlyText(t, v, h.String())
		}
	})
}

// onlyText fails t unless h, the HTML made from value v, holds only
// paragraphs, line breaks and text.
func onlyText(t *testing.T, v, h string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(h))
	if err != nil {
		t.Fatal(err)
	}
	for d := range doc.Descendants() {
		switch {
		case d.Type == html.CommentNode:
			t.Fatalf("value %q made a comment:\n%s", v, h)
		case d.Type != html.ElementNode:
		case d.Data == "html", d.Data == "head", d.Data == "body", d.Data == "p", d.Data == "br":
		default:
			t.Fatalf("value %q made <%s>:\n%s", v, d.Data, h)
		}
	}
}

// readAs is the text a value reads as: line breaks at its ends dropped,
// CR LF and CR made LF, NUL made U+FFFD.
func readAs(v string) string {
	v = strings.Trim(v, "\r\n")
	v = strings.ReplaceAll(v, "\r\n", "\n")
	v = strings.ReplaceAll(v, "\r", "\n")
	return strings.ReplaceAll(v, "\x00", "\uFFFD")
}

// lines drops the spaces and tabs at the end of each line of s, as the
// text part does.
func lines(s string) string {
	ls := strings.Split(s, "\n")
	for i, l := range ls {
		ls[i] = strings.TrimRight(l, " \t")
	}
	return strings.Join(ls, "\n")
}
