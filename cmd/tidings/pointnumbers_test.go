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

// TestPointNumbersWarned: a German office's workbook, recipients.decimal
// ",", an amount printed as it is ({{.amount}}): tidings shows it as
// English Excel does, "1,234.50 €", and the invoice said so without a
// word. check and send now warn, naming the column and its rows, and say
// how number writes it; printed through number, or under the default
// decimal point, there is nothing to warn of.
func TestPointNumbersWarned(t *testing.T) {
	srv := smtptest.NewServer(t)
	const warning = `column "amount", which the subject or the body prints as it is, shows its numbers with a decimal point in 2 rows (2, 3)`
	for _, c := range []struct {
		decimal, format, body string
		warned                bool
	}{
		{`","`, `#,##0.00\ "€"`, "Betrag: {{.amount}}\n", true},
		{`","`, `0.00`, "Betrag: {{number 2 .amount}} €\n", false},
		{`"."`, `#,##0.00\ "€"`, "Amount: {{.amount}}\n", false},
	} {
		dir := t.TempDir()
		amountWorkbook(t, dir, c.format)
		writeFiles(t, dir, map[string]string{
			"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.xlsx, decimal: `+c.decimal+`}`),
			"body.txt": c.body,
		})
		camp := filepath.Join(dir, "c.yaml")
		for _, cmd := range []string{"check", "send"} {
			args := []string{cmd, camp}
			if cmd == "send" {
				args = []string{cmd, "--yes", camp}
			}
			out, errOut, code := runCLI(t, args...)
			if code != exitOK || strings.Contains(out+errOut, warning) != c.warned {
				t.Errorf("%s, decimal %s, body %q: code %d, warned %v, want %v:\n%s%s", cmd, c.decimal, c.body, code, !c.warned, c.warned, out, errOut)
			}
		}
	}
}
