package templates

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestBlankSeen: the warning's example is the template's own line with
// the blank column printed as nothing, in the template's language
// (German, Russian, Japanese, Arabic), not an English "Dear ,": the
// subject's first; printf's text kept, another column "…", a literal's
// text, a trim marker's white space taken; in HTML without its tags, in
// the paragraph or cell of the column, its source lines joined but in a
// <pre> (its name followed by a line break too; not one written in a
// comment; one in Outlook's conditional comment), where a reader sees
// them apart; a long line cut around the hole.
func TestBlankSeen(t *testing.T) {
	long := "Liebe Mitglieder, wir laden herzlich zur Jahreshauptversammlung ein, und besonders Sie, {{.a}}, als Kassenwart des Vereins seit vielen Jahren.\n"
	for _, c := range []struct {
		subject, body string
		html          bool
		want          string
	}{
		{"Hallo {{.a}}, Neuigkeiten", "x", false, "Hallo , Neuigkeiten"},
		{"Hi", "Betreff\n\nHallo {{.a}},\nwir laden ein.\n", false, "Hallo ,"},
		{"Hi", "Здравствуйте, {{.a}}!\n", false, "Здравствуйте, !"},
		{"Hi", "{{.a}}様、{{.b}}のご案内です。\n", false, "様、…のご案内です。"},
		{"Hi", "مرحبا {{.a}}،\n", false, "مرحبا ،"},
		{"Hi", "{{printf \"Sehr geehrte(r) %s,\" .a}}\n", false, "Sehr geehrte(r) ,"},
		{"Hi", "Hallo\n{{- \" \" -}}\n{{.a}}{{\"!\"}}\n", false, "Hallo !"},
		{"Hi", "Hallo {{- .a -}} !\n", false, "Hallo!"},
		{"Hi", "<html><body><p>Titel</p><p>Liebe <b>{{.a}}</b>, willkommen &amp; danke!</p></body></html>", true, "Liebe , willkommen & danke!"},
		{"Hi", "<td>Ihr Konto:</td><td>Nr. {{.a}}</td>", true, "Nr."},
		{"Hi", "<html><body>\n<p>Guten Tag {{.a}}\n{{.b}}, hier\nist Ihre Rechnung.</p>\n</body></html>", true, "Guten Tag …, hier ist Ihre Rechnung."},
		{"Hi", "<p>Titel</p>\nLiebe\n<b>{{.a}}</b>,\n{{if .b}}x{{end}}\n", true, "Liebe ,"},
		{"Hi", "<p>Hallo</p>\n<PRE class=x>\nName:  {{.a}}\nKonto: {{.b}}\n</PRE>\n", true, "Name:"},
		{"Hi", "<pre>Name:  {{.a}}\nKonto: {{.b}}\n</pre>\n<p>Gru\u00df\n{{.a}}\nEuer Verein</p>", true, "Name:"},
		{"Hi", "<p>Hallo</p>\n<pre\n  class=x>\nName:  {{.a}}\nKonto: {{.b}}\n</pre >\n", true, "Name:"},
		{"Hi", "<!-- <pre> --><!--[if !mso]><!--><p>Guten Tag {{.a}}\n{{.b}}, hier</p><!--<![endif]-->", true, "Guten Tag …, hier"},
		{"Hi", "{{/* <pre> */}}<p>Guten Tag {{.a}}\n{{.b}}, hier</p>", true, "Guten Tag …, hier"},
		{"Hi", "<!--[if mso]><pre>Name:  {{.a}}\nKonto: {{.b}}\n</pre><![endif]-->", true, "Name:"},
		{"Hi", long, false, "…mlung ein, und besonders Sie, , als Kassenwart des Vereins s…"},
		{"{{.a}}", "x", false, ""},
	} {
		s := compilePrinted(t, c.subject, c.body, c.html)
		if got := s.BlankSeen("a"); got != c.want {
			t.Errorf("%q / %q: %q, want %q", c.subject, c.body, got, c.want)
		}
	}
	md := compileMarkdown(t, "# News\n\n- Dear **{{.d}}**, your `{{.tags}}`\n", nil, markdownYAML)
	if got := md.BlankSeen("d"); got != "Dear , your …" {
		t.Errorf("markdown: %q", got)
	}
	if got := compilePrinted(t, "Hi", "x", false).BlankSeen("a"); got != "" {
		t.Errorf("a column not printed: %q", got)
	}
	if got := compilePrinted(t, "Hi", long, false).BlankSeen("a"); len([]rune(got)) > maxSeen+2 || strings.Contains(got, "\x01") {
		t.Errorf("long line: %q", got)
	}
}

