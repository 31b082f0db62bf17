package campaign

import (
	"context"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// localeDateCodes are the date formats of localeWorkbook's columns after
// email: Excel's system long date as Excel writes it, a custom long date
// naming no locale and one naming German, a custom all-number one, the
// system short date (built-in 14), abbreviated names, and Excel's
// built-in formats with names (15 d-mmm-yy, 16 d-mmm, 17 mmm-yy).
var localeDateCodes = []string{`[$-F800]dddd\,\ mmmm\ dd\,\ yyyy`, `dddd, d. mmmm yyyy`, `[$-407]dddd, d. mmmm yyyy`, `dd/mm/yyyy`, "14", `d mmm yyyy`, "15", "16", "17"}

// localeNumberCodes are number formats, for localeWorkbook.
var localeNumberCodes = []string{`#,##0.00 "€"`, `#,##0.00`, `0.00`}

// localeWorkbook writes a workbook whose one row has value in each of
// codes (a number is a built-in format's id), in columns b, c …
func localeWorkbook(t *testing.T, codes []string, value float64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "dates.xlsx")
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetCellValue("Sheet1", "A1", "email"))
	must(f.SetCellValue("Sheet1", "A2", "a@example.com"))
	for i, code := range codes {
		style := &excelize.Style{CustomNumFmt: &code}
		if id, err := strconv.Atoi(code); err == nil {
			style = &excelize.Style{NumFmt: id}
		}
		id, err := f.NewStyle(style)
		must(err)
		head, _ := excelize.CoordinatesToCellName(i+2, 1)
		cell, _ := excelize.CoordinatesToCellName(i+2, 2)
		must(f.SetCellValue("Sheet1", head, string(rune('b'+i))))
		must(f.SetCellValue("Sheet1", cell, value))
		must(f.SetCellStyle("Sheet1", cell, cell, id))
	}
	must(f.SaveAs(path))
	return path
}

// TestXLSXLocaleDates: a workbook's dates read as LibreOffice Calc 7
// shows them in each locale (its profile's locale set, the workbook
// converted to CSV "as shown"); without a locale, as before.
func TestXLSXLocaleDates(t *testing.T) {
	path := localeWorkbook(t, localeDateCodes, 46371) // 2026-12-15
	for tag, want := range map[string]string{
		"":      "Tuesday, December 15, 2026|Tuesday, 15. December 2026|Dienstag, 15. Dezember 2026|15/12/2026|2026-12-15|15 Dec 2026|15-Dec-26|15-Dec|Dec-26",
		"de-DE": "Dienstag, 15. Dezember 2026|Dienstag, 15. Dezember 2026|Dienstag, 15. Dezember 2026|15.12.2026|15.12.2026|15 Dez 2026|15. Dez 26|15. Dez|Dez 26",
		"de-AT": "Dienstag, 15. Dezember 2026|Dienstag, 15. Dezember 2026|Dienstag, 15. Dezember 2026|15.12.2026|15.12.2026|15 Dez 2026|15.Dez.26|15.Dez|Dez.26",
		"de-CH": "Dienstag, 15. Dezember 2026|Dienstag, 15. Dezember 2026|Dienstag, 15. Dezember 2026|15.12.2026|15.12.2026|15 Dez 2026|15. Dez 26|15. Dez|Dez 26",
		"fr-FR": "mardi 15 décembre 2026|mardi, 15. décembre 2026|Dienstag, 15. Dezember 2026|15/12/2026|15/12/2026|15 déc. 2026|15-déc.-26|15-déc.|déc.-26",
		"fr-CH": "mardi, 15. décembre 2026|mardi, 15. décembre 2026|Dienstag, 15. Dezember 2026|15.12.2026|15.12.2026|15 déc. 2026|15.déc..26|15.déc.|déc..26",
		"en-GB": "Tuesday 15 December 2026|Tuesday, 15. December 2026|Dienstag, 15. Dezember 2026|15/12/2026|15/12/2026|15 Dec 2026|15-Dec-26|15-Dec|Dec-26",
	} {
		loc, err := ParseLocale(tag)
		if err != nil {
			t.Fatal(err)
		}
		row := readLocaleRow(t, Recipients{Path: path, Key: "email", Locale: loc, Dates: loc.DateOrder()})
		var got []string
		for i := range localeDateCodes {
			got = append(got, row.Values[string(rune('b'+i))])
		}
		if g := strings.Join(got, "|"); g != want {
			t.Errorf("locale %q:\n got %s\nwant %s", tag, g, want)
		}
	}
}

