package templates

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// mjmlHead and mjmlBody are what MJML writes for Outlook: settings in a
// downlevel-hidden block, a tag only other clients see in a
// downlevel-revealed one (also as Litmus writes it, <!-- --> for <!-->),
// and the fixed-width table around the content.
const (
	mjmlHead = "<html><head>\n<!--[if !mso]><!--><meta http-equiv=\"X-UA-Compatible\" content=\"IE=edge\"><!--<![endif]-->\n" +
		"<!--[if mso]>\n<noscript><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml></noscript>\n<![endif]-->\n" +
		"<!--[if lte mso 11]><style>.fix { width:100% !important; }</style><![endif]-->\n" +
		"<!--[if !mso]><!-- --><style>.web { display:block; }</style><!--<![endif]-->\n</head>\n"
	mjmlBody = "<body><!--[if mso | IE]><table width=\"600\"><tr><td title=\"{{.a}}\"><![endif]-->\n" +
		"<p>Hello {{.b}}</p>\n<!--[if mso | IE]></td></tr></table><![endif]-->\n</body></html>"
)

// TestConditionalCommentsKept: an html: body keeps Outlook's conditional
// comments, each as written, where html/template drops every comment; a
// value inside one is escaped as anywhere in the HTML; an opening marker
// with no closing one is left to html/template, which refuses it as before
// (printed, it would hide the rest of the message); a problem after the
// markers names the line it is on.
func TestConditionalCommentsKept(t *testing.T) {
	s := compilePrinted(t, "x", mjmlHead+mjmlBody, true)
	var b bytes.Buffer
	if err := s.HTML.Execute(&b, campaign.Row{Number: 2, Values: map[string]string{"a": `"x"`, "b": "<Ann>"}}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		`<!--[if !mso]><!--><meta http-equiv="X-UA-Compatible" content="IE=edge"><!--<![endif]-->`,
		"<!--[if mso]>\n<noscript><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml></noscript>\n<![endif]-->",
		`<!--[if lte mso 11]><style>.fix { width:100% !important; }</style><![endif]-->`,
		`<!--[if !mso]><!-- --><style>.web { display:block; }</style><!--<![endif]-->`,
		`<!--[if mso | IE]><table width="600"><tr><td title="&#34;x&#34;"><![endif]-->`,
		"<p>Hello &lt;Ann&gt;</p>\n<!--[if mso | IE]></td></tr></table><![endif]-->",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	c := load(t, "name: test\nfrom: \"Acme <news@acme.example>\"\nsubject: x\nhtml: body.html\nrecipients:\n  path: people.csv\n",
		map[string]string{"body.html": "<p>{{.a}}</p>\n<!--[if mso]><p>only Outlook</p>\n<p>{{.a}}</p>"})
	if _, err := Compile(c, []string{"email", "a"}); err == nil || !strings.Contains(err.Error(), "body.html:2: ") || !strings.Contains(err.Error(), "never closed") {
		t.Errorf("a lone opening marker: Compile = %v, want the comment opened at line 2 told never closed", err)
	}

	c = load(t, "name: test\nfrom: \"Acme <news@acme.example>\"\nsubject: x\nhtml: body.html\nrecipients:\n  path: people.csv\n",
		map[string]string{"body.html": mjmlHead + "<body><!--[if mso]><table><![endif]--><p>{{.zz}}</p>"})
	_, err := Compile(c, []string{"email", "a"})
	var fe *campaign.FileError
	if !errors.As(err, &fe) || fe.Line != 9 {
		t.Errorf("Compile = %v, want an error at line 9", err)
	}
}

// TestConditionalCommentsInStyle: markers inside a <style> or <script>
// element, where html/template keeps comments as text and would escape an
// action's output as CSS or JavaScript, are left as they were.
func TestConditionalCommentsInStyle(t *testing.T) {
	src := "<style><!--[if mso]>.a{}<![endif]--></style><script>var s = \"<!--[if mso]>x<![endif]-->\";</script><p>{{.a}}</p>"
	s := compilePrinted(t, "x", src, true)
	var b bytes.Buffer
	if err := s.HTML.Execute(&b, campaign.Row{Number: 2, Values: map[string]string{"a": "A"}}); err != nil {
		t.Fatal(err)
	}
	stock := htmltemplate.Must(htmltemplate.New("x").Parse(src))
	var want bytes.Buffer
	if err := stock.Execute(&want, map[string]string{"a": "A"}); err != nil {
		t.Fatal(err)
	}
	if b.String() != want.String() {
		t.Errorf("got %q, want html/template's %q", b.String(), want.String())
	}
}

// TestConditionalCommentsLayout: a layout: keeps them too.
func TestConditionalCommentsLayout(t *testing.T) {
	set := compileMarkdown(t, "x", map[string]string{
		"layout.html": mjmlHead + "<body><!--[if mso]><table><tr><td><![endif]-->{{.Body}}<!--[if mso]></td></tr></table><![endif]--></body>",
	}, markdownYAML+"layout: layout.html\n")
	var b bytes.Buffer
	if err := set.Layout.ExecuteLayout(&b, LayoutData{Body: "<p>Hi</p>"}); err != nil {
		t.Fatal(err)
	}
	if want := "<!--[if mso]><table><tr><td><![endif]--><p>Hi</p><!--[if mso]></td></tr></table><![endif]-->"; !strings.Contains(b.String(), want) {
		t.Errorf("layout output lacks %q:\n%s", want, b.String())
	}
}

// TestConditionalCommentsInTags: markers in an attribute's value, a tag
// or a <title> or <textarea> element, where no comment is one, are left as
// html/template leaves them (a marker's action in alt="…" had its tags
// stripped, alt="x&lt;![endif]--&gt;"); <!----> closes a downlevel-
// revealed opening marker as <!-- --> does.
func TestConditionalCommentsInTags(t *testing.T) {
	for _, src := range []string{
		`<img alt="<!--[if mso]>x<![endif]-->"><p>{{.a}}</p>`,
		`<IMG ALT='<!--[if mso]>x<![endif]-->' title="{{.a}}">`,
		`<title><!--[if mso]>x<![endif]--></title><p>{{.a}}</p>`,
		"<textarea>\n<!--[if mso]>x<![endif]--></textarea><p>{{.a}}</p>",
		`<a href="{{.a}}" title="<!--[if mso]>">x</a><p>y</p><![endif]-->`,
	} {
		s := compilePrinted(t, "x", src, true)
		var b bytes.Buffer
		if err := s.HTML.Execute(&b, campaign.Row{Number: 2, Values: map[string]string{"a": "A"}}); err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := htmltemplate.Must(htmltemplate.New("x").Parse(src)).Execute(&want, map[string]string{"a": "A"}); err != nil {
			t.Fatal(err)
		}
		if b.String() != want.String() {
			t.Errorf("%s:\ngot  %q\nwant html/template's %q", src, b.String(), want.String())
		}
	}
	src := "<!--[if !mso]><!----><p>{{.a}}</p><!--<![endif]-->"
	s := compilePrinted(t, "x", src, true)
	var b bytes.Buffer
	if err := s.HTML.Execute(&b, campaign.Row{Number: 2, Values: map[string]string{"a": "A"}}); err != nil {
		t.Fatal(err)
	}
	if want := "<!--[if !mso]><!----><p>A</p><!--<![endif]-->"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

// TestConditionalCommentsLarge: a 5 MB body of 96,000 markers and
// 48,000 actions keeps every marker. It took 24 s when each marker was
// compared with each action; the time is
// BenchmarkKeepConditionalComments' to show, not a test's.
func TestConditionalCommentsLarge(t *testing.T) {
	src := strings.Repeat(conditionalUnit, 24000)
	out, kept, _ := keepConditionalComments(src)
	if kept == nil || len(out) != len(src) || strings.Count(out, "{{_c ") != 96000 || kept(1) != "<![endif]-->" {
		t.Errorf("not every marker kept: %d bytes of %d", len(out), len(src))
	}
}

// TestConditionalCommentsMany: a body of more than 100,000 markers keeps
// every one (past 100,000, the number of the next was longer than
// <![endif]--> and the body lost them all without a word: Outlook showed
// the message at its own width).
func TestConditionalCommentsMany(t *testing.T) {
	unit := "<!--[if mso]><b>{{.a}}</b><![endif]-->\n"
	s := compilePrinted(t, "x", strings.Repeat(unit, 60000), true)
	var b bytes.Buffer
	if err := s.HTML.Execute(&b, campaign.Row{Number: 2, Values: map[string]string{"a": "A"}}); err != nil {
		t.Fatal(err)
	}
	if want := strings.Repeat("<!--[if mso]><b>A</b><![endif]-->\n", 60000); b.String() != want {
		t.Errorf("%d markers kept of 120000", strings.Count(b.String(), "<!--[if mso]>")+strings.Count(b.String(), "<![endif]-->"))
	}
}

// TestConditionalCommentsUnkept: a marker too short for the number of a
// new one (past 10,000 different ones, "<!--[if a]>") is an error at its
// line and column saying what the limit is and what to write, where the
// body lost every marker without a word.
func TestConditionalCommentsUnkept(t *testing.T) {
	var body strings.Builder
	for i := range 9999 {
		fmt.Fprintf(&body, "<!--[if mso %d]><b>{{.a}}</b><![endif]-->\n", i)
	}
	body.WriteString("<p>x</p><!--[if a]><b>{{.a}}</b><![endif]-->\n")
	c := load(t, "name: test\nfrom: \"Acme <news@acme.example>\"\nsubject: x\nhtml: body.html\nrecipients:\n  path: people.csv\n",
		map[string]string{"body.html": body.String()})
	_, err := Compile(c, []string{"email", "a"})
	var fe *campaign.FileError
	if !errors.As(err, &fe) || !errors.Is(err, ErrConditionalKept) || fe.Line != 10000 || fe.Column != 9 {
		t.Fatalf("Compile = %v, want ErrConditionalKept at line 10000, column 9", err)
	}
	for _, want := range []string{`"<!--[if a]>"`, "the 10000 written before it", "(11 characters) is kept only among the first 10000", "with a longer condition"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v lacks %q", err, want)
		}
	}
}

// conditionalUnit is a block of an email builder's export with an
// Outlook table around a paragraph: four markers, two actions.
const conditionalUnit = "<!--[if mso]><table width=\"600\"><tr><td title=\"{{.a}}\"><![endif]--><p>Hello {{.b}}, a line of some length, as a newsletter's paragraph has it</p>" +
	"<!--[if mso]></td></tr></table><![endif]-->\n"

// BenchmarkKeepConditionalComments: the markers of a body of 0.5 and 5
// MB kept in one pass: the time should grow as the body does.
//
//	go test ./templates -run '^$' -bench KeepConditionalComments
func BenchmarkKeepConditionalComments(b *testing.B) {
	for _, units := range []int{2400, 24000} {
		src := strings.Repeat(conditionalUnit, units)
		b.Run(fmt.Sprintf("%.1fMB", float64(len(src))/1e6), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				if _, kept, _ := keepConditionalComments(src); kept == nil {
					b.Fatal("no marker kept")
				}
			}
		})
	}
}
