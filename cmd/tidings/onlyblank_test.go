package main

import (
	"encoding/json"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/report"
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
		{"3", exitSomeFailed, `row 3, column "Bezahlt": cell C3 holds the formula =VLOOKUP(B3,Zahlungen!A:B,2,FALSE), never calculated`},
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

// TestReminderLeftOutSentBefore: invoices went to every member; the next
// week the treasurer adds only_blank: [Bezahlt] to the same campaign and
// marks Anna and Kai paid (Kai's reply was lost: unknown), and sorts the
// sheet, which moves Anna to row 4. report and send list both at the rows
// they have now, as they went (sent, unknown), saying the selection left
// them out, which neither counts against the campaign; a member paid and
// never sent (Eva) has no line. They said "no longer in the sheet (the
// row number is the one it had)", at the row each had, and report.json
// marked them gone; show said the same of Anna.
func TestReminderLeftOutSentBefore(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.DropReply(func(_ smtptest.Session, m *smtptest.Message) bool {
		return m.To[0] == "kai@example.de"
	}))
	dir := t.TempDir()
	yaml := func(recipients string) map[string]string {
		return map[string]string{"c.yaml": campaignYAML(srv.Port, recipients, `to: '{{.email}}'`, `subject: "Rechnung {{.name}}"`, `send: {concurrency: 1, retries: 0}`)}
	}
	writeFiles(t, dir, yaml(`recipients: {path: r.csv, key: email}`))
	writeFiles(t, dir, map[string]string{
		"body.txt": "Liebe/r {{.name}}, anbei die Rechnung.\n",
		"r.csv":    "name,email,Bezahlt\nAnna,anna@example.de,\nJo,jo@example.de,\nUwe,uwe@example.de,\nKai,kai@example.de,\n",
	})
	campaign := filepath.Join(dir, "c.yaml")
	if out, errOut, code := runCLI(t, "send", "--yes", campaign); code != exitSomeFailed || !strings.Contains(out, "4 recipients: 3 sent, 1 unknown") {
		t.Fatalf("send: code %d, want %d, 3 sent and Kai unknown:\n%s%s", code, exitSomeFailed, out, errOut)
	}
	delivered := len(srv.Messages())
	writeFiles(t, dir, yaml(`recipients: {path: r.csv, key: email, only_blank: [Bezahlt]}`))
	writeFiles(t, dir, map[string]string{"r.csv": "name,email,Bezahlt\nJo,jo@example.de,\nUwe,uwe@example.de,\nAnna,anna@example.de,ja\nKai,kai@example.de,ja\nEva,eva@example.de,ja\n"})
	leftOut := `in the sheet, but left out now: recipients.only_blank takes the rows whose "Bezahlt" is blank, and its cell holds "ja"`
	for _, args := range [][]string{{"report", campaign}, {"send", "--yes", campaign}} {
		out, errOut, code := runCLI(t, args...)
		if code != exitOK || !strings.Contains(out, "4 recipients: 3 sent, 1 unknown") ||
			!strings.Contains(out, "1 of the unknown in the sheet, but left out now by recipients.only_blank or only_filled: no send tries them again") {
			t.Errorf("%s: code %d, want %d: Anna and Kai left out, Kai's unknown not counted against the campaign:\n%s%s", args[0], code, exitOK, out, errOut)
		}
		got := map[string]string{}
		for _, r := range readReport(t, campaign) {
			got[r["key"]] = r["row"] + " " + r["status"]
			if left := strings.HasSuffix(r["detail"], leftOut); left != (r["key"] == "anna@example.de" || r["key"] == "kai@example.de") || strings.Contains(r["detail"], report.GoneNote) {
				t.Errorf("%s: row %s (%s): detail %q", args[0], r["row"], r["key"], r["detail"])
			}
		}
		want := map[string]string{"jo@example.de": "2 sent", "uwe@example.de": "3 sent", "anna@example.de": "4 sent", "kai@example.de": "5 unknown"}
		if !maps.Equal(got, want) {
			t.Errorf("%s: report.csv rows %v, want %v", args[0], got, want)
		}
		var j struct {
			Summary struct {
				GoneUnknown    int `json:"gone_unknown"`
				LeftOutUnknown int `json:"left_out_unknown"`
			} `json:"summary"`
			Rows []struct {
				Key     string `json:"key"`
				Gone    bool   `json:"gone"`
				LeftOut bool   `json:"left_out"`
			} `json:"rows"`
		}
		if err := json.Unmarshal([]byte(readReportJSONRaw(t, campaign)), &j); err != nil {
			t.Fatal(err)
		}
		for _, r := range j.Rows {
			if r.Gone || r.LeftOut != (r.Key == "anna@example.de" || r.Key == "kai@example.de") {
				t.Errorf("%s: report.json: %s gone %v, left_out %v", args[0], r.Key, r.Gone, r.LeftOut)
			}
		}
		if j.Summary.GoneUnknown != 0 || j.Summary.LeftOutUnknown != 1 {
			t.Errorf("%s: report.json: gone_unknown %d, left_out_unknown %d; want 0, 1", args[0], j.Summary.GoneUnknown, j.Summary.LeftOutUnknown)
		}
		if page := readFile(t, filepath.Join(dir, ".tidings", "t", "report.html")); strings.Contains(page, "no longer in the sheet") || !strings.Contains(page, "left out now") {
			t.Errorf("%s: report.html says Anna or Kai are gone from the sheet, or not that they are left out", args[0])
		}
	}
	if n := len(srv.Messages()); n != delivered {
		t.Errorf("%d messages delivered after the second send, want %d: nothing sent to a row left out", n, delivered)
	}
	if out, errOut, code := runCLI(t, "show", campaign, "anna@example.de"); code != exitOK || !strings.Contains(out, "To: anna@example.de") ||
		!strings.Contains(errOut, "row 2 when sent ("+leftOut+"), anna@example.de: sent") {
		t.Errorf("show anna@example.de: code %d, want %d and the message, saying the row is left out now:\n%s%s", code, exitOK, out, errOut)
	}
}