// TestXLSXLocaleNumbers: a workbook's numbers read with the locale's
// thousands separator and decimal mark, as LibreOffice Calc 7 shows them
// (a no-break space in France, an apostrophe in Switzerland); a
// recipients.decimal written keeps its mark.
func TestXLSXLocaleNumbers(t *testing.T) {
	path := localeWorkbook(t, localeNumberCodes, 1234567.5)
	for _, c := range []struct {
		tag     string
		decimal string
		want    string
	}{
		{"", "", "1,234,567.50 €|1,234,567.50|1234567.50"},
		{"", ",", "1.234.567,50 €|1.234.567,50|1234567,50"},
		{"de-DE", "", "1.234.567,50 €|1.234.567,50|1234567,50"},
		{"de-AT", "", "1.234.567,50 €|1.234.567,50|1234567,50"},
		{"fr-FR", "", "1\u00a0234\u00a0567,50 €|1\u00a0234\u00a0567,50|1234567,50"},
		{"de-CH", "", "1'234'567.50 €|1'234'567.50|1234567.50"},
		{"fr-CH", "", "1'234'567.50 €|1'234'567.50|1234567.50"},
		{"en-GB", "", "1,234,567.50 €|1,234,567.50|1234567.50"},
		{"fr-FR", ".", "1\u00a0234\u00a0567.50 €|1\u00a0234\u00a0567.50|1234567.50"},
		{"de-DE", ".", "1,234,567.50 €|1,234,567.50|1234567.50"},
	} {
		loc, err := ParseLocale(c.tag)
		if err != nil {
			t.Fatal(err)
		}
		mark, _ := ParseDecimalMark(c.decimal)
		if c.decimal == "" {
			mark = loc.Decimal()
		}
		row := readLocaleRow(t, Recipients{Path: path, Key: "email", Locale: loc, Decimal: mark})
		var got []string
		for i := range localeNumberCodes {
			got = append(got, row.Values[string(rune('b'+i))])
		}
		if g := strings.Join(got, "|"); g != c.want {
			t.Errorf("locale %q, decimal %q:\n got %q\nwant %q", c.tag, c.decimal, g, c.want)
		}
	}
}

// readLocaleRow is the first row of r's workbook.
func readLocaleRow(t *testing.T, r Recipients) Row {
	t.Helper()
	ctx := context.Background()
	s, err := openXLSX(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	row, err := s.Next(ctx)
	if err == io.EOF || err != nil {
		t.Fatalf("first row: %v", err)
	}
	return row
}

// TestLocaleFormatCodes: under a locale, a date format showing names and
// naming no locale names the campaign's, and one naming none writes its
// / as the campaign locale's date separator; others stay.
func TestLocaleFormatCodes(t *testing.T) {
	de, _ := ParseLocale("de-DE")
	fr, _ := ParseLocale("fr-CH")
	for _, c := range []struct {
		code      string
		loc       Locale
		names, sl string
	}{
		{`dddd, d. mmmm yyyy`, de, `[$-407]dddd, d. mmmm yyyy`, `dddd, d. mmmm yyyy`},
		{`d mmm yy`, fr, `[$-100C]d mmm yy`, `d mmm yy`},
		{`[$-40C]d mmmm yyyy`, de, `[$-40C]d mmmm yyyy`, `[$-40C]d mmmm yyyy`},
		{`dd/mm/yyyy`, de, `dd/mm/yyyy`, `dd\.mm\.yyyy`},
		{`dd/mm/yyyy`, fr, `dd/mm/yyyy`, `dd\.mm\.yyyy`},
		{`mm/dd/yyyy`, de, `mm/dd/yyyy`, `mm/dd/yyyy`},
		{`[$-40C]dd/mm/yyyy`, de, `[$-40C]dd/mm/yyyy`, `[$-40C]dd/mm/yyyy`},
		{`hh:mm`, de, `hh:mm`, `hh:mm`},
		{`# ?/?`, de, `# ?/?`, `# ?/?`},
		{`dd/mm/yyyy`, Locale{}, `dd/mm/yyyy`, `dd/mm/yyyy`},
		{`d mmm yyyy`, Locale{}, `d mmm yyyy`, `d mmm yyyy`},
	} {
		if got := withLocaleNames(c.code, c.loc); got != c.names {
			t.Errorf("withLocaleNames(%q, %s) = %q, want %q", c.code, c.loc, got, c.names)
		}
		if got := withDateSeparator(c.code, c.loc); got != c.sl {
			t.Errorf("withDateSeparator(%q, %s) = %q, want %q", c.code, c.loc, got, c.sl)
		}
	}
}
