package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
	"github.com/xuri/excelize/v2"
)

// TestReminderOnlyBlank: a reminder over the club's workbook goes only to
// the members whose "Bezahlt" cell is still blank (recipients.only_blank),
// a cell holding a space among them; check, preview and send say which
// rows were left out and why; a member who pays before the next run is
// left out then, and the run sends nothing again; show --row of a row
// left out says why it has no message, not that the row is blank, and
// prints the message that went to one left out since.
// Without the setting there was no way to say it but a to: that came out
// empty, every paid member a problem and the send refused.
func TestReminderOnlyBlank(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	sheet := filepath.Join(dir, "mitglieder.xlsx")
	writeMembers(t, sheet, map[string]any{"C2": "03.02.2027", "C4": "ja", "C5": " "})
	writeFiles(t, dir, map[string]string{
		"c.yaml": campaignYAML(srv.Port,
			`recipients: {path: mitglieder.xlsx, sheet: Mitglieder, key: E-Mail, only_blank: [Bezahlt]}`,
			`to: '{{.E_Mail}}'`, `subject: "Erinnerung: Beitrag 2027, {{.Vorname}}"`),
		"body.txt": "Liebe/r {{.Vorname}}, bitte überweisen Sie den Beitrag.\n",
	})
	campaign := filepath.Join(dir, "c.yaml")
	const leftOut = `warning: mitglieder.xlsx: 2 rows left out, not recipients of this campaign (recipients.only_blank: [Bezahlt] takes the rows whose "Bezahlt" is blank): 2, 4`
	out, errOut, code := runCLI(t, "check", campaign)
	if code != exitOK || !strings.Contains(out, leftOut) || !strings.Contains(out, "t: 2 recipients, 2 ready, 0 with problems") {
		t.Fatalf("check: code %d, want %d, the rows left out and 2 ready:\n%s%s", code, exitOK, out, errOut)
	}
	out, errOut, code = runCLI(t, "send", "--yes", campaign)
	if code != exitOK || !strings.Contains(out, leftOut) {
		t.Fatalf("send: code %d, want %d naming the rows left out:\n%s%s", code, exitOK, out, errOut)
	}
	var got []string
	for _, m := range srv.Messages() {
		got = append(got, m.To...)
	}
	slices.Sort(got)
	if want := []string{"jo@example.de", "uwe@example.de"}; !slices.Equal(got, want) {
		t.Errorf("reminders went to %q, want %q (Bezahlt blank or a space)", got, want)
	}

	writeMembers(t, sheet, map[string]any{"C2": "03.02.2027", "C3": "ja", "C4": "ja", "C5": " "})
	out, errOut, code = runCLI(t, "send", "--yes", campaign)
	if code != exitOK || len(srv.Messages()) != 2 || !strings.Contains(out, "mitglieder.xlsx: 3 rows left out") {
		t.Errorf("send after row 3 paid: code %d, %d messages; want %d, the 2 sent before, 3 rows left out:\n%s%s", code, len(srv.Messages()), exitOK, out, errOut)
	}
	if out, errOut, code := runCLI(t, "report", campaign); code != exitOK {
		t.Errorf("report: code %d, want %d: a row sent and paid since is no row left unsent:\n%s%s", code, exitOK, out, errOut)
	}
	const why = `mitglieder.xlsx is no recipient of this campaign: recipients.only_blank takes the rows whose "Bezahlt" is blank, and its cell holds "ja"`
	if out, errOut, code := runCLI(t, "show", campaign, "--row", "4"); code != exitSomeFailed || !strings.Contains(errOut, why) {
		t.Errorf("show --row 4 (paid, never sent): code %d, want %d saying row 4 of %s:\n%s%s", code, exitSomeFailed, why, out, errOut)
	}
	// Row 3 paid after its reminder went: show prints what went to it,
	// saying it is left out now. It said only that it was no recipient.
	if out, errOut, code := runCLI(t, "show", campaign, "--row", "3"); code != exitOK || !strings.Contains(out, "To: jo@example.de") ||
		!strings.Contains(errOut, why+`; a message went to it before, shown below`) || strings.Contains(errOut, "no longer in the sheet") {
		t.Errorf("show --row 3 (sent, paid since): code %d, want %d, the message that went and why the row is left out now:\n%s%s", code, exitOK, out, errOut)
	}
}