// TestPrintedHolesLarge: the places a blank cell leaves a hole are
// found in a large HTML body (1.5 MB, 16,000 printing actions), <pre>
// told from the rest. Each used to ask whether it stood in a <pre> by
// lower-casing the body up to it: minutes for such a body. The time is
// BenchmarkCompileLargeHTML's to show, not a test's.
func TestPrintedHolesLarge(t *testing.T) {
	unit := "<!--[if mso]><table width=\"600\"><tr><td title=\"{{.a}}\"><![endif]--><p>Hello {{.b}}, a line of some length, as a newsletter's paragraph has it</p>" +
		"<!--[if mso]></td></tr></table><![endif]-->\n"
	src := "<html><body>\n<pre>\nDear {{.a}},\n</pre>\n" + strings.Repeat(unit, 8000) + "<PRE class=x>\nDear {{.c}},\n</pre></body></html>\n"
	s := compilePrinted(t, "x", src, true)
	var seen []string
	for _, p := range s.HTML.printings() {
		if p.column == "c" || p.column == "a" && strings.HasPrefix(p.seen, "Dear") {
			seen = append(seen, p.column+": "+p.seen)
		}
	}
	if want := []string{"a: Dear ,", "c: Dear ,"}; !slices.Equal(seen, want) {
		t.Errorf("the holes in <pre>: %q, want %q", seen, want)
	}
}

// TestPrintedHolesOneLine: an HTML body written on one line, as email
// builders export it minified (2 MB, 60,000 printing actions), has its
// holes told by the tags around them, each column's first. The line of
// each action used to be read from the body's start, and its break tags
// from the line's, so that 0.5 MB took 5 s and 4.7 MB minutes; the time
// is BenchmarkCompileLargeHTML's (oneline) to show, not a test's.
func TestPrintedHolesOneLine(t *testing.T) {
	body := strings.ReplaceAll(builderBody(2_000_000), "\n", "")
	s := compilePrinted(t, "x", body, true)
	var seen []string
	for _, p := range s.printed {
		seen = append(seen, fmt.Sprint(p.column, p.guards, ": ", p.seen))
	}
	want := []string{
		"a[]: Hello , a line of some length, as a newsletter's paragraph h…",
		"b[b]: Your code is .",
	} // c and d stand in a link's href
	if !slices.Equal(seen, want) {
		t.Errorf("holes: %q, want %q", seen, want)
	}
}

// TestPrintedWalkedOnce: the places a blank cell leaves a hole are found
// when the set is compiled, not again for each warning that names them
// (PrintedIn, BlankSeen, asked for every blank column: half a second
// each for a 4.7 MB body).
func TestPrintedWalkedOnce(t *testing.T) {
	s := compilePrinted(t, "x", builderBody(50_000), true)
	for name, f := range map[string]func(){
		"PrintedIn": func() { s.PrintedIn("a") },
		"BlankSeen": func() { s.BlankSeen("d") },
		"Printed":   func() { s.HTML.Printed() },
	} {
		if n := testing.AllocsPerRun(5, f); n > 20 {
			t.Errorf("%s allocates %v times: the body walked again", name, n)
		}
	}
}
