package templates

import (
	"fmt"
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
