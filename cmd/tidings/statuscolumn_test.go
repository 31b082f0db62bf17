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

// TestStatusColumnWarnedByCommands: a listmonk export's blocklisted rows
// went out with the rest without a word; check, preview, send and a test
// send now warn of them once the sheet is read, naming the file, the
// column and the rows (campaign's TestStatusColumnWarned holds the words).
// Each command runs on a campaign of its own: a send that takes the
// messages an earlier run spooled is TestSheetWarningsReusedSpool's.
func TestStatusColumnWarnedByCommands(t *testing.T) {
	srv := smtptest.NewServer(t)
	want := `warning: r.csv: column "status" says "blocklisted" in 1 row (3): tidings reads no status column`
	for _, args := range [][]string{{"check"}, {"preview"}, {"send", "--yes"}, {"send", "--yes", "--test", "me@example.org"}} {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{
			"c.yaml":   campaignYAML(srv.Port),
			"body.txt": "Hi {{.name}}\n",
			"r.csv":    "email,name,attributes,status\nann@example.com,Ann,\"{\"\"plan\"\": \"\"gold\"\"}\",enabled\nbob@example.com,Bob,{},blocklisted\n",
		})
		out, errOut, _ := runCLI(t, append(args, filepath.Join(dir, "c.yaml"))...)
		if !strings.Contains(out, want) {
			t.Errorf("%v: want %q:\n%s---\n%s", args, want, out, errOut)
		}
	}
}

// TestSheetWarningsReusedSpool: a send going on from the messages a test
// send spooled within the hour read no row of the sheet (or only up to
// its last row to send), so it said nothing of the status column's
// blocklisted rows, counted once the sheet is read to its end, nor of a
// workbook's hidden rows past the last row it sends (a suppressed one),
// which the test send had told (rev-user16's listmonk export); it tells them now, once, as
// the spool kept them, and a send from the spool after it too.
func TestSheetWarningsReusedSpool(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	const status = `warning: r.csv: column "status" says "blocklisted" in 2 rows (3, 5): tidings reads no status column`
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port),
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    "email,name ,status\nann@example.com,Ann,enabled\nbob@example.com,Bob,blocklisted\ncy@example.com,Cy,enabled\ndi@example.com,Di,blocklisted\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	for _, args := range [][]string{{"--test", "me@example.org"}, {"--yes", "--limit", "1"}, {"--yes"}} {
		out, errOut, _ := runCLI(t, append(append([]string{"send"}, args...), camp)...)
		if args[0] != "--test" && !strings.Contains(out, "made by an earlier run and used again") {
			t.Errorf("send %v: the test send's spool not used again\n%s---\n%s", args, out, errOut)
		}
		for _, want := range []string{status, `warning: r.csv: header "name " (column B) has white space around it`} {
			if strings.Count(out, want) != 1 {
				t.Errorf("send %v: want %q once:\n%s---\n%s", args, want, out, errOut)
			}
		}
	}

	const hidden = `warning: r.xlsx: sheet "Sheet1" has hidden rows (row 4 is the first); they are recipients too`
	dir = t.TempDir()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range [][]any{{"email", "name"}, {"ann@example.com", "Ann"}, {"bob@example.com", "Bob"}, {"cy@example.com", "Cy"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SetRowVisible("Sheet1", 4, false); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "r.xlsx"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{ // the hidden row suppressed: the last row to send is before it
		"c.yaml":   campaignYAML(srv.Port, "recipients: {path: r.xlsx}", "suppress: s.txt"),
		"body.txt": "Hi {{.name}}\n", "s.txt": "cy@example.com\n",
	})
	camp = filepath.Join(dir, "c.yaml")
	for _, args := range [][]string{{"--test", "me@example.org"}, {"--yes"}} {
		out, errOut, _ := runCLI(t, append(append([]string{"send"}, args...), camp)...)
		if strings.Count(out, hidden) != 1 || args[0] != "--test" && !strings.Contains(out, "used again") {
			t.Errorf("send %v: want %q once, from the test send's spool:\n%s---\n%s", args, hidden, out, errOut)
		}
	}
}

// TestStatusColumnSuppressedQuiet: once the blocklisted rows are in the
// campaign's suppress: file, as the warning says, check no longer warns
// of them (it did at every command); the rows are skipped as suppressed.
func TestStatusColumnSuppressedQuiet(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":         campaignYAML(1, "suppress: suppressed.txt"),
		"body.txt":       "Hi {{.name}}\n",
		"r.csv":          "email,name,status\nann@example.com,Ann,enabled\nbob@example.com,Bob,blocklisted\n",
		"suppressed.txt": "bob@example.com # blocklisted in listmonk\n",
	})
	out, errOut, _ := runCLI(t, "check", filepath.Join(dir, "c.yaml"))
	if strings.Contains(out, `column "status"`) || !strings.Contains(out, "send will skip 1 suppressed") {
		t.Errorf("check: want no status warning and the row skipped as suppressed:\n%s---\n%s", out, errOut)
	}
}
