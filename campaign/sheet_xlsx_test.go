package campaign

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// valuesSheet holds one cell of each kind next to what Excel shows for it.
func valuesSheet() xsheet {
	type kv struct {
		cell xc
		want string
	}
	cells := []kv{
		{xn("13800138000", stGeneral), "13800138000"},
		{xn("13800138000", stBold), "13800138000"},
		{xn("8613800138000", stBold), "8613800138000"},        // excelize alone: 8.613800138E+12
		{xn("8613800138000", stGeneralBold), "8613800138000"}, // explicit numFmtId="0"
		{xn("8613800138000", stCustomGen), "8613800138000"},   // a custom format named General
		{xf("0.1+0.2", "0.30000000000000004", stGeneral), "0.3"},
		{xf("0.1+0.2", "0.30000000000000004", stBold), "0.3"},
		{xn("1.2345678901234567E+19", stGeneral), "12345678901234600000"},
		{xn("1.2345678901234567E+19", stBold), "12345678901234600000"},
		{xn("1.2345678901234567E-05", stBold), "0.0000123456789012346"},
		{xn("99999999999.5", stBold), "99999999999.5"},
		{xn("45965", stDate14), "2025-11-04"},
		{xn("45965.5", stDateTime22), "2025-11-04 12:00"},
		{xn("45965", stISODate), "2025-11-04"},
		{xn("45965.75", stEUDateTime), "04/11/2025 18:00"},
		{xn("45965", stCNDate), "2025年11月4日"},
		{xn("45965", stCNDate31), "2025年11月4日"},
		{xn("45965", stGeneral), "45965"},
		{xsStyled("00123", stText), "00123"},
		{xs("00123"), "00123"},
		{xn("123", stZip5), "00123"},
		{xn("0.125", stPercent), "13%"},
		{xn("0.285", stPercent), "29%"}, // 28.499999999999996 in binary
		{xn("1234567.891", stThousands), "1,234,567.89"},
		// Excel rounds the number as it shows it (15 significant digits),
		// not its binary value: 1.005 is 1.00499999999999989…
		{xn("1.005", stThousands), "1.01"},
		{xn("-1.015", stThousands), "-1.02"},
		{xf("4.35*0.5", "2.175", stThousands), "2.18"},
		{xn("999.995", stThousands), "1,000.00"},
		{xn("2.675", stThousands), "2.68"},
		{xn("1.004", stThousands), "1.00"},
		{xn("100", stScientific), "1.00E+02"},
		{xb(true), "TRUE"},
		{xb(false), "FALSE"},
		{xf("A1=A1", "1", stGeneral), "1"},
		{xc{t: "b", f: "TRUE()", v: "1"}, "TRUE"},
		{xinline("行内 文字"), "行内 文字"},
		{xstrFormula(`"ab"&"c"`, "abc"), "abc"},
		{xerr("#N/A"), "#N/A"},
		{xc{t: "e", f: "VLOOKUP(A2,Prices!A:B,2,FALSE)", v: "#N/A"}, "#N/A"},
		{xc{t: "e", f: "B2/C2", v: "#DIV/0!", s: stThousands}, "#DIV/0!"},
		{xc{t: "e", f: "1/0", v: "#DIV/0!", s: stDate14}, "#DIV/0!"},
		{xs("  spaced  "), "  spaced  "},
		{xs("line\nbreak"), "line\nbreak"},
	}
	rows := []xr{{n: 1, cells: strs("email", "value")}}
	for i, c := range cells {
		rows = append(rows, xr{n: i + 2, cells: []xc{xs(c.want), c.cell}})
	}
	return xsheet{name: "Values", rows: rows}
}

// valuesWant is what valuesSheet reads as: the expected text is in column
// email, so each row must read "N: X | X".
func valuesWant() []string {
	var want []string
	for _, r := range valuesSheet().rows[1:] {
		want = append(want, strconv.Itoa(r.n)+": "+r.cells[0].v+" | "+r.cells[0].v)
	}
	return want
}

