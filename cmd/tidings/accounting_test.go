package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
	"github.com/xuri/excelize/v2"
)

// TestAccountingFormatUnpadded: an amount in German Excel's accounting
// format ("Buchhaltung", _-* #,##0.00 "€"_-: padding and a fill that line
// the cell up in its column) goes out as the amount and its symbol, not
// with the spaces the padding leaves ("über  99.90 € ."); a negative
// amount keeps its sign.
func TestAccountingFormatUnpadded(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	f := excelize.NewFile()
	defer f.Close()
	for cell, v := range map[string]any{"A1": "email", "B1": "name", "C1": "amount", "A2": "ann@example.com", "B2": "Ann", "C2": 99.9, "A3": "bob@example.com", "B3": "Bob", "C3": -1234.5} {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	code := `_-* #,##0.00\ "€"_-;\-* #,##0.00\ "€"_-;_-* "-"??\ "€"_-;_-@_-`
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
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.xlsx}`),
		"body.txt": "Betrag: [{{.amount}}].\n",
	})
	out, errOut, exit := runCLI(t, "send", "--yes", filepath.Join(dir, "c.yaml"))
	if exit != exitOK {
		t.Fatalf("send: code %d\n%s%s", exit, out, errOut)
	}
	for rcpt, want := range map[string]string{"ann@example.com": "Betrag: [99.90 =E2=82=AC].", "bob@example.com": "Betrag: [-1,234.50 =E2=82=AC]."} {
		if got := serverCopy(t, srv, rcpt); !bytes.Contains(got, []byte(want)) {
			t.Errorf("%s's message lacks %q:\n%s", rcpt, want, got)
		}
	}
}