// writeMembers writes a club's member workbook, its sheet "Mitglieder"
// with four members, and the Bezahlt cells paid gives.
func writeMembers(t *testing.T, path string, paid map[string]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Mitglieder"); err != nil {
		t.Fatal(err)
	}
	cells := map[string]any{
		"A1": "Vorname", "B1": "E-Mail", "C1": "Bezahlt",
		"A2": "Anna", "B2": "anna@example.de",
		"A3": "Jörg", "B3": "jo@example.de",
		"A4": "Käthe", "B4": "kaethe@example.de",
		"A5": "Uwe", "B5": "uwe@example.de",
	}
	for cell, v := range paid {
		cells[cell] = v
	}
	for cell, v := range cells {
		if err := f.SetCellValue("Mitglieder", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// TestReminderTestRowLeftOut: send --test --rows of a row the reminder
// leaves out (recipients.only_blank) says why it has no message, as show
// --row does, and a row past the sheet's last names the sheet's last row,
// not the last one chosen. It said "row 4 is not in mitglieder.xlsx (its
// last row is 3)" of a sheet of five rows. A row whose Bezahlt formula
// was never calculated is a problem, as in a real send, not a test
// message made as if the cell were blank.
func TestReminderTestRowLeftOut(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeMembers(t, filepath.Join(dir, "mitglieder.xlsx"), map[string]any{"C2": "03.02.2027", "C4": "ja", "C5": "ja"})
	writeFiles(t, dir, map[string]string{
		"c.yaml": campaignYAML(srv.Port,
			`recipients: {path: mitglieder.xlsx, sheet: Mitglieder, key: E-Mail, only_blank: [Bezahlt]}`,
			`to: '{{.E_Mail}}'`, `subject: "Erinnerung: Beitrag 2027, {{.Vorname}}"`),
		"body.txt": "Liebe/r {{.Vorname}}, bitte überweisen Sie den Beitrag.\n",
	})
	campaign := filepath.Join(dir, "c.yaml")
	uncalculated(t, filepath.Join(dir, "mitglieder.xlsx"), "C3", "VLOOKUP(B3,Zahlungen!A:B,2,FALSE)")
	for _, c := range []struct {
		rows string
		code int
		want string
	}{
		{"3", exitSomeFailed, `row 3, column "Bezahlt": campaign: cell C3 holds the formula =VLOOKUP(B3,Zahlungen!A:B,2,FALSE), never calculated`},
		{"4", exitUnusable, `mitglieder.xlsx is no recipient of this campaign: recipients.only_blank takes the rows whose "Bezahlt" is blank, and its cell holds "ja"`},
		{"7", exitUnusable, `mitglieder.xlsx (its last row is 5)`},
	} {
		out, errOut, code := runCLI(t, "send", "--yes", "--test", "me@example.com", "--rows", c.rows, campaign)
		if code != c.code || !strings.Contains(out+errOut, c.want) {
			t.Errorf("send --test --rows %s: code %d, want %d saying %s:\n%s%s", c.rows, code, c.code, c.want, out, errOut)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages sent", n)
	}
}

// uncalculated writes formula into cell of the workbook at path's sheet
// "Mitglieder" with no value saved, as a program that does not calculate
// leaves it.
func uncalculated(t *testing.T, path, cell, formula string) {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.SetCellFormula("Mitglieder", cell, formula); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
}

// TestReminderMergedPaid: a "Bezahlt" cell merged over the rows of a
// family who paid together gives each row its value, so each is left
// out; as for a column a template reads, check says the cells are merged
// and which rows take the value. It said nothing of it: only the rows
// left out were named, not why three rows took one cell.
func TestReminderMergedPaid(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	sheet := filepath.Join(dir, "mitglieder.xlsx")
	writeMembers(t, sheet, map[string]any{"C2": "ja"})
	f, err := excelize.OpenFile(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.MergeCell("Mitglieder", "C2", "C4"); err != nil {
		t.Fatal(err)
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	writeFiles(t, dir, map[string]string{
		"c.yaml": campaignYAML(srv.Port,
			`recipients: {path: mitglieder.xlsx, sheet: Mitglieder, key: E-Mail, only_blank: [Bezahlt]}`,
			`to: '{{.E_Mail}}'`, `subject: "Erinnerung: Beitrag 2027, {{.Vorname}}"`),
		"body.txt": "Liebe/r {{.Vorname}}, bitte überweisen Sie den Beitrag.\n",
	})
	out, errOut, code := runCLI(t, "check", filepath.Join(dir, "c.yaml"))
	const merged = `mitglieder.xlsx: sheet "Mitglieder": cells C2:C4 are merged: rows 2–4 each take its value`
	if code != exitOK || !strings.Contains(out+errOut, merged) || !strings.Contains(out+errOut, "3 rows left out") {
		t.Errorf("check: code %d, want %d saying %s:\n%s%s", code, exitOK, merged, out, errOut)
	}
}