func TestXLSXSheets(t *testing.T) {
	book := func(sheets ...xsheet) func(testing.TB, string) {
		return func(t testing.TB, path string) { writeXLSX(t, path, sheets...) }
	}
	people := xsheet{name: "Subscribers", rows: rowsFrom(
		strs("email", "name"),
		strs("li@example.cn", "李娜"),
		strs("zoe@example.com", "Zoë"),
	)}
	other := xsheet{name: "Notes", rows: rowsFrom(strs("text"), strs("not recipients"))}
	validPath := filepath.Join(t.TempDir(), "valid.xlsx")
	writeXLSX(t, validPath, people)
	valid, err := os.ReadFile(validPath)
	if err != nil {
		t.Fatal(err)
	}
	runSheetCases(t, []sheetCase{
		{
			name:  "values as Excel shows them",
			file:  "values.xlsx",
			build: book(valuesSheet()),
			rec:   Recipients{Key: "email"},
			cols:  []string{"email", "value"},
			want:  valuesWant(),
		},
		{
			name:  "day-first dates with recipients.dates day-first",
			file:  "values.xlsx",
			build: book(valuesSheet()),
			rec:   Recipients{Key: "email", Dates: DayFirst},
			want:  valuesWant(),
		},
		{
			name: "written by excelize",
			file: "excelize.xlsx",
			build: func(t testing.TB, path string) {
				f := excelize.NewFile()
				defer f.Close()
				must := func(err error) {
					if err != nil {
						t.Fatal(err)
					}
				}
				must(f.SetSheetRow("Sheet1", "A1", &[]any{"email", "joined", "phone", "score", "zip", "vip", "when"}))
				must(f.SetSheetRow("Sheet1", "A2", &[]any{"a@example.com", time.Date(2025, 11, 4, 0, 0, 0, 0, time.UTC), 13800138000, 0.1 + 0.2, "00123", true, time.Date(2025, 11, 4, 18, 30, 0, 0, time.UTC)}))
				st, err := f.NewStyle(&excelize.Style{NumFmt: 14})
				must(err)
				must(f.SetCellStyle("Sheet1", "B2", "B2", st))
				must(f.SaveAs(path))
			},
			want: []string{"2: a@example.com | 2025-11-04 | 13800138000 | 0.3 | 00123 | TRUE | 2025-11-04 18:30"},
		},
		{
			name: "a comma after the decimals scales by a thousand: not rounded as shown",
			file: "scaled.xlsx",
			build: func(t testing.TB, path string) {
				f := excelize.NewFile()
				defer f.Close()
				must := func(err error) {
					if err != nil {
						t.Fatal(err)
					}
				}
				millions := "0.0,,"
				st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &millions})
				must(err)
				must(f.SetSheetRow("Sheet1", "A1", &[]any{"email", "sales"}))
				must(f.SetCellValue("Sheet1", "A2", "a@example.com"))
				// 15 significant digits make it 0.05, which "0.0" alone shows as 0.1;
				// with 17 decimals, SetCellFloat writes the value whole (SetCellValue: 15 digits)
				must(f.SetCellFloat("Sheet1", "B2", 0.04999999999999999, 17, 64))
				must(f.SetCellStyle("Sheet1", "B2", "B2", st))
				must(f.SaveAs(path))
			},
			want: []string{"2: a@example.com | 0.0"},
		},
		{
			name: "more than 15 significant digits stored: rounded as shown",
			file: "digits.xlsx",
			build: func(t testing.TB, path string) {
				f := excelize.NewFile()
				defer f.Close()
				must := func(err error) {
					if err != nil {
						t.Fatal(err)
					}
				}
				four := "0.0000"
				cents, err := f.NewStyle(&excelize.Style{NumFmt: 2})
				must(err)
				fine, err := f.NewStyle(&excelize.Style{CustomNumFmt: &four})
				must(err)
				must(f.SetSheetRow("Sheet1", "A1", &[]any{"email", "price", "total"}))
				must(f.SetCellValue("Sheet1", "A2", "a@example.com"))
				// written whole, as Excel does; excelize reads them at 15 digits
				// (0.285, 123456789012346) before rounding the binary value
				must(f.SetCellFloat("Sheet1", "B2", 0.28500000000000003, 17, 64))
				must(f.SetCellFloat("Sheet1", "C2", 123456789012345.67, 2, 64))
				must(f.SetCellStyle("Sheet1", "B2", "B2", cents))
				must(f.SetCellStyle("Sheet1", "C2", "C2", fine))
				must(f.SaveAs(path))
			},
			want: []string{"2: a@example.com | 0.29 | 123456789012346.0000"},
		},
		{
			name: "recipients.decimal \",\": number cells as that locale's Excel shows them; text, dates and times as they are",
			file: "comma.xlsx",
			build: func(t testing.TB, path string) {
				f := excelize.NewFile()
				defer f.Close()
				must := func(err error) {
					if err != nil {
						t.Fatal(err)
					}
				}
				euro, nr, dotted := `#,##0.00\ "€"`, `"Nr."0`, "dd.mm.yyyy"
				money, err := f.NewStyle(&excelize.Style{CustomNumFmt: &euro})
				must(err)
				number, err := f.NewStyle(&excelize.Style{CustomNumFmt: &nr})
				must(err)
				date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &dotted})
				must(err)
				pct, err := f.NewStyle(&excelize.Style{NumFmt: 10})
				must(err)
				clock, err := f.NewStyle(&excelize.Style{NumFmt: 47})
				must(err)
				must(f.SetSheetRow("Sheet1", "A1", &[]any{"email", "amount", "plain", "text", "nr", "due", "share", "lap"}))
				must(f.SetSheetRow("Sheet1", "A2", &[]any{"a@example.com", 1234.5, 0.25, "1,234.50", 7, 46000, 0.125, 0.000125}))
				must(f.SetCellStyle("Sheet1", "B2", "B2", money))
				must(f.SetCellStyle("Sheet1", "E2", "E2", number))
				must(f.SetCellStyle("Sheet1", "F2", "F2", date))
				must(f.SetCellStyle("Sheet1", "G2", "G2", pct))
				must(f.SetCellStyle("Sheet1", "H2", "H2", clock))
				must(f.SaveAs(path))
			},
			rec:  Recipients{Key: "email", Decimal: DecimalComma, Dates: DayFirst},
			want: []string{"2: a@example.com | 1.234,50 € | 0,25 | 1,234.50 | Nr.7 | 09.12.2025 | 12,50% | 00:10.8"},
		},
		{
			// A format whose points and commas are all its own text (a
			// Brazilian CPF, a birthday stored as digits) shows them so
			// in every locale; a format with a decimal point of the
			// number's swaps it, its text's as the digits' neighbours.
			name: "recipients.decimal \",\": the marks of a format's text are not swapped",
			file: "literal.xlsx",
			build: func(t testing.TB, path string) {
				f := excelize.NewFile()
				defer f.Close()
				must := func(err error) {
					if err != nil {
						t.Fatal(err)
					}
				}
				style := func(code string) int {
					st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
					must(err)
					return st
				}
				cpf, born, escaped := style(`000"."000"."000"-"00`), style(`00"."00"."0000`), style(`00\.00\.0000`)
				must(f.SetSheetRow("Sheet1", "A1", &[]any{"email", "cpf", "born", "escaped", "plain"}))
				must(f.SetSheetRow("Sheet1", "A2", &[]any{"a@example.com", 12345678909, 15031990, 15031990, 1.5}))
				must(f.SetCellStyle("Sheet1", "B2", "B2", cpf))
				must(f.SetCellStyle("Sheet1", "C2", "C2", born))
				must(f.SetCellStyle("Sheet1", "D2", "D2", escaped))
				must(f.SaveAs(path))
			},
			rec:  Recipients{Key: "email", Decimal: DecimalComma},
			want: []string{"2: a@example.com | 123.456.789-09 | 15.03.1990 | 15.03.1990 | 1,5"},
		},
		{
			// excelize shows a zero in the first section ("0,00 €") and
			// moves the percent sign before the text in front of it
			// ("12,50% ") and shows 1/3 in "# ?/?" as "0 1/3"; the sheet
			// shows "- €", nothing, "12,50 %" and "1/3".
			name: "a format's zero section, a space before its percent sign and a fraction, as Excel and LibreOffice show them",
			file: "sections.xlsx",
			build: func(t testing.TB, path string) {
				f := excelize.NewFile()
				defer f.Close()
				must := func(err error) {
					if err != nil {
						t.Fatal(err)
					}
				}
				style := func(code string) int {
					st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
					must(err)
					return st
				}
				accounting := style(`_-* #,##0.00\ "€"_-;\-* #,##0.00\ "€"_-;_-* "-"??\ "€"_-;_-@_-`)
				hidden := style(`0.00;\-0.00;;@`)
				pct := style("0.00\\\u00a0%") // LibreOffice's German and French 0,00 %
				part := style(`# ?/?`)
				must(f.SetSheetRow("Sheet1", "A1", &[]any{"email", "owed", "paid", "credit", "share", "part"}))
				must(f.SetSheetRow("Sheet1", "A2", &[]any{"a@example.com", 0, 1234.5, 0, 0.125, 0.3333}))
				must(f.SetSheetRow("Sheet1", "A3", &[]any{"b@example.com", -7.25, 0, 3, 1.5, 1.25}))
				for _, row := range []string{"2", "3"} {
					must(f.SetCellStyle("Sheet1", "B"+row, "C"+row, accounting))
					must(f.SetCellStyle("Sheet1", "D"+row, "D"+row, hidden))
					must(f.SetCellStyle("Sheet1", "E"+row, "E"+row, pct))
					must(f.SetCellStyle("Sheet1", "F"+row, "F"+row, part))
				}
				must(f.SaveAs(path))
			},
			rec: Recipients{Key: "email", Decimal: DecimalComma, Dates: DayFirst},
			want: []string{
				"2: a@example.com | - € | 1.234,50 € |  | 12,50\u00a0% | 1/3",
				"3: b@example.com | -7,25 € | - € | 3,00 | 150,00\u00a0% | 1 1/4",
			},
		},
		{
			// LibreOffice saves a date of a language other than the
			// document's with the locale and / for its date separator;
			// Excel and LibreOffice show the German "15.12.2026" and
			// "Dienstag, 15. Dezember 2026" (excelize: "15/12/2026",
			// "Dienstag, 15/ Dezember 2026").
			name: "a / in a date format naming its locale is that locale's date separator",
			file: "datesep.xlsx",
			build: func(t testing.TB, path string) {
				f := excelize.NewFile()
				defer f.Close()
				must := func(err error) {
					if err != nil {
						t.Fatal(err)
					}
				}
				style := func(code string) int {
					st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
					must(err)
					return st
				}
				must(f.SetSheetRow("Sheet1", "A1", &[]any{"email", "due", "day", "fr", "time"}))
				must(f.SetSheetRow("Sheet1", "A2", &[]any{"a@example.com", 46371, 46371, 46371, 0.75}))
				for col, code := range map[string]string{
					"B": `[$-407]dd/mm/yyyy`, "C": `[$-407]dddd, ""d/\ mmmm\ yyyy`, "D": `[$-40C]dd/mm/yyyy`,
					"E": `[$-407]h:mm AM/PM`,
				} {
					must(f.SetCellStyle("Sheet1", col+"2", col+"2", style(code)))
				}
				must(f.SaveAs(path))
			},
			rec:  Recipients{Key: "email", Decimal: DecimalComma, Dates: DayFirst},
			want: []string{"2: a@example.com | 15.12.2026 | Dienstag, 15. Dezember 2026 | 15/12/2026 | 6:00 PM"},
		},
		{
			// excelize shows every number in the first section (500 as
			// "0.0M", 5 as "one"); these are what LibreOffice shows,
			// signs too: the second and third sections and a first of
			// [<0] drop a negative number's sign, a first of another
			// condition keeps it.
			name: "a number format whose sections conditions choose",
			file: "conditions.xlsx",
			build: func(t testing.TB, path string) {
				f := excelize.NewFile()
				defer f.Close()
				must := func(err error) {
					if err != nil {
						t.Fatal(err)
					}
				}
				codes := []string{`[>=1000000]0.0,,"M";[>=1000]0.0,"K";0`, `[=1]"one";[=2]"two";0`, `[>=1000]#,##0;0.00`, `[<=-1]0.0;0`, `[Red][<0]0.00;0.0`, `[<0]"minus";"plus";"zero"`}
				must(f.SetSheetRow("Sheet1", "A1", &[]any{"email", "km", "words", "big", "below", "neg", "sign"}))
				must(f.SetSheetRow("Sheet1", "A2", &[]any{"a@example.com", 500, 2, -5, -5, -2, -1}))
				must(f.SetSheetRow("Sheet1", "A3", &[]any{"b@example.com", 1500, 5, 999.999, 3, 4, 0}))
				must(f.SetSheetRow("Sheet1", "A4", &[]any{"c@example.com", 2500000, 1, 1500.5, -0.5, 0, 1}))
				for i, code := range codes {
					st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
					must(err)
					col := string(rune('B' + i))
					must(f.SetCellStyle("Sheet1", col+"2", col+"4", st))
				}
				must(f.SaveAs(path))
			},
			rec: Recipients{Key: "email"},
			want: []string{
				"2: a@example.com | 500 | two | 5.00 | -5.0 | 2.00 | minus",
				"3: b@example.com | 1.5K | 5 | 1000.00 | 3 | 4.0 | zero",
				"4: c@example.com | 2.5M | one | 1,501 | 1 | 0.0 | zero",
			},
		},
		{
			// German Excel and LibreOffice show a time's fraction of a
			// second with a decimal comma; a date's points stay.
			name: "a time with a fraction of a second under recipients.decimal: \",\"",
			file: "racetime.xlsx",
			build: func(t testing.TB, path string) {
				f := excelize.NewFile()
				defer f.Close()
				must := func(err error) {
					if err != nil {
						t.Fatal(err)
					}
				}
				must(f.SetSheetRow("Sheet1", "A1", &[]any{"email", "lap", "total", "at"}))
				must(f.SetSheetRow("Sheet1", "A2", &[]any{"a@example.com", 0.000123, 0.0293668, 46371.5}))
				for col, code := range map[string]string{"B": `mm:ss.0`, "C": `[h]:mm:ss.00`, "D": `dd.mm.yyyy hh:mm`} {
					st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
					must(err)
					must(f.SetCellStyle("Sheet1", col+"2", col+"2", st))
				}
				must(f.SaveAs(path))
			},
			rec:  Recipients{Key: "email", Decimal: DecimalComma, Dates: DayFirst},
			want: []string{"2: a@example.com | 00:10,6 | 0:42:17,29 | 15.12.2026 12:00"},
		},
		{
			name:  "CSV settings on a workbook are ignored with a warning",
			file:  "book.xlsx",
			build: book(people),
			rec:   Recipients{Encoding: "gbk"},
			want:  []string{"2: li@example.cn | 李娜", "3: zoe@example.com | Zoë"},
			warns: []string{"apply to CSV files only"},
		},
		{
			name: "a hidden first sheet is passed over, with a warning",
			file: "hidden.xlsx",
			build: func(t testing.TB, path string) {
				f := excelize.NewFile()
				defer f.Close()
				must := func(err error) {
					if err != nil {
						t.Fatal(err)
					}
				}
				must(f.SetSheetName("Sheet1", "Lookup"))
				must(f.SetSheetRow("Lookup", "A1", &[]any{"email", "name"}))
				must(f.SetSheetRow("Lookup", "A2", &[]any{"old@example.com", "Old"}))
				_, err := f.NewSheet("Subscribers")
				must(err)
				must(f.SetSheetRow("Subscribers", "A1", &[]any{"email", "name"}))
				must(f.SetSheetRow("Subscribers", "A2", &[]any{"li@example.cn", "李娜"}))
				f.SetActiveSheet(1)
				must(f.SetSheetVisible("Lookup", false))
				must(f.SaveAs(path))
			},
			cols:  []string{"email", "name"},
			want:  []string{"2: li@example.cn | 李娜"},
			warns: []string{`the first sheet, "Lookup", is hidden; reading "Subscribers"`},
		},
		{
			name:  "first sheet by default",
			file:  "book.xlsx",
			build: book(people, other),
			cols:  []string{"email", "name"},
			want:  []string{"2: li@example.cn | 李娜", "3: zoe@example.com | Zoë"},
		},
		{
			name:  "sheet chosen by name, ignoring case",
			file:  "book.xlsx",
			build: book(other, people),
			rec:   Recipients{Sheet: "subscribers"},
			want:  []string{"2: li@example.cn | 李娜", "3: zoe@example.com | Zoë"},
		},
		{
			name:    "unknown sheet lists the sheets",
			file:    "book.xlsx",
			build:   book(other, people),
			rec:     Recipients{Sheet: "Subscriber"},
			openErr: "other",
			msgs:    []string{`no sheet named "Subscriber"; the workbook has "Notes", "Subscribers"`},
		},
		{
			name: "blank leading rows, gaps and hidden rows keep the sheet's numbers",
			file: "book.xlsx",
			build: book(xsheet{name: "S", rows: []xr{
				{n: 3, cells: strs("", "email", "name")},
				{n: 4, cells: strs("", "a@example.com", "A")},
				{n: 5, cells: strs("", " ", "")},
				{n: 7, hidden: true, cells: strs("", "b@example.com", "B")},
				{n: 9, cells: strs("", "c@example.com")},
			}}),
			cols:  []string{"email", "name"},
			want:  []string{"4: a@example.com | A", "7: b@example.com | B", "9: c@example.com | "},
			warns: []string{"hidden rows (row 7 is the first)"},
		},
		{
			name: "merged title above the header",
			file: "book.xlsx",
			build: book(xsheet{name: "S", merges: []string{"A1:B1"}, rows: []xr{
				{n: 1, cells: strs("2025年11月 客户名单")},
				{n: 3, cells: strs("email", "name")},
				{n: 4, cells: strs("a@example.com", "A")},
			}}),
			want:  []string{"4: a@example.com | A"},
			warns: []string{"row 1 above the header (row 3"},
		},
		{
			name: "merged header cells",
			file: "book.xlsx",
			build: book(xsheet{name: "S", merges: []string{"A1:B1"}, rows: rowsFrom(
				strs("name", "", "email"),
				strs("Li", "Na", "li@example.cn"),
				strs("Ann", "", "ann@example.com"),
			)}),
			cols: []string{"name", "email"},
			want: []string{"2: !header", "3: Ann | ann@example.com"},
			msgs: []string{`row 2: bad header: cell B2 holds "Na" but column B has no header in row 1; header cells A1:B1 are merged`},
		},
		{
			name: "empty header cell: fine without data, an error with it",
			file: "book.xlsx",
			build: book(xsheet{name: "S", rows: rowsFrom(
				strs("email", "name", "", "city"),
				strs("a@example.com", "A", "", "Köln"),
				strs("b@example.com", "B", "stray", "Bonn"),
				strs("c@example.com", "C", "", "", "far right"),
			)}),
			cols: []string{"email", "name", "city"},
			want: []string{"2: a@example.com | A | Köln", "3: !header", "4: !header"},
			msgs: []string{`cell C3 holds "stray" but column C has no header in row 1`, `cell E4 holds "far right" but column E has no header`},
		},
		{
			name: "missing trailing cells read as empty",
			file: "book.xlsx",
			build: book(xsheet{name: "S", rows: rowsFrom(
				strs("email", "name", "city"),
				strs("a@example.com"),
				[]xc{xs("b@example.com"), {}, xs("Bonn")},
			)}),
			want: []string{"2: a@example.com |  | ", "3: b@example.com |  | Bonn"},
		},
		{
			name:    "duplicate header",
			file:    "book.xlsx",
			build:   book(xsheet{name: "S", rows: rowsFrom(strs("email", "Name", "email"))}),
			openErr: "header",
			msgs:    []string{`sheet "S": bad header: header row 1: "email" names both column A and column C`},
		},
		{
			name:  "header white space",
			file:  "book.xlsx",
			build: book(xsheet{name: "S", rows: rowsFrom(strs("email ", "name"), strs("a@example.com", "A"))}),
			cols:  []string{"email", "name"},
			want:  []string{"2: a@example.com | A"},
			warns: []string{`header "email " (column A) has white space around it; read without it`},
		},
		{
			name:    "empty sheet",
			file:    "book.xlsx",
			build:   book(xsheet{name: "S"}),
			openErr: "header",
			msgs:    []string{`sheet "S" is empty`},
		},
		{
			name:  "header only",
			file:  "book.xlsx",
			build: book(xsheet{name: "S", rows: rowsFrom(strs("email"))}),
			want:  nil,
		},
		{
			name:    "no key column",
			file:    "book.xlsx",
			build:   book(xsheet{name: "S", rows: rowsFrom(strs("mail", "name"))}),
			openErr: "nokey",
			msgs:    []string{"(columns: mail, name)"},
		},
		{
			name:    "renamed CSV",
			file:    "people.xlsx",
			data:    []byte("email,name\na@example.com,A\n"),
			openErr: "notxlsx",
			msgs:    []string{"probably a CSV renamed to .xlsx"},
		},
		{
			name:    "renamed GBK CSV",
			file:    "people.xlsx",
			data:    []byte("email,\xd0\xd5\xc3\xfb\n"),
			openErr: "notxlsx",
			msgs:    []string{"CSV renamed"},
		},
		{
			name:    "old .xls (OLE compound file)",
			file:    "people.xlsx",
			data:    append(slices.Clone(oleSignature), make([]byte, 504)...),
			openErr: "notxlsx",
			msgs:    []string{".xls (Excel 97-2003) is not supported: save as .xlsx or .csv"},
		},
		{
			name:    "truncated zip",
			file:    "people.xlsx",
			data:    valid[:len(valid)*2/3],
			openErr: "notxlsx",
			msgs:    []string{"damaged or cut short"},
		},
		{
			name:    "empty file",
			file:    "people.xlsx",
			data:    nil,
			openErr: "notxlsx",
			msgs:    []string{"empty"},
		},
		{
			name:    "binary, not a zip",
			file:    "people.xlsx",
			data:    []byte{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0},
			openErr: "notxlsx",
			msgs:    []string{"not a ZIP archive"},
		},
		{
			name: "a zip that is no workbook",
			file: "people.xlsx",
			build: func(t testing.TB, path string) {
				var buf bytes.Buffer
				zw := zip.NewWriter(&buf)
				w, _ := zw.Create("mimetype")
				w.Write([]byte("application/vnd.oasis.opendocument.spreadsheet"))
				zw.Close()
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			openErr: "notxlsx",
		},
	})
}

