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
