package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// paddedCampaign writes a club's invoice campaign into a new folder: the
// subject and body.txt print Vorname and Nachname as they are (or
// trimmed, with trim), body.html has Kunde only in a link and Notiz only
// in an {{if}}; sheet names the recipients file written besides.
func paddedCampaign(t *testing.T, port int, sheet string, trim bool) string {
	t.Helper()
	dir := t.TempDir()
	vorname := "{{.Vorname}}"
	if trim {
		vorname = "{{trim .Vorname}}"
	}
	writeFiles(t, dir, map[string]string{
		"c.yaml": fmt.Sprintf(`name: beitrag
from: "Kasse <kasse@example.com>"
to: '{{.email}}'
subject: "Rechnung für %s {{.Nachname}}"
text: body.txt
html: body.html
recipients: {path: %s}
smtp: {host: 127.0.0.1, port: %d, security: none}
send: {concurrency: 2, retry_backoff: 1ms}
`, vorname, sheet, port),
		"body.txt":  "Liebe/r " + strings.Replace(vorname, "trim .Vorname", ".Vorname | trim", 1) + " {{.Nachname}},\n{{if .Notiz}}Notiz{{end}}\n",
		"body.html": "<p><a href=\"https://verein.example/konto/{{.Kunde}}\">Ihr Konto</a>{{if .Notiz}} Notiz{{end}}</p>\n",
	})
	return filepath.Join(dir, "c.yaml")
}

// paddedRows are the sheet's rows: Vorname with two trailing spaces, a
// leading one, a trailing no-break space (a copy from a web page), one
// clean and one blank; Notiz and Kunde, padded too, are printed only in
// an {{if}} test and a link.
var paddedRows = [][]string{
	{"email", "Vorname", "Nachname", "Notiz", "Kunde"},
	{"a@example.com", "Ölfa  ", "Müller", " x ", " 7 "},
	{"b@example.com", " Anna", "Lee", "", "8"},
	{"c@example.com", "Bert\u00a0", "Kay", "", "9 "},
	{"d@example.com", "Carl", "Day", "", "10"},
	{"e@example.com", "", "Eck", "", "11"},
}

// paddedBlank is the blank-cell warning of paddedRows' row 6, in words
// that do not change.
const paddedBlank = `r.csv: column "Vorname" is empty in row 6, which the subject and body.txt print as it is (a reader sees "Rechnung für  …"): fill it in, or print it within {{if .Vorname}}…{{end}}`

// TestPaddedCellWarned: a treasurer's sheet (from Excel) with "Ölfa  "
// and " Anna" sent "Rechnung für Ölfa   Müller" and "Liebe/r  Anna Lee,",
// and neither check, preview nor send said so: values go out as the
// sheet holds them. check, preview, send --test and send now warn once
// for the column, naming the sheet, the rows, where it is printed, what
// a reader sees and what to do; Notiz, only tested by an {{if}}, and
// Kunde, only in a link, are not named; the blank cell's warning is as
// it was, and every row still goes.
func TestPaddedCellWarned(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := paddedCampaign(t, srv.Port, "r.csv", false)
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": csvText(paddedRows...)})
	const want = `r.csv: column "Vorname" has spaces before or after its text in 3 rows (2, 3, 4), which the subject and body.txt print as it is (a reader sees "Rechnung für Ölfa   …"): take the spaces out of the cells, or print it as {{trim .Vorname}}`
	for _, args := range [][]string{
		{"check", camp},
		{"preview", "-o", filepath.Join(t.TempDir(), "pv"), camp},
		{"send", "--test", "me@example.com", camp},
		{"send", "--yes", camp},
	} {
		out, errOut, code := runCLI(t, args...)
		if code != exitOK || strings.Count(out, want) != 1 || strings.Count(out, paddedBlank) != 1 ||
			strings.Contains(out, `column "Notiz"`) || strings.Contains(out, `column "Kunde"`) {
			t.Errorf("%s: %d, want once:\n%s\nand\n%s\ngot:\n%s%s", args[0], code, want, paddedBlank, out, errOut)
		}
	}
	if n := len(srv.Messages()); n != 3+5 {
		t.Errorf("%d messages, want 3 test messages (a sample) and 5", n)
	}
}

// TestPaddedCellWarnedXLSX: the same of a workbook, whose first padded
// cell ends in a no-break space, which Excel's TRIM leaves: the warning
// shows it as \u00a0 and says what that is. A cell ending in an
// ideographic space U+3000 counts too; two spaces within a value do not.
func TestPaddedCellWarnedXLSX(t *testing.T) {
	t.Parallel()
	camp := paddedCampaign(t, 2525, "r.xlsx", false)
	rows := [][]any{
		{"email", "Vorname", "Nachname", "Notiz", "Kunde"},
		{"a@example.com", "Bert\u00a0", "Kay", " x ", " 7 "},
		{"b@example.com", "Anna  Maria", "Lee", "", "8"},
		{"c@example.com", "美咲\u3000", "Mori", "", "9"},
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.xlsx": string(xlsxBytes(t, rows...))})
	const want = `r.xlsx: column "Vorname" has spaces before or after its text in 2 rows (2, 4), which the subject and body.txt print as it is (a reader sees "Rechnung für Bert\u00a0 …"; \u00a0 is a no-break space, which a copy from a web page brings and Excel's TRIM leaves): take the spaces out of the cells, or print it as {{trim .Vorname}}`
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitOK || strings.Count(out, want) != 1 || strings.Contains(out, `column "Notiz"`) || strings.Contains(out, `column "Kunde"`) {
		t.Errorf("check: %d, want once:\n%s\ngot:\n%s%s", code, want, out, errOut)
	}
}

// TestPaddedCellTrimmed: a subject and body that print Vorname with trim
// ({{trim .Vorname}}, {{.Vorname | trim}}) give no warning of its
// spaces; its blank cell is still warned of.
func TestPaddedCellTrimmed(t *testing.T) {
	t.Parallel()
	camp := paddedCampaign(t, 2525, "r.csv", true)
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": csvText(paddedRows...)})
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitOK || strings.Contains(out, "spaces before or after") || !strings.Contains(out, `column "Vorname" is empty in row 6`) {
		t.Errorf("check: %d, want no warning of spaces, one of the blank cell\n%s%s", code, out, errOut)
	}
}

// TestSpaceNames: each white space the warning's quotes show as an
// escape is named once, in the order the line holds them, one without
// words of its own (a narrow no-break space, U+202F) as a space too;
// an ordinary space and a line without escapes give none.
func TestSpaceNames(t *testing.T) {
	for seen, want := range map[string]string{
		"Rechnung für Emil\u202f …":   `\u202f is a space too, Unicode's U+202F`,
		"Hallo Anna\u00a0\t, \u00a0x": `\u00a0 is a no-break space, which a copy from a web page brings and Excel's TRIM leaves; \t is a tab`,
		"Hallo 美咲\u3000,":             `\u3000 is the full-width space of Chinese and Japanese text`,
		"Hallo Anna\n,":               `\n is a line break in the cell`,
		"Hallo  Anna,":                "",
	} {
		if got := spaceNames(seen); got != want {
			t.Errorf("spaceNames(%q) = %q, want %q", seen, got, want)
		}
	}
}
