package campaign

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/xuri/excelize/v2"
)

// TestCellScan: the cells a cellScan reports for worksheet XML as the
// writers of workbooks lay it out, asked for row by row as excelize's
// iterator gives them (rows 1 to 10, whether the XML has them or not).
func TestCellScan(t *testing.T) {
	const ns = `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	for _, tt := range []struct {
		name  string
		rows  string
		stale bool
		want  string // "cell=formula (from) [placeholder]" and "cell:date FORMAT", in order
	}{
		{"excelize: no value", `<row r="2"><c r="A2"><v>3</v></c><c r="C2" t="str"><f>A2*B2</f></c></row>`, false, "C2=A2*B2"},
		{"no value, number", `<row r="2"><c r="C2"><f>A2*B2</f></c></row>`, false, "C2=A2*B2"},
		{"openpyxl: empty value", `<row r="4"><c r="D4"><f>SUM(A4:C4)</f><v></v></c></row>`, false, "D4=SUM(A4:C4)"},
		{"empty value element", `<row r="4"><c r="D4"><f>SUM(A4:C4)</f><v/></c></row>`, false, "D4=SUM(A4:C4)"},
		{"Excel: calculated", `<row r="2"><c r="C2"><f>A2*B2</f><v>6</v></c></row>`, false, ""},
		{"Excel: empty text result", `<row r="2"><c r="C2" t="str"><f>IF(A2,"","x")</f><v></v></c></row>`, false, ""},
		{"LibreOffice: invalid result as inline text", `<row r="2"><c r="C2" t="inlineStr"><f>X()</f><is><t></t></is></c></row>`, false, ""},
		{"error result", `<row r="2"><c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>`, true, ""},
		{"shared formula", `<row r="2"><c r="C2"><f t="shared" ref="C2:C3" si="0">B2*4</f><v>8</v></c></row><row r="3"><c r="C3"><f t="shared" si="0"/></c></row>`, false, "C3=B2*4 (shared from C2)"},
		{"array formula without values", `<row r="2"><c r="C2"><f t="array" ref="C2:D3">B2:B3*4</f></c><c r="D2"/></row><row r="3"><c r="A3"><v>1</v></c></row>`, false,
			"C2=B2:B3*4 D2=B2:B3*4 (array formula in C2:D3) C3=B2:B3*4 (array formula in C2:D3) D3=B2:B3*4 (array formula in C2:D3)"},
		{"array formulas ending on other rows", `<row r="2"><c r="C2"><f t="array" ref="C2:C2">X</f></c><c r="D2"><f t="array" ref="D2:D4">Y</f></c><c r="E2"><f t="array" ref="E2:E4">Z</f></c></row><row r="4"/>`, false,
			"C2=X D2=Y E2=Z D4=Y (array formula in D2:D4) E4=Z (array formula in E2:E4)"},
		{"prefixed namespace", `<x:row r="7"><x:c r="B7"><x:f>A7</x:f></x:c></x:row>`, false, "B7=A7"},
		{"no references", `<row><c><v>1</v></c><c><f>A1</f></c></row><row><c><f>A2</f></c></row>`, false, "B1=A1 A2=A2"},
		{"XlsxWriter: placeholder 0, recalculate on load", `<row r="2"><c r="C2"><f>A2*B2</f><v>0</v></c><c r="D2"><v>5</v></c></row>`, true, "C2=A2*B2 [0]"},
		{"recalculate on load, a value saved", `<row r="2"><c r="C2"><f>A2*B2</f><v>12</v></c><c r="E2" t="str"><f>"0"</f><v>0</v></c></row>`, true, ""},
		{"no formulas", `<row r="2"><c r="A2" t="s"><v>0</v></c></row>`, true, ""},
		{"date styles", `<row r="2"><c r="A2" s="3"><v>45965</v></c><c r="B2" s="3" t="s"><v>1</v></c><c r="C2" s="4"><v>45965</v></c></row>`, false, "A2:date dd/mm/yyyy"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			xmlText := ns + tt.rows + `</sheetData></worksheet>`
			found, err := worthScanning(context.Background(), iotest.OneByteReader(strings.NewReader(xmlText)), nil)
			if err != nil {
				t.Fatal(err)
			}
			sc := newCellScan(strings.NewReader(xmlText), tt.stale, map[int]string{3: "dd/mm/yyyy"})
			var got []string
			for n := 1; n <= 10; n++ {
				cells, err := sc.row(n)
				if err != nil {
					t.Fatalf("row %d: %v", n, err)
				}
				for _, c := range cells {
					got = append(got, formatScanned(c, n)...)
				}
			}
			if s := strings.Join(got, " "); s != tt.want {
				t.Errorf("cellScan found %q, want %q", s, tt.want)
			}
			if strings.Contains(tt.rows, "f>") || strings.Contains(tt.rows, "<f ") {
				if !found {
					t.Error("worthScanning missed the formula (read a byte at a time)")
				}
			} else if found {
				t.Error("worthScanning found a formula in XML without one")
			}
		})
	}
}

func formatScanned(c scannedCell, row int) []string {
	var out []string
	if u := c.uncalculated; u != nil {
		s := u.Cell + "=" + u.Formula
		if u.From != "" {
			s += " (" + u.From + ")"
		}
		if u.Placeholder != "" {
			s += " [" + u.Placeholder + "]"
		}
		out = append(out, s)
	}
	if c.dateFormat != "" {
		out = append(out, fmt.Sprintf("%s%d:date %s", columnName(c.col-1), row, c.dateFormat))
	}
	return out
}

// TestWorthScanning: a cell in a given style is found across reads.
func TestWorthScanning(t *testing.T) {
	xmlText := `<row r="2"><c r="A2" s="13"><v>1</v></c><c r="B2" s="3"><v>45965</v></c></row>`
	for styles, want := range map[string]bool{"3": true, "31": false, "1": false, "13,3": true} {
		var ids []int
		for _, f := range strings.Split(styles, ",") {
			n, _ := strconv.Atoi(f)
			ids = append(ids, n)
		}
		got, err := worthScanning(context.Background(), iotest.OneByteReader(strings.NewReader(xmlText)), ids)
		if err != nil || got != want {
			t.Errorf("styles %s: %v, %v; want %v", styles, got, err, want)
		}
	}
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

	rows := readUncalculatedRows(t, written)
	if len(rows) != 2 || len(rows[0]) != 1 || rows[1] != nil {
		t.Fatalf("rows' Uncalculated = %v, want one column in the first row only", rows)
	}
	u, ok := rows[0]["total"]
	if !ok || u.Cell != "C2" || u.Formula != "B2*4" || u.Placeholder != "" {
		t.Fatalf("row 2: %+v, want C2 =B2*4 with no value", rows[0])
	}
	if err := u.Problem(); !errors.Is(err, ErrUncalculated) || !strings.Contains(err.Error(), "cell C2 holds the formula =B2*4, never calculated: no value is saved for it") {
		t.Errorf("Problem() = %v", err)
	}

	placeholder := filepath.Join(dir, "placeholder.xlsx")
	writeXLSXWith(t, placeholder, func(x *xlsxWriter) { x.calcOnLoad = true }, xsheet{name: "S", rows: rowsFrom(
		strs("email", "total"),
		[]xc{xs("ann@example.com"), xf("B2*4", "0", stGeneral)},
		[]xc{xs("bob@example.com"), xn("12", stGeneral)},
	)})
	rows = readUncalculatedRows(t, placeholder)
	if u := rows[0]["total"]; len(rows) != 2 || u.Cell != "B2" || u.Placeholder != "0" || rows[1] != nil {
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
	if rows := readUncalculatedRows(t, calculated); rows[0] != nil {
		t.Errorf("a calculated formula (as Excel saves it) reads as uncalculated: %v", rows)
	}
}

// TestXLSXCellScanLeniency: a worksheet declared in a legacy encoding is
// scanned as excelize reads it; a sheet the scan cannot read is still
// read, with a warning.
func TestXLSXCellScanLeniency(t *testing.T) {
	dir := t.TempDir()
	legacy := filepath.Join(dir, "legacy.xlsx")
	writeXLSXWith(t, legacy, func(x *xlsxWriter) { x.encoding = "windows-1252" }, xsheet{name: "S", rows: rowsFrom(
		strs("email", "total"),
		[]xc{xs("ann@example.com"), xf("1+1", "", stGeneral)},
	)})
	rows, warnings := readWarned(t, legacy, MonthFirst)
	if len(warnings) != 0 || rows[0]["total"].Cell != "B2" {
		t.Errorf("windows-1252 worksheet: %v, warnings %q; want B2 uncalculated, no warning", rows, warnings)
	}

	sc := newCellScan(strings.NewReader(`<worksheet><sheetData><row r="2"><c r="A2"><f>1</f>`), false, nil)
	if _, err := sc.row(2); err == nil {
		t.Error("a worksheet cut short in a row scanned without error")
	}
}

// TestXLSXDateFormats: a row notes the cells of the column whose date
// format writes the other order than recipients.dates (a text cell in
// that style, or another column's date format, is no such cell); under
// the setting that agrees, none. The problem's example fits either order.
func TestXLSXDateFormats(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dates.xlsx")
	writeXLSX(t, path, xsheet{name: "S", rows: rowsFrom(
		strs("email", "due", "note"),
		[]xc{xs("ann@example.com"), xn("45965", stISODate), xsStyled("text", stEUDateTime)},
		[]xc{xs("bob@example.com"), xn("45965", stISODate), xn("45966", stEUDateTime)},
	)})
	rows := readRows(t, path, MonthFirst)
	if len(rows) != 2 || rows[0].DateFormats != nil || len(rows[1].DateFormats) != 1 || rows[1].DateFormats["note"].Cell != "C3" {
		t.Fatalf("DateFormats %v, %v; want C3 of note only", rows[0].DateFormats, rows[1].DateFormats)
	}
	f := rows[1].DateFormats["note"]
	if err := f.Problem(); !errors.Is(err, ErrDateOrder) || !strings.Contains(err.Error(), `cell C3 shows a date in the other order than recipients.dates: the number format dd/mm/yyyy\ hh:mm writes it day first, and recipients.dates is month-first, so date would read 05/11/2025 00:00 (5 November) as 11 May; set recipients.dates: day-first`) {
		t.Errorf("Problem() = %v", err)
	}
	for _, r := range readRows(t, path, DayFirst) {
		if r.DateFormats != nil {
			t.Errorf("day-first: row %d notes %v", r.Number, r.DateFormats)
		}
	}
	us := DateFormat{Cell: "B2", Code: "mm/dd/yyyy", Want: DayFirst}
	if err := us.Problem(); !strings.Contains(err.Error(), "would read 11/04/2025 (4 November) as 11 April; set recipients.dates: month-first") {
		t.Errorf("month-first format under day-first, no value: %v", err)
	}
	for v, want := range map[string]string{
		"12/25/2026": "would read 12/25/2026 (25 December) as no date (there is no month 25)",
		"03/07/2026": "would read 03/07/2026 (7 March) as 3 July",
		"05/05/2026": "would read 11/04/2025 (4 November) as 11 April", // no example of its own
	} {
		us.Value = v
		if err := us.Problem(); !strings.Contains(err.Error(), want) {
			t.Errorf("month-first format under day-first, %s: %v", v, err)
		}
	}
}

// readRows reads every row of the XLSX at path.
func readRows(t *testing.T, path string, dates DateOrder) []Row {
	t.Helper()
	rows, _ := readSheetRows(t, path, dates)
	return rows
}

// readWarned reads every row of the XLSX at path and returns their
// Uncalculated fields and the sheet's warnings.
func readWarned(t *testing.T, path string, dates DateOrder) ([]map[string]Uncalculated, []string) {
	t.Helper()
	rows, warnings := readSheetRows(t, path, dates)
	var out []map[string]Uncalculated
	for _, r := range rows {
		out = append(out, r.Uncalculated)
	}
	return out, warnings
}

// readSheetRows reads every row of the XLSX at path, and the sheet's
// warnings.
func readSheetRows(t *testing.T, path string, dates DateOrder) ([]Row, []string) {
	t.Helper()
	ctx := context.Background()
	s, err := openXLSX(ctx, Recipients{Path: path, Key: "email", Dates: dates})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var out []Row
	for {
		r, err := s.Next(ctx)
		if err == io.EOF {
			return out, s.Warnings()
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
}

// readUncalculatedRows is readWarned's rows, month first.
func readUncalculatedRows(t *testing.T, path string) []map[string]Uncalculated {
	t.Helper()
	rows, _ := readWarned(t, path, MonthFirst)
	return rows
}

// TestXLSXRowOfFormulasOnly: a row whose named cells are all formulas
// without values is a row, not a blank one to skip.
func TestXLSXRowOfFormulasOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.xlsx")
	writeXLSX(t, path, xsheet{name: "S", rows: rowsFrom(
		strs("email", "name"),
		[]xc{xs("ann@example.com"), xs("Ann")},
		[]xc{xf("Data!A1", "", stGeneral), xf("Data!B1", "", stGeneral)},
	)})
	rows := readUncalculatedRows(t, path)
	if len(rows) != 2 || rows[1]["email"].Cell != "A3" || rows[1]["name"].Cell != "B3" {
		t.Errorf("rows %v, want the second with A3 and B3 never calculated", rows)
	}
}

// TestXLSXDateFormatOrderUnsaid: a cell shown dd/mm/yyyy under a campaign
// file that sets neither recipients.dates nor locale: was told
// "recipients.dates is month-first", where a dashed date in a text cell
// of the same sheet is told "the campaign file does not say which its
// sheet writes": the cell's problem says the setting is not set, and
// reads month first without it.
func TestXLSXDateFormatOrderUnsaid(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dates.xlsx")
	writeXLSX(t, path, xsheet{name: "S", rows: rowsFrom(
		strs("email", "due"),
		[]xc{xs("ann@example.com"), xn("45966", stEUDateTime)},
	)})
	ctx := context.Background()
	s, err := openXLSX(ctx, Recipients{Path: path, Key: "email", Dates: MonthFirst, DatesUnsaid: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := s.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const want = `the number format dd/mm/yyyy\ hh:mm writes it day first, and recipients.dates is not set, which reads month first, so date would read 05/11/2025 00:00 (5 November) as 11 May; set recipients.dates: day-first`
	if f, ok := r.DateFormats["due"]; !ok || !strings.Contains(f.Problem().Error(), want) {
		t.Errorf("DateFormats %v; want the problem of B2 saying\n%s", r.DateFormats, want)
	}
}
