package campaign

import (
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// textDatesWorkbook writes, with excelize, a workbook with columns email,
// name, city, column (D) and renew (E). Column's cells are cells: a
// float64 is a date serial in the format "d mmmm yyyy", a string a text
// cell. Renew holds such dates but in its second data row, E3, which
// holds the text "2/1/2027": renewWarning.
func textDatesWorkbook(t *testing.T, column string, cells ...any) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "people.xlsx")
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	code := "d mmmm yyyy"
	dated, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
	must(err)
	must(f.SetSheetRow("Sheet1", "A1", &[]any{"email", "name", "city", column, "renew"}))
	for i, c := range cells {
		row := i + 2
		cell, _ := excelize.CoordinatesToCellName(4, row)
		must(f.SetSheetRow("Sheet1", "A"+strconv.Itoa(row), &[]any{"p" + strconv.Itoa(row) + "@example.com", "Name", "Köln"}))
		must(f.SetCellValue("Sheet1", cell, c))
		if _, ok := c.(float64); ok {
			must(f.SetCellStyle("Sheet1", cell, cell, dated))
		}
		renew := "E" + strconv.Itoa(row)
		if row == 3 {
			must(f.SetCellValue("Sheet1", renew, "2/1/2027"))
		} else {
			must(f.SetCellValue("Sheet1", renew, 46419.0))
			must(f.SetCellStyle("Sheet1", renew, renew, dated))
		}
	}
	must(f.SaveAs(path))
	return path
}

// renewWarning is the warning of textDatesWorkbook's renew column.
const renewWarning = `people.xlsx: sheet "Sheet1": cell E3 (row 3): a date typed as text ("2/1/2027") in column "renew", whose other cells are dates shown as "d mmmm yyyy": it goes as typed; type it as a date in Excel, or format the column as text`

// TestXLSXDateTypedAsText: a text that looks like a date among a
// column's dates (a user typed "1/15/2027" where the others are numbers
// shown "15 January 2027") goes as typed, so the sheet warns, once a
// column, naming the first such cell and counting the others; a column
// of text dates only, a text note that is no date among dates, and a
// text number among numbers are not warned of (the renew column beside
// them is).
func TestXLSXDateTypedAsText(t *testing.T) {
	const jan15 = 46402.0 // 15 January 2027
	for _, c := range []struct {
		name  string
		cells []any
		want  string // "" for no warning of column due
	}{
		{"one", []any{jan15, jan15 + 1, "1/15/2027", jan15 + 2},
			`people.xlsx: sheet "Sheet1": cell D4 (row 4): a date typed as text ("1/15/2027") in column "due", whose other cells are dates shown as "d mmmm yyyy": it goes as typed; type it as a date in Excel, or format the column as text`},
		{"several", []any{jan15, "1/15/2027", jan15, "16.01.2027", jan15, "January 17, 2027", jan15, "2027-01-18", jan15, jan15},
			`people.xlsx: sheet "Sheet1": cell D3 (row 3) and 3 more cells: a date typed as text ("1/15/2027") in column "due", whose other cells are dates shown as "d mmmm yyyy": they go as typed; type them as dates in Excel, or format the column as text`},
		{"text dates only", []any{"1/15/2027", "1/16/2027", "1/17/2027"}, ""},
		{"mostly text dates", []any{jan15, "1/16/2027", "1/17/2027", jan15}, ""},
		{"a note", []any{jan15, jan15, "tbd", "to be decided", jan15}, ""},
		{"text number", []any{12.0, 13.0, "14", "15.5", 16.0}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := textDatesWorkbook(t, "due", c.cells...)
			rows, warnings := readSheetRows(t, path, MonthFirst)
			if len(rows) != len(c.cells) {
				t.Fatalf("read %d rows, want %d", len(rows), len(c.cells))
			}
			var got []string
			for _, w := range warnings {
				if strings.Contains(w, "typed as text") {
					got = append(got, w)
				}
			}
			want := []string{renewWarning}
			if c.want != "" {
				want = []string{c.want, renewWarning}
			}
			if !slices.Equal(got, want) {
				t.Errorf("warnings:\n%q\nwant:\n%q", got, want)
			}
		})
	}
}

// TestLooksLikeDate: the texts a date typed as text is told by.
func TestLooksLikeDate(t *testing.T) {
	for s, want := range map[string]bool{
		"1/15/2027": true, "15.01.2027": true, "2027-01-15": true, "15/1/27": true,
		"1/15/2027 10:30": true, "1/15/2027 10:30 AM": true,
		"15 January 2027": true, "January 15th, 2027": true, "Jan 15 2027": true,
		"15. Dezember 2026": true, "mardi 15 décembre 2026": true, "Mai 2027": true,
		"tbd": false, "to be decided": false, "15.5": false, "1/2": false,
		"1-2-3-4": false, "May": false, "Name 12 张": false, "1/15/2027 later": false,
		"user0000001@example.com": false, "12345": false, "2027/01/15x": false,
	} {
		if got := looksLikeDate(s); got != want {
			t.Errorf("looksLikeDate(%q) = %v, want %v", s, got, want)
		}
	}
}
