package main

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/smtptest"
	"github.com/xuri/excelize/v2"
)

// The tests in this file cover a cell holding one of Excel's error values
// (#N/A from a failed VLOOKUP, #DIV/0! ...): in a column the campaign
// reads it is a row problem like any other, in a column it does not read it
// is nothing. hostileCases has the check-and-send cases.

// xlsxWithSheetData builds an XLSX workbook the way Excel lays it out, with
// one sheet whose <sheetData> holds rows, written by hand (see xrow) so that
// a cell can be what excelize's writer does not make: a formula whose cached
// result is an error value, t="e".
func xlsxWithSheetData(t *testing.T, rows ...string) []byte {
	t.Helper()
	const ns = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook ` + ns + `><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet ` + ns + `><sheetData>` + strings.Join(rows, "") + `</sheetData></worksheet>`},
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, p := range parts {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(p.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// xrow is sheet row n of xlsxWithSheetData, cells from column A on. A cell
// "FORMULA=>#CODE" is a formula whose cached result is Excel's error value
// #CODE (t="e"), as Excel saves it; any other cell is an inline string.
func xrow(n int, cells ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<row r="%d">`, n)
	for i, c := range cells {
		ref := fmt.Sprintf("%c%d", 'A'+i, n)
		if f, code, ok := strings.Cut(c, "=>#"); ok {
			fmt.Fprintf(&b, `<c r="%s" t="e"><f>%s</f><v>#%s</v></c>`, ref, xmlEscape(f), xmlEscape(code))
			continue
		}
		fmt.Fprintf(&b, `<c r="%s" t="inlineStr"><is><t>%s</t></is></c>`, ref, xmlEscape(c))
	}
	b.WriteString("</row>")
	return b.String()
}

func xmlEscape(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}

// failedLookup is a name cell whose VLOOKUP found nothing.
const failedLookup = `VLOOKUP(A6,Names!A:B,2,FALSE)=>#N/A`

