package templates

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// compilePrinted compiles a campaign whose body file (body.txt, or
// body.html when html) is body, against the columns email and a to e.
func compilePrinted(t *testing.T, subject, body string, html bool) *Set {
	t.Helper()
	key, file := "text", "body.txt"
	if html {
		key, file = "html", "body.html"
	}
	yaml := fmt.Sprintf("name: test\nfrom: \"Acme <news@acme.example>\"\nsubject: %q\n%s: %s\nrecipients:\n  path: people.csv\n", subject, key, file)
	s, err := Compile(load(t, yaml, map[string]string{file: body}), []string{"email", "a", "b", "c", "d", "e"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// placesOf writes printings as "a" (no guard) or "a[b c]".
func placesOf(ps []printing) []string {
	var out []string
	for _, p := range ps {
		s := p.column
		if len(p.guards) > 0 {
			s += fmt.Sprint(p.guards)
		}
		out = append(out, s)
	}
	return out
}

// TestPrinted: the places a body prints a column so that a blank leaves a
// hole: at its top level (through a function that keeps a blank too);
// printf's %s and %v values, not %q or %#v; $.a, also within with and
// range, where dot is something else; within if, with and range split
// on a column, guarded by it; in a template called with the row; not
// those given to default, to a variable first, to a function that may
// print a blank as something (len, %q), within another condition or an
// else, nor a column alone on its line (the author's own paragraph).
func TestPrinted(t *testing.T) {
	for _, c := range []struct {
		src  string
		want []string
	}{
		{`Dear {{.a}}, {{.a}} {{if .b}}{{.b}}{{end}} {{.c | printf "%s"}} {{$x := .d}}{{$x}} {{upper .e}} {{.b | default "x"}}`, []string{"a", "b[b]", "c", "e"}},
		{`{{printf "Dear %s, %q %#v %5v %T %x" .a .b .d .e .b .c}}`, []string{"a", "e", "c"}},
		{`{{printf "Dear %[2]s" .a .b}} {{.c | printf "Hi %s"}} {{.d | printf "%q"}} x {{printf "%s" $.e | upper}}`, []string{"b", "c", "e"}},
		{`{{range split "," .b}}x {{$.a}} {{.}} {{end}}{{with .c}}x {{$.a}} {{.}} {{.d}}{{end}}{{range .e}}x {{$.d}}{{end}}`, []string{"a[b]", "a[c]"}},
		{`{{define "g"}}Dear {{.a}},{{end}}{{template "g" .}}{{if and .b .c}}{{template "g" $}}{{end}}{{range split "," .c}}{{template "g" .}}{{end}}`, []string{"a", "a[b c]"}},
		{`x {{.a | len}} {{if not .d}}{{.d}} x{{end}} {{if .e}}x{{else}}{{.b}} x{{end}} {{with .e}}{{.}} x{{end}}`, nil},
		{"{{.a}}\n  {{.b}}  \n{{if .e}}{{.d}}{{end}}\nx {{.c}}", []string{"c"}},
		{`{{define "x"}}x {{.b}}{{if .a}}{{template "x" .}}{{end}}{{if .c}}{{template "x" $}}{{end}}{{end}}{{template "x" .}}`, []string{"b", "b[a]", "b[a c]", "b[c]"}},
		{`no columns`, nil},
		// Trim markers join a column to the text of the line before or
		// after: "Hello Ann", "Bo, welcome".
		{"Hello\n{{- \" \" -}}\n{{.a}}\n{{.b -}}\n, welcome\nx\n  {{- .c}}\n{{.d}}\n", []string{"a", "b", "c"}},
		// Columns printed together, by printf or on one line, are beside
		// each other; a column nested in a call that keeps a blank is
		// printed as it is.
		{"{{printf \"%s %s\" .a .b}}\n{{.c}} {{.d}}\nDear {{upper (trim .e)}},\n", []string{"a", "b", "c", "d", "e"}},
		{"Dear {{printf \"%s\" (printf \"%s %s\" .a (title .b))}},\n{{printf \"%s %s\" .c .c}}\n{{printf \"%s\" (.d | default \"x\")}} x {{printf \"%s\" (.e | len | printf \"%d\")}}\n", []string{"a", "b"}},
		// Other actions on the line print no word.
		{"{{if .a}}{{.b}}{{end}}\n{{$x := .c}}{{/* c */}}{{\" \"}}{{.d}}\n", nil},
	} {
		s := compilePrinted(t, "Hi", c.src, false)
		if got := placesOf(s.printed); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.src, got, c.want)
		}
	}
	// HTML: tags are no text beside a column, and a column in an attribute
	// is no hole in the text; the subject is one line, seen whole.
	s := compilePrinted(t, "{{.e}}", "<p>{{.a}}</p>\n<p>Dear {{.b}},</p>\n<a title=\"{{.c}}\">x {{.d}}</a>\n{{define \"g\"}}<b>Dear {{.a}}</b>{{end}}<i>{{template \"g\" .}}</i>", true)
	if got, want := placesOf(s.printed), []string{"e", "b", "d", "a"}; !slices.Equal(got, want) {
		t.Errorf("html: %v, want %v", got, want)
	}
	// A tag written over several lines: its attributes are no text either.
	s = compilePrinted(t, "Hi", "<p>Hi {{.a}},</p>\n<img\n  alt=\"{{.c}}\"\n  src=\"https://x.example/a.png\">\n<a href=\"https://x.example/\"\n   title=\"{{if .e}}{{.e}}{{end}} {{.d}} x\">y {{.b}}</a>\n", true)
	if got, want := placesOf(s.printed), []string{"a", "b"}; !slices.Equal(got, want) {
		t.Errorf("html, a tag over lines: %v, want %v", got, want)
	}
}

// TestPrintedBlank: a column is named for a row where it is blank and a
// place printing it runs: every guard of the place filled.
func TestPrintedBlank(t *testing.T) {
	s := &Set{printed: []printing{{column: "a"}, {column: "b", guards: []string{"c", "d"}}, {column: "e", guards: []string{"c"}}}}
	for _, c := range []struct {
		values map[string]string
		want   []string
	}{
		{map[string]string{"a": " ", "b": "", "c": "x", "d": "y", "e": "z"}, []string{"a", "b"}},
		{map[string]string{"a": "x", "b": "", "c": "x", "d": " ", "e": ""}, []string{"e"}},
		{map[string]string{"a": "x", "b": "", "c": "", "d": "y", "e": ""}, nil},
	} {
		if got := s.PrintedBlank(campaign.Row{Values: c.values}); !slices.Equal(got, c.want) {
			t.Errorf("PrintedBlank(%v): %v, want %v", c.values, got, c.want)
		}
	}
	if got := strings.Join(compilePrinted(t, "Hi {{.a}}", "x", false).Text.Printed(), ","); got != "" {
		t.Errorf("Printed of a body printing no column: %q", got)
	}
}

// TestPrintedBlankHoles: a row's blank cells printed as holes through
// printf ("Dear %s"), $.b within a range and a {{define}}d template called
// with the row are named; one printed with %q is not, nor a column alone
// on its line (a blank there leaves an empty line, no hole).
func TestPrintedBlankHoles(t *testing.T) {
	s := compilePrinted(t, "Hi", "{{define \"sig\"}}Yours, {{.c}}{{end}}{{printf \"Dear %s (%q),\" .a .d}}\n{{range split \",\" .e}}{{.}} for {{$.b}}\n{{end}}\n{{.d}}\n{{template \"sig\" .}}\n", false)
	row := campaign.Row{Values: map[string]string{"email": "x@example.com", "a": "", "b": " ", "c": "", "d": "", "e": "p,q"}}
	if got, want := s.PrintedBlank(row), []string{"a", "b", "c"}; !slices.Equal(got, want) {
		t.Errorf("PrintedBlank: %v, want %v", got, want)
	}
}

// TestPrintedMarkdown: the Markdown body's escaper keeps a blank blank: a
// list item's or a sentence's column is a hole, one alone on its line is
// not.
func TestPrintedMarkdown(t *testing.T) {
	s := compileMarkdown(t, "# News\n\n- {{.tags}}\n\n{{.bio}}\n\nDear **{{.d}}**,\n", nil, markdownYAML)
	if got, want := placesOf(s.printed), []string{"tags", "d"}; !slices.Equal(got, want) {
		t.Errorf("markdown: %v, want %v", got, want)
	}
}

// TestPrintedHTMLLines: in HTML, columns on one source line that a line
// break or an element of their own sets apart (an address's
// {{.street}}<br>{{.line2}}<br>{{.city}}, table cells, paragraphs) are
// no holes beside each other: a blank leaves an empty line or element,
// as a column alone on its source line does; words inline elements hold
// together still are ("<b>{{.a}}</b> {{.b}}").
func TestPrintedHTMLLines(t *testing.T) {
	for _, c := range []struct {
		src  string
		want []string
	}{
		{"<p>{{.a}}<br>{{.b}}<BR/>{{.c}}</p>", nil},
		{"<p>{{.a}}</p><p>{{.b}}</p>", nil},
		{"<tr><td>{{.a}}</td><td>{{.b}}</td></tr>", nil},
		{"<li>{{.a}}</li>\n<li>{{.b}}</li>", nil},
		{"<p>{{.a}}<br>{{.d}} {{.e}}</p>", []string{"d", "e"}},
		{"<p><b>{{.a}}</b> <i>{{.b}}</i></p>", []string{"a", "b"}},
		{"<p><a href=\"x\">{{.a}}</a>{{.b}}</p>", []string{"a", "b"}},
	} {
		s := compilePrinted(t, "Hi", c.src, true)
		if got := placesOf(s.printed); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.src, got, c.want)
		}
	}
}

