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
