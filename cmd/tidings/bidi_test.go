package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestDirectionControlsCheckAndSend: a sheet whose name cell carries a
// right-to-left override (a name that shows reversed) or an isolate it
// leaves open is refused by check, naming row, column and character; a
// zero-width space in a name and an embedding left open in the subject
// are warnings; Persian, Hebrew and Arabic names with their joiners,
// marks and closed isolates pass without one. send --skip-invalid
// delivers every row but the refused ones, the names as the sheet has
// them.
func TestDirectionControlsCheckAndSend(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `subject: "Hello {{.name}} from {{.company}}"`),
		"body.txt": "Hi\n",
		"r.csv": "email,name,company\n" +
			"ann@example.com,Ann,Acme\n" +
			"rlo@example.com,Ann \u202eevil,Acme\n" +
			"zw@example.com,Bob\u200bSmith,Acme\n" +
			"fa@example.com,مریم\u200cخانی,کتاب\u200cخانه\n" +
			"he@example.com,דוד\u200f כהן,\u2067شركة\u2069 Ltd\n" +
			"rli@example.com,\u2067Eve,Acme\n" +
			"sub@example.com,Cy,\u202bAcme\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	out, errOut, code := runCLI(t, "check", camp)
	all := out + errOut
	if code != exitSomeFailed || !strings.Contains(out, "7 recipients, 5 ready, 2 with problems") {
		t.Errorf("check: code %d, want %d and 2 rows with problems\n%s", code, exitSomeFailed, all)
	}
	for _, want := range []string{
		`r.csv: row 3, column "name": `, "a right-to-left override, U+202E, at character 5: it shows the text after it reversed",
		`r.csv: row 7, column "name": `, "a right-to-left isolate, U+2067, at character 1, not closed in the cell",
		`r.csv: row 4: column "name" (in to) holds a zero-width space, U+200B, at character 4`,
		`r.csv: row 8: column "company" (in subject) holds a right-to-left embedding, U+202B, at character 1, not closed in the cell`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("check does not say %q:\n%s", want, all)
		}
	}
	for _, quiet := range []string{"row 2", "row 5", "row 6"} {
		if strings.Contains(all, quiet+":") || strings.Contains(all, quiet+",") {
			t.Errorf("check says something of %s:\n%s", quiet, all)
		}
	}

	out, errOut, code = runCLI(t, "send", "--yes", "--skip-invalid", camp)
	if code != exitSomeFailed {
		t.Errorf("send --skip-invalid: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	if srv.Received("rlo@example.com") != 0 || srv.Received("rli@example.com") != 0 || len(srv.Messages()) != 5 {
		t.Errorf("send delivered %d messages (rlo: %d, rli: %d), want 5, none to the refused rows", len(srv.Messages()), srv.Received("rlo@example.com"), srv.Received("rli@example.com"))
	}
	for _, m := range srv.Messages() {
		if m.To[0] == "fa@example.com" {
			subject, to, _ := decodeMessage(t, m.Data)
			if to.Name != "مریم\u200cخانی" || subject != "Hello مریم\u200cخانی from کتاب\u200cخانه" {
				t.Errorf("the Persian row went out as %q, %q", to.Name, subject)
			}
		}
	}
}