// TestExcelErrorInUsedColumnIsRowProblem: check and preview report the row
// whose name (read by to and subject) is #N/A, preview writes no message for
// it, send refuses to start, and with --skip-invalid sends the other rows.
// A #REF! in the note column, which no template reads, is no problem.
func TestExcelErrorInUsedColumnIsRowProblem(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.xlsx}`),
		"body.txt": "Hi {{.name}}\n",
	})
	writeBytes(t, filepath.Join(dir, "r.xlsx"), xlsxWithSheetData(t,
		xrow(1, "email", "name", "note"),
		xrow(2, "ann@example.com", "Ann", "Notes!C2=>#REF!"),
		xrow(3, "bob@example.com", "Bob", ""),
		xrow(6, "cid@example.com", failedLookup, ""), // rows 4 and 5 are empty
	))
	camp := filepath.Join(dir, "c.yaml")
	const where = `r.xlsx: row 6, column "name"`

	out, errOut, code := runCLI(t, "check", camp)
	t.Logf("check:\n%s%s", out, errOut)
	if code != exitSomeFailed {
		t.Errorf("check: code %d, want %d", code, exitSomeFailed)
	}
	for _, s := range []string{"problem: ", where, "Excel's error value #N/A", "3 recipients, 2 ready, 1 with problems"} {
		if !strings.Contains(out, s) {
			t.Errorf("check output lacks %q", s)
		}
	}
	if strings.Contains(out, "row 2") || strings.Contains(out, "#REF!") {
		t.Errorf("check reports the #REF! in the note column, which no template reads:\n%s", out)
	}

	out, errOut, code = runCLI(t, "preview", camp)
	if code != exitSomeFailed || !strings.Contains(out, where) {
		t.Errorf("preview: code %d, want %d, naming %s\n%s%s", code, exitSomeFailed, where, out, errOut)
	}
	emls := emlFiles(t, filepath.Join(dir, ".tidings", "t", "preview"))
	if len(emls) != 2 {
		t.Errorf("preview wrote %d .eml files, want 2", len(emls))
	}
	for name, data := range emls {
		if strings.Contains(name, "cid@") || bytes.Contains(data, []byte("#N/A")) {
			t.Errorf("preview wrote %s with the #N/A row's message", name)
		}
	}

	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed || !strings.Contains(out+errOut, where) {
		t.Errorf("send: code %d, want %d, naming %s\n%s%s", code, exitSomeFailed, where, out, errOut)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("send delivered %d messages while a row holds #N/A; want none", n)
	}

	out, errOut, code = runCLI(t, "send", "--yes", "--skip-invalid", camp)
	if code != exitSomeFailed {
		t.Errorf("send --skip-invalid: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	for _, m := range srv.Messages() {
		if bytes.Contains(m.Data, []byte("#N/A")) {
			t.Errorf("a message holds #N/A:\n%s", m.Data)
		}
	}
	if srv.Received("ann@example.com") != 1 || srv.Received("bob@example.com") != 1 || srv.Received("cid@example.com") != 0 {
		t.Errorf("--skip-invalid delivered %d messages; want one each to ann and bob, none to cid", len(srv.Messages()))
	}
}

// TestExcelErrorInUnusedColumnSends: error values in a column the campaign
// does not read (neither the key nor any template's) block nothing.
func TestExcelErrorInUnusedColumnSends(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.xlsx}`),
		"body.txt": "Hi {{.name}}\n",
	})
	writeBytes(t, filepath.Join(dir, "r.xlsx"), xlsxWithSheetData(t,
		xrow(1, "email", "name", "lookup"),
		xrow(2, "ann@example.com", "Ann", failedLookup),
		xrow(3, "bob@example.com", "Bob", "B3/0=>#DIV/0!"),
	))
	camp := filepath.Join(dir, "c.yaml")
	out, errOut, code := runCLI(t, "check", camp)
	if code != 0 || !strings.Contains(out, "2 ready, 0 with problems") {
		t.Fatalf("check: code %d, want 0 and no problems\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != 0 {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	if n := len(srv.Messages()); n != 2 {
		t.Errorf("server received %d messages, want 2", n)
	}
}

