package campaign

import "testing"

// TestUnpadded: padding and fills at a section's ends go, every fill
// goes, a padding between parts is one space (a currency symbol's, [$€-2],
// too); quoted text, brackets and
// escapes (a padding character inside quotes) stay as they are.
func TestUnpadded(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`_-* #,##0.00\ "€"_-;\-* #,##0.00\ "€"_-;_-* "-"??\ "€"_-;_-@_-`, `#,##0.00\ "€";\-#,##0.00\ "€";"-"??\ "€";@`},
		{`_("$"* #,##0.00_);_("$"* \(#,##0.00\);_("$"* "-"??_);_(@_)`, `"$"#,##0.00;"$"\(#,##0.00\);"$""-"??;@`},
		{`#,##0.00_€ "EUR"`, `#,##0.00 "EUR"`},
		{`0.00_)"x"`, `0.00\ "x"`},
		{`"_x"0.00`, `"_x"0.00`},
		{`[Red]_-0.00`, `[Red]0.00`},
		{`_-[$€-2]\ * #,##0.00_-;\-[$€-2]\ * #,##0.00_-;_-[$€-2]\ * "-"??_-;_-@_-`, `[$€-2]\ #,##0.00;\-[$€-2]\ #,##0.00;[$€-2]\ "-"??;@`},
		{`[$-407]_-0.00`, `[$-407]0.00`},
		{`0.00`, `0.00`},
		{`dd.mm.yyyy`, `dd.mm.yyyy`},
	} {
		if got := unpadded(c.in); got != c.want {
			t.Errorf("unpadded(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
