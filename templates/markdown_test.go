package templates

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

func TestEscapeMarkdown(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"Ann Lee", "Ann Lee"},
		{"张三", "张三"},
		{"*bold*", `\*bold\*`},
		{"_under_", `\_under\_`},
		{"<script>alert(1)</script>", `\<script\>alert\(1\)\<\/script\>`},
		{"[x](javascript:alert(1))", `\[x\]\(javascript\:alert\(1\)\)`},
		{"&amp; &#42;", `\&amp\; \&\#42\;`},
		{"# not a heading", `\# not a heading`},
		{"1. not a list", `1\. not a list`},
		{"a | b", `a \| b`},
		{"back\\slash `tick` ~x~ !", "back&#92;slash \\`tick\\` \\~x\\~ \\!"},
		{"ends in \\\nx\\", "ends in &#92;\\\nx&#92;"},
		{"https://x.example", `https\:\/\/x\.example`},
		{"    code", "&#32;&#32;&#32;&#32;code"},
		{"\tx\t", "&#9;x&#9;"},
		{"two  ", "two&#32;&#32;"},
		{"a\nb", "a\\\nb"},
		{"a\r\n\r\nb", "a\\\n\\\nb"},
		{"\n\na\n", "a"},
		{"a\n    b", "a\\\n&#32;&#32;&#32;&#32;b"},
	} {
		if got := EscapeMarkdown(tc.in); got != tc.want {
			t.Errorf("EscapeMarkdown(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

const markdownYAML = `name: test
from: "Acme <news@acme.example>"
subject: "Hello"
markdown: body.md
recipients:
  path: people.csv
`

func compileMarkdown(t *testing.T, body string, extra map[string]string, yaml string) *Set {
	t.Helper()
	files := map[string]string{"body.md": body}
	for k, v := range extra {
		files[k] = v
	}
	c := load(t, yaml, files)
	set, err := Compile(c, []string{"email", "name", "d", "tags", "bio"})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestMarkdownEscapesEveryAction: whatever an action prints is escaped
// once, at its end, so functions see the value as the sheet holds it.
func TestMarkdownEscapesEveryAction(t *testing.T) {
	r := mdRow(2, "email", "a@x.example", "name", "*Ann* <b>", "d", "2024/3/14", "tags", "a_1, b*2", "bio", "I *really* like [links](https://x.example)")
	for _, tc := range []struct{ src, want string }{
		{"{{.name}}", `\*Ann\* \<b\>`},
		{"{{.name | upper}}", `\*ANN\* \<B\>`},
		{`{{printf "%s!" .name}}`, `\*Ann\* \<b\>\!`},
		{`{{date "iso" .d}}`, `2024\-03\-14`},
		{`{{range split "," .tags}}- {{.}}` + "\n{{end}}", "- a\\_1\n- b\\*2\n"},
		{`{{with .name}}{{.}}{{end}}`, `\*Ann\* \<b\>`},
		{`{{$n := .name}}{{$n}}`, `\*Ann\* \<b\>`},
		{`{{define "x"}}[{{.name}}]{{end}}{{template "x" .}}`, `[\*Ann\* \<b\>]`},
		{`{{if .name}}**{{.name}}**{{end}}`, `**\*Ann\* \<b\>**`},
		{`{{.bio | raw}}`, "I *really* like [links](https://x.example)"},
		{`{{.bio | upper | raw}}`, "I *REALLY* LIKE [LINKS](HTTPS://X.EXAMPLE)"},
		{`{{raw .bio | printf "%s"}}`, `I \*really\* like \[links\]\(https\:\/\/x\.example\)`},
		{`{{len .name}}`, "9"},
		{"*{{.email}}*", `*a\@x\.example*`},
	} {
		set := compileMarkdown(t, tc.src, nil, markdownYAML)
		f, err := set.Execute(r)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		if got := string(f.Markdown); got != tc.want {
			t.Errorf("%s = %q, want %q", tc.src, got, tc.want)
		}
		if f.Text != nil || f.HTML != nil {
			t.Errorf("%s: Text or HTML set", tc.src)
		}
	}
}

func TestMarkdownColumnsAndErrors(t *testing.T) {
	c := load(t, markdownYAML, map[string]string{"body.md": "Hi {{.name}}\n\n{{.nmae}}\n"})
	_, err := Compile(c, []string{"email", "name"})
	var fe *campaign.FileError
	if !errors.As(err, &fe) || fe.Line != 3 || !strings.HasSuffix(fe.File, "body.md") || !errors.Is(err, ErrUnknownColumn) {
		t.Errorf("err = %v, want body.md:3 unknown column", err)
	}
	c = load(t, markdownYAML, map[string]string{"body.md": "Hi\n{{.name)}}\n"})
	if _, err := Compile(c, []string{"email", "name"}); !errors.As(err, &fe) || fe.Line != 2 {
		t.Errorf("syntax error = %v, want body.md:2", err)
	}
}

func TestMarkdownUsedColumns(t *testing.T) {
	c := load(t, markdownYAML, map[string]string{"body.md": "{{.First_Name}} {{.email}}"})
	set, err := Compile(c, []string{"email", "First Name"})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(set.UsedColumns(), ","); got != "email,First Name" {
		t.Errorf("UsedColumns = %s", got)
	}
	f, err := set.Execute(mdRow(2, "email", "a@x.example", "First Name", "Zoë"))
	if err != nil || string(f.Markdown) != `Zoë a\@x\.example` {
		t.Errorf("Markdown = %q, %v", f.Markdown, err)
	}
}

func TestLayout(t *testing.T) {
	yaml := markdownYAML + "layout: layout.html\n"
	set := compileMarkdown(t, "x", map[string]string{
		"layout.html": "<title>{{.Subject}}</title>\n<div>{{.Body}}</div>\n<a title=\"{{.Subject | upper}}\">x</a>",
	}, yaml)
	if set.Layout == nil || set.Layout.Name() != "layout" {
		t.Fatalf("Layout = %v", set.Layout)
	}
	var b bytes.Buffer
	if err := set.Layout.ExecuteLayout(&b, LayoutData{Body: "<p>Hi &amp; bye</p>", Subject: `<Ann> "x"`}); err != nil {
		t.Fatal(err)
	}
	want := "<title>&lt;Ann&gt; &#34;x&#34;</title>\n<div><p>Hi &amp; bye</p></div>\n<a title=\"&lt;ANN&gt; &#34;X&#34;\">x</a>"
	if b.String() != want {
		t.Errorf("layout output %q, want %q", b.String(), want)
	}
	if err := set.Layout.Execute(&b, mdRow(2)); err == nil {
		t.Errorf("Execute of a layout with a row: no error")
	}
	for _, tc := range []struct {
		name, src string
		line      int
		err       error
		msg       string
	}{
		{"no body", "<p>{{.Subject}}</p>", 0, ErrLayoutBody, ""},
		{"unknown field", "<p>\n{{.Body}}\n{{.name}}</p>", 3, nil, "{{.name}}: a layout sees only {{.Body}} and {{.Subject}}, not the row's columns"},
		{"syntax", "<p>\n{{.Body}\n</p>", 2, nil, "bad character"},
		{"escaping", "<p>\n{{.Body}}<script>var x = '{{.Subject}}</p>", 0, nil, ""},
		{"printf", "<p>{{.Body}}\n{{printf \"%d\" .Subject}}</p>", 2, ErrFuncArgType, "printf: wrong type of argument: %d formats a number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := load(t, yaml, map[string]string{"body.md": "x", "layout.html": tc.src})
			_, err := Compile(c, []string{"email"})
			var fe *campaign.FileError
			if !errors.As(err, &fe) || !strings.HasSuffix(fe.File, "layout.html") {
				t.Fatalf("err = %v, want a FileError for layout.html", err)
			}
			if tc.line != 0 && fe.Line != tc.line || tc.err != nil && !errors.Is(err, tc.err) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("err = %v (line %d), want line %d, %v, %q", err, fe.Line, tc.line, tc.err, tc.msg)
			}
		})
	}
}

// mdRow is a row numbered n with the given column, value pairs.
func mdRow(n int, kv ...string) campaign.Row {
	r := campaign.Row{Number: n, Values: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Values[kv[i]] = kv[i+1]
	}
	return r
}