// TestUncalculatedFormulaIsRowProblem: a workbook written by a script
// (excelize here; openpyxl and XlsxWriter alike) holds a formula in the
// total column with no value saved. check names the row, the column and
// the cell, send delivers nothing, and --skip-invalid sends the row whose
// total the script wrote as a number.
func TestUncalculatedFormulaIsRowProblem(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.xlsx}`),
		"body.txt": "Hi, your total is {{.total}}\n",
	})
	f := excelize.NewFile()
	for cell, v := range map[string]any{"A1": "email", "B1": "name", "C1": "total", "A2": "ann@example.com", "B2": "Ann", "A3": "bob@example.com", "B3": "Bob", "C3": 16, "D1": "qty", "D2": 3} {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetCellFormula("Sheet1", "C2", "D2*4"); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(filepath.Join(dir, "r.xlsx")); err != nil {
		t.Fatal(err)
	}
	f.Close()
	camp := filepath.Join(dir, "c.yaml")

	out, errOut, code := runCLI(t, "check", camp)
	if code != exitSomeFailed {
		t.Errorf("check: code %d, want %d", code, exitSomeFailed)
	}
	for _, s := range []string{`r.xlsx: row 2, column "total"`, "cell C2 holds the formula =D2*4, never calculated: no value is saved for it", "open the file in Excel or LibreOffice Calc and save it", "1 ready, 1 with problems"} {
		if !strings.Contains(out, s) {
			t.Errorf("check output lacks %q\n%s%s", s, out, errOut)
		}
	}
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed || len(srv.Messages()) != 0 {
		t.Fatalf("send: code %d and %d messages, want %d and none\n%s%s", code, len(srv.Messages()), exitSomeFailed, out, errOut)
	}
	out, errOut, code = runCLI(t, "send", "--yes", "--skip-invalid", camp)
	if code != exitSomeFailed || srv.Received("bob@example.com") != 1 || srv.Received("ann@example.com") != 0 {
		t.Errorf("send --skip-invalid: code %d, %d messages; want bob's only\n%s%s", code, len(srv.Messages()), out, errOut)
	}
}

// TestDateFormatOfTheOtherOrder: an XLSX date column shown dd/mm/yyyy
// (7 December as 07/12/2026), passed to date under the default month-first
// recipients.dates, is a row problem naming the cell, where it went out as
// 12 July; with recipients.dates: day-first the date is right. A column
// no template passes to date is nothing.
func TestDateFormatOfTheOtherOrder(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	f := excelize.NewFile()
	code := "dd/mm/yyyy"
	st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	for cell, v := range map[string]any{"A1": "email", "B1": "name", "C1": "due", "D1": "joined", "A2": "ann@example.com", "B2": "Ann", "C2": day, "D2": day} {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetCellStyle("Sheet1", "C2", "D2", st); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(filepath.Join(dir, "r.xlsx")); err != nil {
		t.Fatal(err)
	}
	f.Close()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.xlsx}`),
		"body.txt": "Pay by {{date \"2 January 2006\" .due}}; a member since {{.joined}}.\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	out, errOut, code2 := runCLI(t, "check", camp)
	if code2 != exitSomeFailed || !strings.Contains(out, `r.xlsx: row 2, column "due": cell C2 shows a date in the other order than recipients.dates`) || !strings.Contains(out, "so date would read 07/12/2026 (7 December) as 12 July; set recipients.dates: day-first") {
		t.Errorf("check: code %d\n%s%s", code2, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"body.txt": "Pay by {{with .due}}{{date \"2 January 2006\" .}}{{end}}.\n"})
	if out, errOut, code := runCLI(t, "check", camp); code != exitSomeFailed || !strings.Contains(out, `column "due": cell C2 shows a date in the other order`) {
		t.Errorf("check, date inside with: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.xlsx, dates: day-first}`),
		"body.txt": "Pay by {{date \"2 January 2006\" .due}}; a member since {{.joined}}.\n",
	})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 1 || !bytes.Contains(srv.Messages()[0].Data, []byte("Pay by 7 December 2026; a member since 07/12/2026.")) {
		t.Errorf("send, day-first: code %d\n%s%s", code, out, errOut)
	}
}

