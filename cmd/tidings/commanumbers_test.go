package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
	"github.com/xuri/excelize/v2"
)

// amountWorkbook writes r.xlsx into dir: two rows whose amount is a number
// cell in the number format code.
func amountWorkbook(t *testing.T, dir, code string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for cell, v := range map[string]any{"A1": "email", "B1": "name", "C1": "amount", "A2": "ann@example.com", "B2": "Ann", "C2": 1234.5, "A3": "bob@example.com", "B3": "Bob", "C3": 99.9} {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle("Sheet1", "C2", "C3", st); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(filepath.Join(dir, "r.xlsx")); err != nil {
		t.Fatal(err)
	}
}

// TestWorkbookDecimalComma: a German office's workbook under
// recipients.decimal ",": an amount printed as it is ({{.amount}}) goes
// out as German Excel shows it, "1.234,50 €" (it went out "1,234.50 €",
// as English Excel shows it), and number reads a cell of a format without
// the currency with the comma, as it reads a CSV's; under the default
// point the amount is as English Excel shows it.
func TestWorkbookDecimalComma(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		decimal, format, body string
		want                  map[string]string
	}{
		{`","`, `#,##0.00\ "€"`, "Betrag: {{.amount}}\n", map[string]string{"ann@example.com": "Betrag: 1.234,50 €", "bob@example.com": "Betrag: 99,90 €"}},
		{`","`, `0.000`, "Betrag: {{number 2 .amount}} €\n", map[string]string{"ann@example.com": "Betrag: 1234,50 €", "bob@example.com": "Betrag: 99,90 €"}},
		{`"."`, `#,##0.00\ "€"`, "Amount: {{.amount}}\n", map[string]string{"ann@example.com": "Amount: 1,234.50 €", "bob@example.com": "Amount: 99.90 €"}},
	} {
		srv := smtptest.NewServer(t)
		dir := t.TempDir()
		amountWorkbook(t, dir, c.format)
		writeFiles(t, dir, map[string]string{
			"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.xlsx, decimal: `+c.decimal+`}`),
			"body.txt": c.body,
		})
		if out, errOut, code := runCLI(t, "send", "--yes", filepath.Join(dir, "c.yaml")); code != exitOK {
			t.Fatalf("decimal %s, format %s: send: code %d\n%s%s", c.decimal, c.format, code, out, errOut)
		}
		for to, want := range c.want {
			if _, _, got := decodeMessage(t, serverCopy(t, srv, to)); !strings.Contains(got, want) {
				t.Errorf("decimal %s, format %s: %s got\n%s\nwant %q in it", c.decimal, c.format, to, got, want)
			}
		}
	}
}

// TestWorkbookAccountingZero: German Excel's accounting format shows a
// zero as "- €", and so it goes out ({{.amount}} went out "0,00 €", the
// first section's); number of such a cell is a problem of its row that
// says the dash is the format's zero (it read 0,00 in a workbook and
// failed on the same sheet's CSV).
func TestWorkbookAccountingZero(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	f := excelize.NewFile()
	defer f.Close()
	for cell, v := range map[string]any{"A1": "email", "B1": "name", "C1": "amount", "A2": "ann@example.com", "B2": "Ann", "C2": 0, "A3": "bob@example.com", "B3": "Bob", "C3": 99.9} {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	format := `_-* #,##0.00\ "€"_-;\-* #,##0.00\ "€"_-;_-* "-"??\ "€"_-;_-@_-`
	st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetCellStyle("Sheet1", "C2", "C3", st); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(filepath.Join(dir, "r.xlsx")); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{
		"c.yaml":     campaignYAML(srv.Port, `recipients: {path: r.xlsx, decimal: ","}`),
		"body.txt":   "Offen: {{.amount}}\n",
		"n.yaml":     campaignYAML(srv.Port, `name: n`, `recipients: {path: r.xlsx, decimal: ","}`, `text: number.txt`),
		"number.txt": "Offen: {{number 2 .amount}} €\n",
	})
	if out, errOut, code := runCLI(t, "send", "--yes", filepath.Join(dir, "c.yaml")); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	for to, want := range map[string]string{"ann@example.com": "Offen: - €", "bob@example.com": "Offen: 99,90 €"} {
		if _, _, got := decodeMessage(t, serverCopy(t, srv, to)); !strings.Contains(got, want) {
			t.Errorf("%s got\n%s\nwant %q in it", to, got, want)
		}
	}
	out, errOut, code := runCLI(t, "check", filepath.Join(dir, "n.yaml"))
	if want := `row 2, column "amount"`; code != exitSomeFailed || !strings.Contains(out+errOut, want) || !strings.Contains(out+errOut, "a dash alone is how an accounting format shows a zero") {
		t.Errorf("check with number: code %d\n%s%s\nwant exit 1 and a problem of %s saying the dash is the format's zero", code, out, errOut, want)
	}
}
