package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
	"golang.org/x/text/encoding/charmap"
)

// The tests in this file cover a sheet made from a UTF-8 CSV that Excel or
// LibreOffice imported as Windows-1252 (their default on a Western
// European machine), then saved: every "ü" is "Ã¼" in the workbook. check
// said nothing and send delivered "Dear JÃ¼rgen GroÃŸ" to every client.

// TestGarbledNameIsRowProblem: a name read by to and subject that is UTF-8
// garbled so is a problem of its row naming the column and the text it
// was; send delivers nothing. A name written right ("Müller") and a name
// in a script Windows-1252 cannot hold are fine.
func TestGarbledNameIsRowProblem(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.xlsx}`),
		"body.txt": "Hallo {{.name}}\n",
	})
	writeBytes(t, filepath.Join(dir, "r.xlsx"), xlsxWithSheetData(t,
		xrow(1, "email", "name"),
		xrow(2, "ann@example.com", "Anna Müller"),
		xrow(3, "juergen@example.com", "JÃ¼rgen GroÃŸ"),
		xrow(4, "li@example.com", "李雷"),
	))
	camp := filepath.Join(dir, "c.yaml")

	out, errOut, code := runCLI(t, "check", camp)
	t.Logf("check:\n%s%s", out, errOut)
	if code != exitSomeFailed {
		t.Errorf("check: code %d, want %d", code, exitSomeFailed)
	}
	for _, s := range []string{`r.xlsx: row 3, column "name"`, `"Jürgen Groß"`, "3 recipients, 2 ready, 1 with problems"} {
		if !strings.Contains(out, s) {
			t.Errorf("check output lacks %q", s)
		}
	}

	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed {
		t.Errorf("send: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	for _, m := range srv.Messages() {
		if bytes.Contains(m.Data, []byte("J=C3=83=C2=BCrgen")) || bytes.Contains(m.Data, []byte("Ã")) {
			t.Errorf("a garbled name went out:\n%s", m.Data)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("send delivered %d messages while a row is garbled; want none", n)
	}
}

// TestGarbledHeaderNamed: a template naming the column "Fällig", whose
// header the import garbled into "FÃ¤llig", is told that the header is
// garbled, not advised to write {{.FÃ_llig}}.
func TestGarbledHeaderNamed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(1, `recipients: {path: r.xlsx}`),
		"body.txt": "Fällig am {{.Fällig}}\n",
	})
	writeBytes(t, filepath.Join(dir, "r.xlsx"), xlsxWithSheetData(t,
		xrow(1, "email", "name", "FÃ¤llig"),
		xrow(2, "ann@example.com", "Ann", "15.12.2026"),
	))
	out, errOut, code := runCLI(t, "check", filepath.Join(dir, "c.yaml"))
	t.Logf("check:\n%s%s", out, errOut)
	if code != exitUnusable {
		t.Errorf("check: code %d, want %d", code, exitUnusable)
	}
	if !strings.Contains(errOut, `column "FÃ¤llig" is "Fällig" garbled`) || strings.Contains(errOut, "did you mean {{.FÃ_llig}}") {
		t.Errorf("check does not say the header is garbled, or suggests writing it so:\n%s", errOut)
	}
}

// TestMisreadHeaderNamed: a Turkish sheet (windows-1254) under a declared
// windows-1252 reads its header "Sınıf" as "Sýnýf"; a template naming
// {{.Sınıf}}, and recipients.key naming "Öğrenci No", are told the code
// page to declare, not advised to write the header misread.
func TestMisreadHeaderNamed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	sheet, err := charmap.Windows1254.NewEncoder().String("Öğrenci No,email,name,Sınıf\n7,ayse@example.com,Ayşe,9-A\n")
	if err != nil {
		t.Fatal(err)
	}
	writeBytes(t, filepath.Join(dir, "r.csv"), []byte(sheet))
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(1, `recipients: {path: r.csv, encoding: windows-1252}`),
		"key.yaml": campaignYAML(1, `recipients: {path: r.csv, encoding: windows-1252, key: "Öğrenci No"}`),
		"body.txt": "Sınıf: {{.Sınıf}}\n",
	})
	for _, c := range []struct{ file, misread, wrong string }{
		{"c.yaml", `header "Sýnýf" is "Sınıf" read in windows-1252`, "did you mean {{.Sýnýf}}"},
		{"key.yaml", `header "Öðrenci No" is "Öğrenci No" read in windows-1252`, "did you mean recipients.key"},
	} {
		_, errOut, code := runCLI(t, "check", filepath.Join(dir, c.file))
		t.Logf("check %s:\n%s", c.file, errOut)
		if code != exitUnusable {
			t.Errorf("check %s: code %d, want %d", c.file, code, exitUnusable)
		}
		if !strings.Contains(errOut, c.misread) || !strings.Contains(errOut, "set `encoding: windows-1254`") || strings.Contains(errOut, c.wrong) {
			t.Errorf("check %s does not name the code page to declare, or suggests the misread header:\n%s", c.file, errOut)
		}
	}
}