// TestPrintedHTMLOneLine: an HTML body written on one line (as an email
// builder's minified output is) keeps its paragraphs and cells apart:
// a column alone in its paragraph or cell is no hole for the text of
// another one on that line, while "Dear {{.b}}," still is.
func TestPrintedHTMLOneLine(t *testing.T) {
	src := `<html><body><p>Dear {{.b}},</p><p>{{.a}}</p><table><tr><td>Total</td><td>{{.c}}</td></tr></table><p>Yours, {{.d}}</p></body></html>`
	s := compilePrinted(t, "Hi", src, true)
	if got, want := placesOf(s.printed), []string{"b", "d"}; !slices.Equal(got, want) {
		t.Errorf("%v, want %v", got, want)
	}
}

// TestPrintedActionBreaks: a line break an action prints ({{- "\n" -}},
// {{"\n"}}, {{printf "\n"}}, a literal with text around its break) ends
// the line as the template's own does: an address's street and city
// printed so are each alone on their line, no holes; a column beside text
// on the same printed line still is one.
func TestPrintedActionBreaks(t *testing.T) {
	for _, c := range []struct {
		src  string
		want []string
	}{
		{"{{.a}}{{- \"\\n\" -}}{{.b}}\n", nil},
		{"{{.a}}{{\"\\n\"}}{{.b}}{{printf \"\\n\"}}{{.c}}\n", nil},
		{"{{.a}}{{\"\\r\\n\"}}{{.b}}", nil},
		{"{{.a}}{{\"\\nYours,\\n\"}}{{.b}}", nil},
		{"Dear {{.a}}{{\"\\n\"}}{{.b}}\n", []string{"a"}},
		{"{{.a}}{{\"\\nDear \"}}{{.b}}", []string{"b"}},
		{"{{.a}}{{printf \"%s\\n\" \"x\"}}{{.b}}", []string{"a", "b"}},
	} {
		s := compilePrinted(t, "Hi", c.src, false)
		if got := placesOf(s.printed); !slices.Equal(got, c.want) {
			t.Errorf("%q: %v, want %v", c.src, got, c.want)
		}
	}
}

