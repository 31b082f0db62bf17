package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestStatusColumnWarnedByCommands: a listmonk export's blocklisted rows
// went out with the rest without a word; check, preview, send and a test
// send now warn of them once the sheet is read, naming the file, the
// column and the rows (campaign's TestStatusColumnWarned holds the words).
// Each command runs on a campaign of its own: a send that takes the
// messages an earlier run spooled reads no row, and says nothing of the
// sheet, as of a workbook's hidden rows.
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
