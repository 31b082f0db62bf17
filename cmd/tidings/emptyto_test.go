package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestEmptyNameAndEmailNamesEmailColumn: a totals row at the foot of an
// exported sheet ("Summe", no name, no address) is a problem of its row
// naming the address's column, for a to of {{address .name .email}} as for
// one of {{address (index . "Name") (index . "E-Mail")}}: it named no column
// when both were empty.
func TestEmptyNameAndEmailNamesEmailColumn(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ to, header, want string }{
		{`'{{address .name .email}}'`, "invoice,name,email", `row 3, column "email"`},
		{`'{{address (index . "Name") (index . "E-Mail")}}'`, "invoice,Name,E-Mail", `row 3, column "E-Mail"`},
		{`'{{address .Name .E_Mail}}'`, "invoice,Name,E-Mail", `row 3, column "E-Mail"`},
	} {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{
			"c.yaml":   campaignYAML(1, `recipients: {path: r.csv, key: invoice}`, "to: "+c.to, `subject: "Rechnung {{.invoice}}"`),
			"body.txt": "Rechnung {{.invoice}}\n",
			"r.csv":    c.header + "\nK1001,Ann,ann@example.com\nSumme,,\n",
		})
		out, errOut, code := runCLI(t, "check", filepath.Join(dir, "c.yaml"))
		if code != exitSomeFailed || !strings.Contains(out, c.want) {
			t.Errorf("to %s: check: code %d, want %d naming %s:\n%s%s", c.to, code, exitSomeFailed, c.want, out, errOut)
		}
	}
}
