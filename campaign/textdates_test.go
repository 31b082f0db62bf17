package campaign

import (
	"archive/zip"
	"bytes"
	"context"
	"maps"
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
			want := []string{renewWarning}
			if c.want != "" {
				want = []string{c.want, renewWarning}
			}
			// A big workbook's shared strings, which excelize keeps in a
			// temporary file, are read as a small one's.
			big := xlsxOptions()
			big.UnzipXMLSizeLimit, big.TmpDir = 64, t.TempDir()
			for _, opts := range []excelize.Options{xlsxOptions(), big} {
				s, err := openXLSXWith(context.Background(), Recipients{Path: path, Key: "email"}, opts)
				if err != nil {
					t.Fatal(err)
				}
				trace, _ := readTrace(t, s)
				s.Close()
				if len(trace) != len(c.cells) {
					t.Fatalf("read %d rows, want %d", len(trace), len(c.cells))
				}
				var got []string
				for _, w := range s.Warnings() {
					if strings.Contains(w, "typed as text") {
						got = append(got, w)
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("limit %d: warnings:\n%q\nwant:\n%q", opts.UnzipXMLSizeLimit, got, want)
				}
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

// TestReadStrings: the shared strings that look like dates are found by
// their index, through rich text runs, an empty string, a namespace
// prefix and kept spaces, and after a text longer than the reader's
// buffer; phonetic runs and escaped text are not read.
func TestReadStrings(t *testing.T) {
	sst := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="8" uniqueCount="8"><si><t>email</t></si><si/><si><r><rPr><b/></rPr><t>1/15/</t></r><r><t>2027</t></r></si><si><t xml:space="preserve"> 15.01.2027 </t></si><si><t>1/15/2027 &amp; later</t></si><si><t>東京</t><rPh sb="0" eb="2"><t>1/1/2027</t></rPh></si><x:si><x:t>2027-01-15</x:t></x:si><si><t>tbd</t></si><si><t>` + strings.Repeat("x", sstBuffer-len("t>")) /* what follows starts a read */ + `si 1/1/2027</t></si><si><t>1.2.2027</t></si></sst>`
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.Create(sharedStringsPart)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(sst))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	td := &textDates{}
	found, err := td.readStrings(context.Background(), zr)
	want := map[int]string{2: "1/15/2027", 3: " 15.01.2027 ", 6: "2027-01-15", 9: "1.2.2027"}
	if err != nil || !found || !maps.Equal(td.sst, want) {
		t.Errorf("readStrings = %v, %v, sst %v; want %v", found, err, td.sst, want)
	}
}
