package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestEveryFailingCallOfARow: a body with two number calls whose cells
// are both bad in one row has check and send name both at once, each on
// a line of its own; send delivers nothing while the row has them, and
// with --skip-invalid sends the other rows, the bad row's report detail
// naming both.
func TestEveryFailingCallOfARow(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port),
		"body.txt": "Hallo {{.name}},\nIhr Rabatt: {{number 1 .Rabatt}} %\nIhr Betrag: {{number 2 .Betrag}} EUR\n",
		"r.csv":    "email,name,Rabatt,Betrag\nann@example.com,Ann,10,12.5\nbob@example.com,Bob,zehn,12x\ncy@example.com,Cy,5,3\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	rabatt, betrag := `r.csv: row 3, column "Rabatt"`, `r.csv: row 3, column "Betrag"`
	both := func(what, out string) {
		t.Helper()
		i, j := strings.Index(out, rabatt), strings.Index(out, betrag)
		if i < 0 || j < i || !strings.Contains(out, `number: cannot read "zehn"`) || !strings.Contains(out, `number: cannot read "12x"`) {
			t.Errorf("%s does not name Rabatt, then Betrag, of row 3:\n%s", what, out)
		}
	}

	out, errOut, code := runCLI(t, "check", camp)
	t.Logf("check:\n%s%s", out, errOut)
	if code != exitSomeFailed || !strings.Contains(out, "3 recipients, 2 ready, 1 with problems") {
		t.Errorf("check: code %d, want %d and one row with problems\n%s%s", code, exitSomeFailed, out, errOut)
	}
	both("check", out+errOut)
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, rabatt) && strings.Contains(line, betrag) {
			t.Errorf("check names both problems on one line: %s", line)
		}
	}

	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed {
		t.Errorf("send: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	both("send", out+errOut)
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("send delivered %d messages while row 3 has problems; want none", n)
	}

	out, errOut, code = runCLI(t, "send", "--yes", "--skip-invalid", camp)
	if code != exitSomeFailed {
		t.Errorf("send --skip-invalid: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	if srv.Received("ann@example.com") != 1 || srv.Received("cy@example.com") != 1 || srv.Received("bob@example.com") != 0 {
		t.Errorf("--skip-invalid delivered %d messages; want one each to ann and cy, none to bob", len(srv.Messages()))
	}
	for _, m := range srv.Messages() {
		if bytes.Contains(m.Data, []byte("\x00")) || bytes.Contains(m.Data, []byte("failed")) {
			t.Errorf("a message holds a placeholder:\n%s", m.Data)
		}
	}
	for _, r := range readReport(t, camp) {
		if r["row"] == "3" {
			if r["status"] != "invalid" {
				t.Errorf("row 3 is %q, want invalid", r["status"])
			}
			both("row 3's report detail", r["detail"])
		}
	}
}
