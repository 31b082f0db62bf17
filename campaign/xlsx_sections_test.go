package campaign

import (
	"context"
	"io"
	"path/filepath"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
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
		{code: `[<0]"minus";"plus";"zero"`, ok: true}, // condFormat
		{code: `dd.mm.yyyy;;`},
	} {
		f, ok := parseShownFormat(c.code)
		if ok != c.ok || f.zero != c.zero || f.hasZero != c.hasZero || !slices.Equal(f.gaps, c.gaps) {
			t.Errorf("parseShownFormat(%q) = %+v, %v; want zero %q (%v), gaps %q, %v", c.code, f, ok, c.zero, c.hasZero, c.gaps, c.ok)
		}
	}
}

// TestFractionShown: a fraction format shows a number as Excel does
// (excelize showed 1/3 as "0 1/3", 5/4 under ?/? as "1/4"), without the
// spaces that only line it up.
func TestFractionShown(t *testing.T) {
	for _, c := range []struct {
		code, stored, want string
	}{
		{`# ?/?`, "0.3333", "1/3"},
		{`# ?/?`, "1.25", "1 1/4"},
		{`# ?/?`, "-0.5", "-1/2"},
		{`# ?/?`, "-1.25", "-1 1/4"},
		{`# ?/?`, "2", "2"},
		{`# ?/?`, "0", "0"},
		{`# ?/?`, "0.999", "1"},
		{`# ??/??`, "0.25", "1/4"},
		{`# ??/??`, "3.14159", "3 14/99"},
		{`?/?`, "1.25", "5/4"},
		{`0 ?/?`, "0.5", "0 1/2"},
		{`# ?/4`, "0.5", "2/4"},
		{`#\ ?/8`, "1.3", "1 2/8"},
		{`?/?`, "0", "excelize's"}, // left as excelize shows it
		// A color or a locale changes no digit: LibreOffice saves a
		// German cell's fraction as [$-407]# ?/?.
		{`[$-407]# ?/?`, "0.5", "1/2"},
		{`[Red]# ??/??`, "1.25", "1 1/4"},
	} {
		f, ok := parseShownFormat(c.code)
		if !ok || f.frac == nil {
			t.Errorf("parseShownFormat(%q): no fraction format", c.code)
			continue
		}
		if got := f.fix(c.stored, "excelize's"); got != c.want {
			t.Errorf("%s of %s = %q, want %q", c.code, c.stored, got, c.want)
		}
	}
}

// TestBuiltinFractionShown: Excel's own fraction formats, "Up to one
// digit" and "Up to two digits", are named in a workbook by their
// built-in ids (12, 13) with no code in its styles; a number in them
// reads as Excel shows it, as in the same custom format (excelize showed
// 1/3 as "0 1/3" and 1.25 as "1  1/4 ").
func TestBuiltinFractionShown(t *testing.T) {
	path := filepath.Join(t.TempDir(), "fractions.xlsx")
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	one, err := f.NewStyle(&excelize.Style{NumFmt: 12})
	must(err)
	two, err := f.NewStyle(&excelize.Style{NumFmt: 13})
	must(err)
	must(f.SetSheetRow("Sheet1", "A1", &[]any{"email", "one", "two"}))
	must(f.SetSheetRow("Sheet1", "A2", &[]any{"a@example.com", 1.0 / 3, 1.25}))
	must(f.SetSheetRow("Sheet1", "A3", &[]any{"b@example.com", 0.5, 0.99}))
	must(f.SetCellStyle("Sheet1", "B2", "B3", one))
	must(f.SetCellStyle("Sheet1", "C2", "C3", two))
	must(f.SaveAs(path))

	ctx := context.Background()
	s, err := openXLSX(ctx, Recipients{Path: path, Key: "email"})
	must(err)
	defer s.Close()
	want := [][2]string{{"1/3", "1 1/4"}, {"1/2", "98/99"}}
	for i := 0; ; i++ {
		r, err := s.Next(ctx)
		if err == io.EOF {
			if i != len(want) {
				t.Errorf("%d rows, want %d", i, len(want))
			}
			return
		}
		must(err)
		if got := [2]string{r.Values["one"], r.Values["two"]}; i >= len(want) || got != want[i] {
			t.Errorf("row %d: %q, want %v", r.Number, got, want[min(i, len(want)-1)])
		}
	}
}