// TestPrintedAfterDefault: a column first printed given to default
// ({{.a | default "Kunde"}}, a place only for padded cells) and then as
// it is ("Dear {{.a}},") still has its hole for a blank cell's warning,
// the later line's, and its padded places both: the walk that keeps a
// later place only for a padding the kept ones do not show took the
// default's place for the column's first.
func TestPrintedAfterDefault(t *testing.T) {
	s := compilePrinted(t, "x", "Hallo {{.a | default \"Kunde\"}},\nDear {{.a}},\n", false)
	if got := s.BlankSeen("a"); got != "Dear ," {
		t.Errorf("BlankSeen(a) = %q, want %q", got, "Dear ,")
	}
	if got := s.PrintedBlank(campaign.Row{Number: 2, Values: map[string]string{"a": ""}}); !slices.Equal(got, []string{"a"}) {
		t.Errorf("PrintedBlank = %q, want [a]", got)
	}
	if got := s.PrintedPadded(campaign.Row{Number: 2, Values: map[string]string{"a": " Anna"}}); len(got) != 1 || got[0].Column != "a" {
		t.Errorf("PrintedPadded = %+v, want column a", got)
	}
}

// TestPrintedPlacesCapped: a column printed through default or trim on
// many lines before it is printed as it is ("Hallo {{.a}},") keeps that
// last place: a blank cell there is a hole (PrintedBlank, BlankSeen) and
// white space at a filled one's ends shows (PrintedPadded), however many
// places of the other kinds came first.
func TestPrintedPlacesCapped(t *testing.T) {
	for _, c := range []struct{ other, padded string }{
		{`{{.a | default "Mitglied"}}`, "Zeile 0:  Anna."}, // default keeps a filled cell as it is
		{`{{trim .a}}`, "Hallo  Anna, wie geht's?"},
	} {
		other := c.other
		var b strings.Builder
		for i := range 10 {
			fmt.Fprintf(&b, "Zeile %d: %s.\n", i, other)
		}
		b.WriteString("Hallo {{.a}}, wie geht's?\n")
		s := compilePrinted(t, "Hi", b.String(), false)
		blank := campaign.Row{Number: 2, Values: map[string]string{"email": "x@example.com", "a": "", "b": "Lee"}}
		if got := s.PrintedBlank(blank); !slices.Equal(got, []string{"a"}) {
			t.Errorf("%s: PrintedBlank = %v, want [a]", other, got)
		}
		padded := campaign.Row{Number: 2, Values: map[string]string{"email": "x@example.com", "a": " Anna", "b": "Lee"}}
		if got, want := fmt.Sprint(s.PrintedPadded(padded)), "[{a "+c.padded+"}]"; got != want {
			t.Errorf("%s: PrintedPadded = %s, want %s", other, got, want)
		}
	}
}