// TestReminderUncalculatedSentBefore: invoices went to every member; then
// only_blank: [Bezahlt] is added and Jörg's Bezahlt cell holds a formula
// never calculated, which cannot tell whether his row is a recipient. His
// row is still his, and his invoice went: report and send list it as sent
// at row 3, and neither counts it against the campaign, as for any row
// sent before that has a problem now. Both said "row 3 invalid" with no
// key, and "jo@example.de sent … no longer in the sheet" beside it, and
// send refused to start (1 of 2 rows have problems), exit 1.
func TestReminderUncalculatedSentBefore(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	sheet := filepath.Join(dir, "mitglieder.xlsx")
	writeMembers(t, sheet, nil)
	yaml := func(selection string) map[string]string {
		return map[string]string{"c.yaml": campaignYAML(srv.Port,
			`recipients: {path: mitglieder.xlsx, sheet: Mitglieder, key: E-Mail`+selection+`}`,
			`to: '{{.E_Mail}}'`, `subject: "Rechnung {{.Vorname}}"`)}
	}
	writeFiles(t, dir, yaml(""))
	writeFiles(t, dir, map[string]string{"body.txt": "Liebe/r {{.Vorname}}, anbei die Rechnung.\n"})
	campaign := filepath.Join(dir, "c.yaml")
	if out, errOut, code := runCLI(t, "send", "--yes", campaign); code != exitOK {
		t.Fatalf("send: code %d, want %d:\n%s%s", code, exitOK, out, errOut)
	}
	writeFiles(t, dir, yaml(", only_blank: [Bezahlt]"))
	writeMembers(t, sheet, map[string]any{"C2": "ja"})
	uncalculated(t, sheet, "C3", "VLOOKUP(B3,Zahlungen!A:B,2,FALSE)")
	for _, args := range [][]string{{"report", campaign}, {"send", "--yes", campaign}} {
		out, errOut, code := runCLI(t, args...)
		if code != exitOK || !strings.Contains(out, "4 recipients: 4 sent") {
			t.Errorf("%s: code %d, want %d, 4 sent:\n%s%s", args[0], code, exitOK, out, errOut)
		}
		for _, r := range readReport(t, campaign) {
			if r["key"] == "jo@example.de" && (r["row"] != "3" || r["status"] != "sent" || strings.Contains(r["detail"], "no longer in the sheet")) || r["status"] != "sent" {
				t.Errorf("%s: report.csv row %s %q: %s, %q; want jo@example.de at row 3 sent, in the sheet", args[0], r["row"], r["key"], r["status"], r["detail"])
			}
		}
	}
	if n := len(srv.Messages()); n != 4 {
		t.Errorf("%d messages, want the 4 invoices only", n)
	}
}
