package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
	"github.com/xuri/excelize/v2"
)

// TestSheetWarningsBeforeProblems: check, preview and send printed a
// row's problem before the sheet's warning that its first row is taken
// for a title above the header (a first row of data, not column names),
// which says what the problems are about. The sheet's warnings come
// first, then the rows' problems in the sheet's order; a workbook's
// hidden rows, which a read of the rows finds, are still told. send
// printed the rows' warnings (a domain without a dot) above it, as its
// preflight renders the rows before it printed the sheet's.
func TestSheetWarningsBeforeProblems(t *testing.T) {
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port),
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    "ann@example.com,Ann\nemail,name\nbob@example.com,Bob\nnot-an-address,Cy\nthree,Di\ndee@example,Dee\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	for _, args := range [][]string{{"check"}, {"preview"}, {"send", "--yes"}, {"send", "--yes", "--test", "me@example.org", "--rows", "6"}} {
		out, errOut, _ := runCLI(t, append(args, camp)...)
		warn := strings.Index(out, "warning: r.csv: row 1 above the header")
		row4, row5 := strings.Index(out, "r.csv: row 4, column"), strings.Index(out, "r.csv: row 5, column")
		if args[len(args)-1] != "6" && (warn < 0 || row4 < warn || row5 < row4) {
			t.Errorf("%v: want the title row's warning, then rows 4 and 5's problems:\n%s---\n%s", args, out, errOut)
		}
		if row6 := strings.Index(out, "r.csv: row 6: dee@example"); warn < 0 || row6 < warn {
			t.Errorf("%v: want the title row's warning, then row 6's:\n%s---\n%s", args, out, errOut)
		}
	}

	f := excelize.NewFile()
	defer f.Close()
	for i, r := range [][]any{{"Members 2026"}, {"email", "name"}, {"bob@example.com", "Bob"}, {"not-an-address", "Cy"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetRowVisible("Sheet1", 3, false); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "r.xlsx"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"x.yaml": campaignYAML(srv.Port, `name: x`, `recipients: {path: r.xlsx}`)})
	out, errOut, _ := runCLI(t, "check", filepath.Join(dir, "x.yaml"))
	title, hidden := strings.Index(out, "row 1 above the header"), strings.Index(out, "has hidden rows (row 3 is the first)")
	if problem := strings.Index(out, "r.xlsx: row 4, column"); title < 0 || problem < title || hidden < 0 {
		t.Errorf("workbook: want the title row's warning before row 4's problem, and the hidden rows told:\n%s---\n%s", out, errOut)
	}
}