// TestEveryProblemOfARowAtOnce: a row with a failed formula in two columns,
// and another with a typo in its address and an attachment that is not
// there, are told in full by one check: a line for each cell at fault,
// the rows counted once each (--max-problems too). send refuses with the same lines, and with
// --skip-invalid the report's detail names every problem of a row in one
// cell.
func TestEveryProblemOfARowAtOnce(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":         campaignYAML(srv.Port, `recipients: {path: r.xlsx}`, `attachments: ["files/{{.file}}"]`),
		"body.txt":       "Hi {{.name}}, you owe {{.amount}}.\n",
		"files/ann.pdf":  "%PDF",
		"files/bob.pdf":  "%PDF",
		"files/cid.pdf":  "%PDF",
		"files/note.txt": "",
	})
	writeBytes(t, filepath.Join(dir, "r.xlsx"), xlsxWithSheetData(t,
		xrow(1, "email", "name", "amount", "file"),
		xrow(2, "ann@example.com", "Ann", "12", "ann.pdf"),
		xrow(3, "bob@example.com", failedLookup, "B3/0=>#DIV/0!", "bob.pdf"),
		xrow(4, "cid@example..com", "Cid", "7", "cid-2026.pdf"),
	))
	camp := filepath.Join(dir, "c.yaml")
	want := []string{
		`r.xlsx: row 3, column "name": the cell holds Excel's error value #N/A`,
		`r.xlsx: row 3, column "amount": the cell holds Excel's error value #DIV/0!`,
		`r.xlsx: row 4, column "email": to: `,
		`r.xlsx: row 4, column "file": attachment not readable`,
	}
	lines := func(out string) []string {
		var got []string
		for _, l := range strings.Split(out, "\n") {
			if strings.HasPrefix(l, "problem: ") {
				got = append(got, l)
			}
		}
		return got
	}
	// The second send decides the rows from the spool the first wrote.
	for _, args := range [][]string{{"check", camp}, {"send", "--yes", camp}, {"send", "--yes", camp}} {
		out, errOut, code := runCLI(t, args...)
		got := lines(out)
		if code != exitSomeFailed || len(got) != len(want) {
			t.Fatalf("%s: code %d, %d problem lines, want %d lines:\n%s%s", args[0], code, len(got), len(want), out, errOut)
		}
		for i, w := range want {
			if !strings.Contains(got[i], w) {
				t.Errorf("%s: problem line %d is\n%s\nwant it to hold %s", args[0], i+1, got[i], w)
			}
		}
		if args[0] == "check" && !strings.Contains(out, "3 recipients, 1 ready, 2 with problems") {
			t.Errorf("check counts the rows wrong:\n%s", out)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("send delivered %d messages; want none", n)
	}
	// --max-problems counts rows: the first row's two lines, and the
	// other row counted.
	if out, errOut, code := runCLI(t, "check", "--max-problems", "1", camp); code != exitSomeFailed || len(lines(out)) != 2 || !strings.Contains(out, "(1 more row with problems not shown)") {
		t.Errorf("check --max-problems 1: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", "--skip-invalid", camp); code != exitSomeFailed || len(srv.Messages()) != 1 {
		t.Fatalf("send --skip-invalid: code %d, %d messages, want 1\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	found := false
	for _, r := range readReport(t, camp) {
		if r["row"] != "3" {
			continue
		}
		found = true
		if d := r["detail"]; !strings.Contains(d, `column "name"`) || !strings.Contains(d, `; `) || !strings.Contains(d, `r.xlsx: row 3, column "amount": the cell holds Excel's error value #DIV/0!`) || strings.Contains(d, "\n") {
			t.Errorf("report detail of row 3: %q", d)
		}
	}
	if !found {
		t.Error("report.csv has no row 3")
	}
}

// TestSpoolNoteWithoutMessages: check of a campaign whose every row has a
// problem says nothing of a spool's size per message, before a send and
// after one that spooled no message.
func TestSpoolNoteWithoutMessages(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nnot-an-address,A\n"})
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitSomeFailed || strings.Contains(out, "copies of the messages") {
		t.Errorf("check before a send: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", "--skip-invalid", camp); code != exitSomeFailed {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "check", camp)
	if code != exitSomeFailed || !strings.Contains(out, "copies of the messages: ") || strings.Contains(out, "a message") {
		t.Errorf("check after a send of none: code %d\n%s%s", code, out, errOut)
	}
}

// TestProblemTextAsItIs: a problem quotes the value at fault as it is,
// two spaces in it too, in check's line and the report's cell; a key
// holding an Excel error value in two rows is that problem alone in each,
// not also an earlier row's key.
func TestProblemTextAsItIs(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.xlsx, key: id}`),
		"body.txt": "Hi {{.name}}\n",
	})
	writeBytes(t, filepath.Join(dir, "r.xlsx"), xlsxWithSheetData(t,
		xrow(1, "id", "email", "name"),
		xrow(2, "A2&1=>#N/A", "ann@example.com", "Ann"),
		xrow(3, "A3&1=>#N/A", "bob@example.com", "Bob"),
		xrow(4, "7", "cid  x@example.com", "Cid"),
	))
	camp := filepath.Join(dir, "c.yaml")
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitSomeFailed || !strings.Contains(out, `"cid  x@example.com"`) || strings.Count(out, "row 3, column") != 1 || strings.Contains(out, "the key of an earlier row") {
		t.Errorf("check: code %d\n%s%s", code, out, errOut)
	}
	if _, _, code := runCLI(t, "send", "--yes", "--skip-invalid", camp); code != exitSomeFailed {
		t.Fatalf("send: code %d", code)
	}
	for _, r := range readReport(t, camp) {
		if r["row"] == "4" && !strings.Contains(r["detail"], `"cid  x@example.com"`) {
			t.Errorf("report detail of row 4: %q", r["detail"])
		}
	}
}

// mergedWorkbook writes dir/r.xlsx with excelize: three recipients of one
// department whose manager cell D2:D4 is merged, a notes column (E) no
// template of the tests reads, and the ranges merges besides.
func mergedWorkbook(t *testing.T, dir string, merges ...string) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"id", "email", "name", "manager", "notes"},
		{"1", "li.na@example.cn", "Li Na", "dept.mgr@example.cn", "Q3 block"},
		{"2", "wang.wei@example.cn", "Wang Wei"},
		{"3", "zhang.min@example.cn", "Zhang Min"},
	}
	for i, r := range rows {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range append([]string{"D2:D4"}, merges...) {
		from, to, _ := strings.Cut(m, ":")
		if err := f.MergeCell("Sheet1", from, to); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(filepath.Join(dir, "r.xlsx")); err != nil {
		t.Fatal(err)
	}
}

// TestMergedCcCell: a manager's cell merged over a block of rows gives
// every row of the block its Cc, with a warning naming the range; the
// email column merged is a problem of each row it would give an address.
func TestMergedCcCell(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.xlsx, key: id}`, `cc: '{{.manager}}'`),
		"body.txt": "Hi {{.name}}\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	mergedWorkbook(t, dir, "B3:B4")
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitSomeFailed || !strings.Contains(out, `r.xlsx: row 4, column "email": cells B3:B4 are merged, so this row would take row 3's address: unmerge them and write each row's own address in its cell`) {
		t.Errorf("check, email merged: code %d\n%s%s", code, out, errOut)
	}
	mergedWorkbook(t, dir, "A3:A4")
	out, errOut, code = runCLI(t, "check", camp)
	if code != exitSomeFailed || !strings.Contains(out, `row 4, column "id": cells A3:A4 are merged, so this row would take row 3's key`) ||
		strings.Contains(out, "duplicates: first") { // the merge is why the key repeats: no advice on duplicates
		t.Errorf("check, key merged: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed || !strings.Contains(out+errOut, "cells A3:A4 are merged") || strings.Contains(out+errOut, "duplicates: first") {
		t.Errorf("send, key merged: code %d\n%s%s", code, out, errOut)
	}
	mergedWorkbook(t, dir)
	warn := `r.xlsx: sheet "Sheet1": cells D2:D4 are merged: rows 2–4 each take its value`
	if out, errOut, code := runCLI(t, "check", camp); code != exitOK || !strings.Contains(out+errOut, warn) {
		t.Errorf("check: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || srv.Received("dept.mgr@example.cn") != 3 {
		t.Errorf("send: code %d, the manager got %d\n%s%s", code, srv.Received("dept.mgr@example.cn"), out, errOut)
	}
}

// TestMergedCellsUnread: a merged range warns only in a column the
// campaign reads (the manager's, when the Cc reads it); one in a notes
// column, or in the manager's when no template names it, changes no
// message and says nothing.
func TestMergedCellsUnread(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	mergedWorkbook(t, dir, "E2:E4")
	camp := filepath.Join(dir, "c.yaml")
	manager, notes := `cells D2:D4 are merged`, `cells E2:E4 are merged`
	for _, tc := range []struct {
		cc          string
		wantManager bool
	}{{`cc: '{{.manager}}'`, true}, {`cc: ''`, false}} {
		writeFiles(t, dir, map[string]string{
			"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.xlsx, key: id}`, tc.cc),
			"body.txt": "Hi {{.name}}\n",
		})
		for _, cmd := range []string{"check", "preview"} {
			out, errOut, code := runCLI(t, cmd, camp)
			if code != exitOK || strings.Contains(out+errOut, manager) != tc.wantManager || strings.Contains(out+errOut, notes) {
				t.Errorf("%s with %s: code %d; want the manager's range named %v, the notes' not\n%s%s", cmd, tc.cc, code, tc.wantManager, out, errOut)
			}
		}
	}
}

// TestDateCellWithWeekday: date cells shown with their weekday (a
// Chinese long date with dddd, Windows' system long date [$-F800]) are
// read by date.
func TestDateCellWithWeekday(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	f := excelize.NewFile()
	defer f.Close()
	day := time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC)
	for cell, v := range map[string]any{"A1": "email", "B1": "name", "C1": "zh", "D1": "long", "A2": "ann@example.com", "B2": "Ann", "C2": day, "D2": day} {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	for cell, code := range map[string]string{"C2": `[$-804]yyyy"年"m"月"d"日" dddd`, "D2": `[$-F800]dddd, mmmm dd, yyyy`} {
		st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetCellStyle("Sheet1", cell, cell, st); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(filepath.Join(dir, "r.xlsx")); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.xlsx}`),
		"body.txt": "zh {{date \"iso\" .zh}}\n{{.long}} is {{date \"iso\" .long}}.\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitOK || len(srv.Messages()) != 1 || !bytes.Contains(srv.Messages()[0].Data, []byte("zh 2026-03-05\r\nThursday, March 05, 2026 is 2026-03-05.")) {
		t.Errorf("send: code %d\n%s%s", code, out, errOut)
	}
}

// TestDateTypedAsTextWarned: a date typed as text ("1/15/2027") among a
// workbook column's dates (shown "15 January 2027") went out as typed
// and nothing was said (user review). check, preview and send warn once,
// naming the cell, its row and column; the message still goes, as typed.
func TestDateTypedAsTextWarned(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	f := excelize.NewFile()
	code := "d mmmm yyyy"
	st, err := f.NewStyle(&excelize.Style{CustomNumFmt: &code})
	if err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetRow("Sheet1", "A1", &[]any{"email", "name", "plan", "city", "due"}))
	for r := 2; r <= 5; r++ {
		must(f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", r), &[]any{fmt.Sprintf("p%d@example.com", r), "Ann", "Pro", "Köln"}))
		cell := fmt.Sprintf("E%d", r)
		if r == 4 {
			must(f.SetCellValue("Sheet1", cell, "1/15/2027"))
			continue
		}
		must(f.SetCellValue("Sheet1", cell, 46402.0))
		must(f.SetCellStyle("Sheet1", cell, cell, st))
	}
	must(f.SaveAs(filepath.Join(dir, "r.xlsx")))
	f.Close()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.xlsx, dates: day-first}`),
		"body.txt": "Pay by {{.due}}.\n",
	})
	const warning = `warning: r.xlsx: sheet "Sheet1": cell E4 (row 4): a date typed as text ("1/15/2027") in column "due", whose other cells are dates shown as "d mmmm yyyy": it goes as typed; type it as a date in Excel, or format the column as text`
	camp := filepath.Join(dir, "c.yaml")
	for _, args := range [][]string{{"check"}, {"preview"}, {"send", "--yes"}} {
		out, errOut, code := runCLI(t, append(args, camp)...)
		if code != exitOK || strings.Count(out, warning) != 1 || strings.Count(out, "typed as text") != 1 {
			t.Errorf("%v: code %d, want the warning once:\n%s---\n%s", args, code, out, errOut)
		}
	}
	var all []byte
	for _, m := range srv.Messages() {
		all = append(all, m.Data...)
	}
	if n := len(srv.Messages()); n != 4 || bytes.Count(all, []byte("Pay by 1/15/2027.")) != 1 || bytes.Count(all, []byte("Pay by 15 January 2027.")) != 3 {
		t.Errorf("send: %d messages, want 4, one with the date as typed", n)
	}
}
