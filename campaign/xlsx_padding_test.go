package campaign

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
)

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

// TestBuiltinPaddingShown: Excel's built-in formats 37 to 40
// ("#,##0_);(#,##0)", named in a workbook by id alone) pad a positive
// number with the width of the negative's ")": a message saying
// "1,234.50 €" took excelize's space as well, "1,234.50  €". A number
// in them reads without it, and a negative in its parentheses; under
// decimal "," as that locale's Excel shows it.
func TestBuiltinPaddingShown(t *testing.T) {
	path := filepath.Join(t.TempDir(), "padded.xlsx")
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	header := []any{"email"}
	values := []any{"a@example.com"}
	negatives := []any{"b@example.com"}
	for id := 37; id <= 40; id++ {
		style, err := f.NewStyle(&excelize.Style{NumFmt: id})
		must(err)
		col, _ := excelize.ColumnNumberToName(id - 35)
		must(f.SetColStyle("Sheet1", col, style))
		header = append(header, fmt.Sprintf("f%d", id))
		values = append(values, 1234.5)
		negatives = append(negatives, -1234.5)
	}
	must(f.SetSheetRow("Sheet1", "A1", &header))
	must(f.SetSheetRow("Sheet1", "A2", &values))
	must(f.SetSheetRow("Sheet1", "A3", &negatives))
	for id := 37; id <= 40; id++ {
		col, _ := excelize.ColumnNumberToName(id - 35)
		style, err := f.GetCellStyle("Sheet1", col+"1")
		must(err)
		must(f.SetCellStyle("Sheet1", col+"2", col+"3", style))
	}
	must(f.SaveAs(path))

	for _, tc := range []struct {
		mark DecimalMark
		want [2][4]string
	}{
		{DecimalPoint, [2][4]string{{"1,235", "1,235", "1,234.50", "1,234.50"}, {"(1,235)", "(1,235)", "(1,234.50)", "(1,234.50)"}}},
		{DecimalComma, [2][4]string{{"1.235", "1.235", "1.234,50", "1.234,50"}, {"(1.235)", "(1.235)", "(1.234,50)", "(1.234,50)"}}},
	} {
		ctx := context.Background()
		s, err := openXLSX(ctx, Recipients{Path: path, Key: "email", Decimal: tc.mark})
		must(err)
		for i := range 2 {
			r, err := s.Next(ctx)
			must(err)
			var got [4]string
			for j := range got {
				got[j] = r.Values[fmt.Sprintf("f%d", 37+j)]
			}
			if got != tc.want[i] {
				t.Errorf("decimal %v, row %d: %q, want %q", tc.mark, r.Number, got, tc.want[i])
			}
		}
		s.Close()
	}
}
