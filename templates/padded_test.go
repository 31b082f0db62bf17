package templates

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
)

// TestPrintedPadded: a cell with white space at its ends is named where
// the subject or a body prints it as it is and a reader sees the space,
// with the line the reader sees: not where trim takes it off, where a
// browser collapses it into the space before it, at the end of a text
// line or of the subject (which render trims), within an {{if}} test or
// a link; two spaces within a value are no padding, and a blank cell is
// PrintedBlank's.
func TestPrintedPadded(t *testing.T) {
	for _, c := range []struct {
		subject, body string
		html          bool
		a             string
		want          string // PaddedCell of a as "%v", "" for none
	}{
		{"Hi", "Hallo {{.a}},\n", false, " Anna", "[{a Hallo  Anna,}]"},
		{"Hi", "Hallo {{.a}},\n", false, "Anna ", "[{a Hallo Anna ,}]"},
		{"Hi", "Hallo {{.a}}, {{.b}}\n", false, "Anna\t", "[{a Hallo Anna\t, …}]"},
		{"Hi", "Hallo {{.a}},\n", false, "Anna\u00a0", "[{a Hallo Anna\u00a0,}]"},
		{"Hi", "Hallo {{.a}},\n", false, "美咲\u3000", "[{a Hallo 美咲\u3000,}]"},
		{"Hi", "Hallo {{.a}},\n", false, "Anna  Maria", ""},
		{"Hi", "Hallo {{.a}},\n", false, "  ", ""},
		{"Hi", "Hallo {{.b}} {{.a}}\n", false, "Anna  ", ""},
		{"Rechnung für {{.a}} {{.b}}", "x\n", false, "Ölfa  ", "[{a Rechnung für Ölfa   …}]"},
		{"Rechnung für {{.a}}", "x\n", false, "Ölfa  ", ""},
		{"Rechnung für {{trim .a}} {{.b}}", "Hallo {{.a | trim | title}},\nx {{upper (trim .a)}}\n", false, " anna", ""},
		{"Hi", "Hallo {{printf \"%s,\" .a}}\n", false, " Anna", "[{a }]"},
		{"Hi", "Hallo {{.a | default \"Mitglied\"}},\n", false, " Anna", "[{a Hallo  Anna,}]"},
		{"Hi {{default \"du\" .a}}!", "x\n", false, "Anna ", "[{a Hi Anna !}]"},
		{"Hi", "<p>Hallo {{.a | default \"Mitglied\" | upper}},</p>\n", true, "anna\u00a0", "[{a Hallo anna\u00a0,}]"},
		{"Hi", "Hallo {{.a | default \"Mitglied\" | trim}},\n", false, " Anna", ""},
		{"Hi", "{{with .a}}Hallo {{.}},{{end}}\n", false, " Anna", "[{a Hallo  Anna,}]"},
		{"Hi", "Hallo {{.a}}\n", false, " Anna\t", "[{a Hallo  Anna}]"},
		{"Hi", "Wir danken allen Mitgliedern für ihre Treue im vergangenen Jahr, besonders {{.a}}\n", false, " Anna\t", "[{a …angenen Jahr, besonders  Anna}]"},
		{"Rechnung für {{.a}}", "x\n", false, "\tAnna ", "[{a Rechnung für  Anna}]"},
		{"Hi", "<p>Hallo {{.a}}</p>\n", true, "\u00a0Anna\u00a0", "[{a Hallo \u00a0Anna}]"},
		{"Hi", "{{with .a}}Hallo {{. | trim}}, {{range split \",\" $.b}}{{.}} und {{end}}{{end}}\n", false, " Anna", ""},
		{"Hi", "{{with .b}}{{with $.a}}Hallo {{.}}, {{$.b}}{{end}}{{end}}\n", false, "Anna ", "[{a Hallo Anna , …}]"},
		{"Hi", "{{if .a}}ja{{end}} x\n<a href=\"https://x.example/{{.a}}\">y</a>\n", true, " 7 ", ""},
		{"Hi", "<p>Hallo {{.a}},</p>\n", true, " Anna", ""},
		{"Hi", "<p>Hallo {{.a}},</p>\n", true, "Anna ", "[{a Hallo Anna ,}]"},
		{"Hi", "<p>Hallo {{.a}},</p>\n", true, "\u00a0Anna", "[{a Hallo \u00a0Anna,}]"},
		{"Hi", "<p>Hallo {{.a}}</p>\n", true, "Anna\u00a0", ""},
		{"Hi", "<PRE>Hallo {{.a}},\n  Betrag: 7</PRE>\n", true, " Anna", "[{a Hallo  Anna,}]"},
		{"Hi", "<pre>Hallo {{.a}}\n</pre>\n", true, "Anna ", ""},
		{"Hi", "<p>Hallo {{.a}}<br>\nwie geht's?</p>\n", true, "Anna\u3000", ""},
		{"Hi", "<p>Hallo {{.a}}\nwie geht's?</p>\n", true, "Anna\u00a0", "[{a Hallo Anna\u00a0 wie geht's?}]"},
		{"Hi", "Hallo {{.b}} {{.a}}\nDanke, {{.a}}!\n", false, "Anna ", "[{a Danke, Anna !}]"},
		{"Hi", "{{.a}} {{.b}}\nHallo {{.a}},\n", false, "Anna ", "[{a Anna  …}]"},
	} {
		s := compilePrinted(t, c.subject, c.body, c.html)
		row := campaign.Row{Number: 2, Values: map[string]string{"email": "x@example.com", "a": c.a, "b": "Lee"}}
		got := ""
		if p := s.PrintedPadded(row); p != nil {
			got = fmt.Sprint(p)
		}
		if got != c.want {
			t.Errorf("subject %q, body %q, a %q: got %q, want %q", c.subject, c.body, c.a, got, c.want)
		}
	}
}

