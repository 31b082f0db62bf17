package campaign

import (
	"slices"
	"testing"
)

// TestParseShownFormat: the zero section is written as Excel shows a
// zero (its text, 0 placeholders, no # or ?), the text between the
// digits and a percent sign is found, and formats excelize shows as
// Excel does, dates and conditional ones are left to excelize. The codes
// are as unpadFormats leaves them.
func TestParseShownFormat(t *testing.T) {
	for _, c := range []struct {
		code    string
		ok      bool
		zero    string
		hasZero bool
		gaps    []string
	}{
		{code: `#,##0.00\ "€";\-#,##0.00\ "€";"-"??\ "€";@`, ok: true, zero: "- €", hasZero: true},
		{code: `"$"#,##0.00;"$"\(#,##0.00\);"$""-"??;@`, ok: true, zero: "$-", hasZero: true},
		{code: `#,##0.00" €";\-#,##0.00" €";\-??" €"`, ok: true, zero: "- €", hasZero: true},
		{code: `0;-0;;@`, ok: true, zero: "", hasZero: true},
		{code: `0.00;-0.00;0.00" (nil)"`, ok: true, zero: "0.00 (nil)", hasZero: true},
		{code: `[$€-407]\ #,##0.00;\-[$€-407]\ #,##0.00;[$€-407]\ "-"`, ok: true, zero: "€ -", hasZero: true},
		{code: `0;-0;General`, ok: true, zero: "0", hasZero: true},
		{code: "0.00\\\u00a0%", ok: true, gaps: []string{"\u00a0"}},
		{code: `0" "%;\-0" "%`, ok: true, gaps: []string{" ", " "}},
		{code: `0.0%`},
		{code: `% 0.00`},
		{code: `#,##0.00 "€"`},
		{code: `#,##0.00;[Red]\-#,##0.00`},
		{code: `0;-0;# ?/?`},
		{code: `[<0]"minus";"plus";"zero"`},
		{code: `dd.mm.yyyy;;`},
	} {
		f, ok := parseShownFormat(c.code)
		if ok != c.ok || f.zero != c.zero || f.hasZero != c.hasZero || !slices.Equal(f.gaps, c.gaps) {
			t.Errorf("parseShownFormat(%q) = %+v, %v; want zero %q (%v), gaps %q, %v", c.code, f, ok, c.zero, c.hasZero, c.gaps, c.ok)
		}
	}
}
