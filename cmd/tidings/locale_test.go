package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
	"github.com/xuri/excelize/v2"
)

// localeWorkbook writes r.xlsx into dir: one row whose due is 15
// December 2026 in the system short date (built-in 14), long the same in
// Excel's system long date, and amount 1234.5 in #,##0.00 "€".
func localeWorkbook(t *testing.T, dir string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetRow("Sheet1", "A1", &[]any{"email", "name", "due", "long", "amount"}))
	must(f.SetSheetRow("Sheet1", "A2", &[]any{"ann@example.com", "Ann", 46371, 46371, 1234.5}))
	for cell, style := range map[string]excelize.Style{"C2": {NumFmt: 14}, "D2": {CustomNumFmt: ptr(`[$-F800]dddd\,\ mmmm\ dd\,\ yyyy`)}, "E2": {CustomNumFmt: ptr(`#,##0.00 "€"`)}} {
		id, err := f.NewStyle(&style)
		must(err)
		must(f.SetCellStyle("Sheet1", cell, cell, id))
	}
	must(f.SaveAs(filepath.Join(dir, "r.xlsx")))
}

func ptr[T any](v T) *T { return &v }

// TestSendLocale: a German and a French campaign (locale:) send their
// dates and amounts as the letter's language writes them and the sheet
// shows them in that locale's LibreOffice: names of date's layout, the
// workbook's system dates and its amounts' marks (it went out
// "Tuesday, 15. December 2026", "Tuesday, December 15, 2026" and
// "1,234.50 €").
func TestSendLocale(t *testing.T) {
	t.Parallel()
	body := "{{date \"Monday, 2. January 2006\" .due}} | {{.due}} | {{.long}} | {{.amount}} | {{number 2 (replace \" €\" \"\" .amount)}}\n"
	for locale, want := range map[string]string{
		"de-DE": "Dienstag, 15. Dezember 2026 | 15.12.2026 | Dienstag, 15. Dezember 2026 | 1.234,50 € | 1.234,50",
		"fr-FR": "mardi, 15. décembre 2026 | 15/12/2026 | mardi 15 décembre 2026 | 1\u00a0234,50 € | 1\u00a0234,50",
	} {
		srv := smtptest.NewServer(t)
		dir := t.TempDir()
		localeWorkbook(t, dir)
		writeFiles(t, dir, map[string]string{
			"c.yaml":   campaignYAML(srv.Port, "locale: "+locale, `recipients: {path: r.xlsx}`),
			"body.txt": body,
		})
		if out, errOut, code := runCLI(t, "send", "--yes", filepath.Join(dir, "c.yaml")); code != exitOK {
			t.Fatalf("%s: send: code %d\n%s%s", locale, code, out, errOut)
		}
		if _, _, got := decodeMessage(t, serverCopy(t, srv, "ann@example.com")); !strings.Contains(got, want) {
			t.Errorf("%s: got\n%s\nwant %q in it", locale, got, want)
		}
	}
}