// TestPrintedPaddedLater: a column printed on many lines (20 items of a
// list, a greeting written {{trim .a}} each time) where white space at a
// value's ends shows only at a later one ("Danke, {{.a}}!") is still
// warned of there, and a blank cell at its first. The walk kept the
// first 8 places of a column, so the one line that shows it was never
// seen.
func TestPrintedPaddedLater(t *testing.T) {
	lines := func(format string) string {
		var b strings.Builder
		for i := range 20 {
			fmt.Fprintf(&b, format, i+1)
		}
		return b.String()
	}
	for _, c := range []struct {
		body       string
		html       bool
		a          string
		want, seen string
	}{
		{lines("Punkt %d: {{.a}}\n") + "Danke, {{.a}}!\n", false, "Anna ", "[{a Danke, Anna !}]", "Punkt 1:"},
		{lines("Hallo %d {{trim .a}},\n") + "Danke, {{.a}}!\n", false, " Anna", "[{a Danke,  Anna!}]", "Hallo 1 ,"},
		{lines("<p>Punkt %d: {{.a}}</p>\n") + "<p>Danke,{{.a}}!</p>\n", true, " Anna", "[{a Danke, Anna!}]", "Punkt 1:"},
	} {
		s := compilePrinted(t, "Hi", c.body, c.html)
		row := campaign.Row{Number: 2, Values: map[string]string{"email": "x@example.com", "a": c.a}}
		if got := fmt.Sprint(s.PrintedPadded(row)); got != c.want {
			t.Errorf("body %.40q…, a %q: got %s, want %s", c.body, c.a, got, c.want)
		}
		row.Values["a"] = ""
		if got := s.PrintedBlank(row); !slices.Equal(got, []string{"a"}) || s.BlankSeen("a") != c.seen {
			t.Errorf("body %.40q…, a blank: %v seen %q, want [a] seen %q", c.body, got, s.BlankSeen("a"), c.seen)
		}
	}
}

// TestNearHoleProbes: which white space at a value's ends a reader sees
// is read from the line near the hole alone, as from the whole line: far
// text, far white space (ASCII or a no-break space) and far Markdown
// marks count as they do whole.
func TestNearHoleProbes(t *testing.T) {
	far := strings.Repeat("Lorem ipsum ", 10)
	h := string(hole)
	for _, kind := range []placeKind{inText, inSubject, inHTML, inMarkdown} {
		for _, line := range []string{
			far + h + far, far + h, h + far, "   " + far + h + "   ", strings.Repeat(" ", 100) + h + strings.Repeat("\u00a0", 100),
			strings.Repeat("\u00a0", 100) + h + strings.Repeat(" \t", 100), "## " + strings.Repeat("*", 80) + " " + h + ",",
			far + " " + h + " " + far, strings.Repeat("ä", 70) + h + strings.Repeat("ö", 70),
		} {
			p := place{line: line, kind: kind}
			var whole probeMask
			for i, v := range paddingProbes {
				if _, ok := p.shows(v); ok {
					whole |= 1 << i
				}
			}
			if got := p.probes(); got != whole {
				t.Errorf("kind %d, line %.30q…: near the hole %010b, whole %010b", kind, line, got, whole)
			}
		}
	}
}