// TestXLSXTempFiles reads a workbook with excelize's size limit lowered so
// the worksheet and the shared strings go through temporary files, checks
// the values are the same as from memory, and that Close leaves no file.
func TestXLSXTempFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "values.xlsx")
	writeXLSX(t, path, valuesSheet())
	rec := Recipients{Path: path, Key: "email"}

	inMemory, err := openXLSXWith(context.Background(), rec, xlsxOptions())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := readTrace(t, inMemory)
	if err := inMemory.Close(); err != nil {
		t.Fatal(err)
	}

	tmp := t.TempDir()
	opts := xlsxOptions()
	opts.UnzipXMLSizeLimit, opts.TmpDir = 64, tmp
	s, err := openXLSXWith(context.Background(), rec, opts)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := readTrace(t, s)
	entries, _ := os.ReadDir(tmp)
	if len(entries) < 2 {
		t.Errorf("%d temporary files while reading, want the worksheet and the shared strings", len(entries))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("via temporary files:\n got  %q\n want %q", got, want)
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("temporary files left after Close: %v", entries)
	}

	// A failed open cleans up too.
	s2, err := openXLSXWith(context.Background(), Recipients{Path: path, Sheet: "nope"}, opts)
	if err == nil {
		s2.Close()
		t.Fatal("opened an unknown sheet")
	}
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("temporary files left after a failed open: %v", entries)
	}
}

func TestPlainNumber(t *testing.T) {
	for in, want := range map[string]string{
		"1.23456789012346E+19": "12345678901234600000",
		"1.5E-05":              "0.000015",
		"-1.2E+20":             "-120000000000000000000",
		"1.00E+02":             "1.00E+02", // a deliberate 0.00E+00 format
		"1.2E+3":               "1.2E+3",
		"12E+20":               "12E+20",
		"E+20":                 "E+20",
		"abc":                  "abc",
		"13800138000":          "13800138000",
	} {
		if got := plainNumber(in); got != want {
			t.Errorf("plainNumber(%q) = %q, want %q", in, got, want)
		}
	}
}
