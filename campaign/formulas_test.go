package campaign

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/xuri/excelize/v2"
)

// TestScanFormulas: the cells scanFormulas reports for worksheet XML as
// the writers of workbooks lay it out.
func TestScanFormulas(t *testing.T) {
	const ns = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	for _, tt := range []struct {
		name  string
		rows  string
		stale bool
		want  string // "row:cell=formula" (stale marked with !), sorted by row
	}{
		{"excelize: no value", `<row r="2"><c r="A2"><v>3</v></c><c r="C2" t="str"><f>A2*B2</f></c></row>`, false, "2:C2=A2*B2"},
		{"no value, number", `<row r="2"><c r="C2"><f>A2*B2</f></c></row>`, false, "2:C2=A2*B2"},
		{"openpyxl: empty value", `<row r="4"><c r="D4"><f>SUM(A4:C4)</f><v></v></c></row>`, false, "4:D4=SUM(A4:C4)"},
		{"empty value element", `<row r="4"><c r="D4"><f>SUM(A4:C4)</f><v/></c></row>`, false, "4:D4=SUM(A4:C4)"},
		{"Excel: calculated", `<row r="2"><c r="C2"><f>A2*B2</f><v>6</v></c></row>`, false, ""},
		{"Excel: empty text result", `<row r="2"><c r="C2" t="str"><f>IF(A2,"","x")</f><v></v></c></row>`, false, ""},
		{"error result", `<row r="2"><c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>`, true, ""},
		{"shared formula copy", `<row r="3"><c r="C3"><f t="shared" si="0"/></c></row>`, false, "3:C3="},
		{"prefixed namespace", `<x:row r="7"><x:c r="B7"><x:f>A7</x:f></x:c></x:row>`, false, "7:B7=A7"},
		{"no references", `<row><c><v>1</v></c><c><f>A1</f></c></row><row><c><f>A2</f></c></row>`, false, "1:B1=A1 2:A2=A2"},
		{"XlsxWriter: placeholder 0, recalculate on load", `<row r="2"><c r="C2"><f>A2*B2</f><v>0</v></c><c r="D2"><v>5</v></c></row>`, true, "2:C2=A2*B2!"},
		{"no formulas", `<row r="2"><c r="A2" t="s"><v>0</v></c></row>`, true, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			xmlText := ns + tt.rows + `</sheetData></worksheet>`
			found, err := hasFormula(context.Background(), iotest.OneByteReader(strings.NewReader(xmlText)))
			if err != nil {
				t.Fatal(err)
			}
			cells, err := scanFormulas(context.Background(), strings.NewReader(xmlText), tt.stale)
			if err != nil {
				t.Fatal(err)
			}
			if got := formatFormulaCells(cells); got != tt.want {
				t.Errorf("scanFormulas = %q, want %q", got, tt.want)
			}
			if strings.Contains(tt.rows, "f>") || strings.Contains(tt.rows, "<f ") {
				if !found {
					t.Error("hasFormula missed the formula (read a byte at a time)")
				}
			} else if found {
				t.Error("hasFormula found a formula in XML without one")
			}
		})
	}
}

func formatFormulaCells(cells map[int][]formulaCell) string {
	var out []string
	for row := 0; row <= 10; row++ {
		for _, c := range cells[row] {
			s := fmt.Sprintf("%d:%s=%s", row, c.Cell, c.Formula)
			if c.Stale {
				s += "!"
			}
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
}

// TestFormulaTag: element names that only start with f, or an f in text,
// are no formula.
func TestFormulaTag(t *testing.T) {
	for s, want := range map[string]bool{
		"<f>": true, "<f t=\"shared\"/>": true, "<x:f>": true, "<f/>": true, "<f\n>": true,
		"<font>": false, "<sheetFormatPr/>": false, "<cfRule>": false, "if f>": false, "<f": false, "": false,
	} {
		if got := formulaTag([]byte(s)); got != want {
			t.Errorf("formulaTag(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestXLSXUncalculatedFormulas reads workbooks as scripts write them: a
// formula excelize stored without a value, and one XlsxWriter-style with a
// placeholder value in a workbook that asks to be recalculated on opening.
// Only named columns are reported, each on its own row.
func TestXLSXUncalculatedFormulas(t *testing.T) {
	dir := t.TempDir()
	written := filepath.Join(dir, "excelize.xlsx")
	f := excelize.NewFile()
	for _, c := range []struct {
		cell string
		v    any
	}{{"A1", "email"}, {"B1", "qty"}, {"C1", "total"}, {"A2", "ann@example.com"}, {"B2", 3}, {"A3", "bob@example.com"}, {"B3", 4}, {"C3", 12}} {
		if err := f.SetCellValue("Sheet1", c.cell, c.v); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetCellFormula("Sheet1", "C2", "B2*4"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellFormula("Sheet1", "E2", "B2*5"); err != nil { // no header: not read
		t.Fatal(err)
	}
	if err := f.SaveAs(written); err != nil {
		t.Fatal(err)
	}
	f.Close()

	rows := readUncalculated(t, written)
	if len(rows) != 2 || len(rows[0]) != 1 || rows[1] != nil {
		t.Fatalf("rows' Uncalculated = %v, want one column in the first row only", rows)
	}
	u, ok := rows[0]["total"]
	if !ok || u.Cell != "C2" || u.Formula != "B2*4" || u.Stale {
		t.Fatalf("row 2: %+v, want C2 =B2*4 with no value", rows[0])
	}
	if err := u.Problem(); !errors.Is(err, ErrUncalculated) || !strings.Contains(err.Error(), "cell C2 holds the formula =B2*4 with no value saved") {
		t.Errorf("Problem() = %v", err)
	}

	placeholder := filepath.Join(dir, "placeholder.xlsx")
	writeXLSXWith(t, placeholder, func(x *xlsxWriter) { x.calcOnLoad = true }, xsheet{name: "S", rows: rowsFrom(
		strs("email", "total"),
		[]xc{xs("ann@example.com"), xf("B2*4", "0", stGeneral)},
		[]xc{xs("bob@example.com"), xn("12", stGeneral)},
	)})
	rows = readUncalculated(t, placeholder)
	if u := rows[0]["total"]; len(rows) != 2 || u.Cell != "B2" || !u.Stale || rows[1] != nil {
		t.Fatalf("placeholder workbook: %v, want B2 stale in the first row only", rows)
	}
	if err := rows[0]["total"].Problem(); !strings.Contains(err.Error(), "Recalculate Hard") {
		t.Errorf("stale Problem() = %v", err)
	}

	calculated := filepath.Join(dir, "excel.xlsx")
	writeXLSX(t, calculated, xsheet{name: "S", rows: rowsFrom(
		strs("email", "total"),
		[]xc{xs("ann@example.com"), xf("B2*4", "0", stGeneral)},
	)})
	if rows := readUncalculated(t, calculated); rows[0] != nil {
		t.Errorf("a calculated formula (as Excel saves it) reads as uncalculated: %v", rows)
	}
}

// readUncalculated reads every row of the XLSX at path and returns their
// Uncalculated fields.
func readUncalculated(t *testing.T, path string) []map[string]Uncalculated {
	t.Helper()
	ctx := context.Background()
	s, err := openXLSX(ctx, Recipients{Path: path, Key: "email"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out []map[string]Uncalculated
	for {
		r, err := s.Next(ctx)
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r.Uncalculated)
	}
}
