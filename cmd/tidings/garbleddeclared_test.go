package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestGarbledUnderDeclaredCodePage: a "CSV UTF-8" sheet under a campaign
// file declaring windows-1257, its first letter beyond ASCII past the
// file's first 16 KB ("Paweł", which windows-1257 reads "PaweÅ‚" as
// Windows-1252 would), was told it "was made from a UTF-8 CSV opened as
// Windows-1252"; the problem names the code page declared, as written,
// and the setting to take out.
func TestGarbledUnderDeclaredCodePage(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	var sheet strings.Builder
	sheet.WriteString("email,name\r\n")
	for i := range 1000 {
		fmt.Fprintf(&sheet, "p%d@example.com,Person %d\r\n", i, i)
	}
	sheet.WriteString("pawel@example.pl,Paweł Nowak\r\n")
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.csv, encoding: cp1257}`),
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    sheet.String(),
	})
	out, errOut, code := runCLI(t, "check", filepath.Join(dir, "c.yaml"))
	all := out + errOut
	if code == 0 || !strings.Contains(out, "1 with problems") {
		t.Errorf("check: code %d, want the row refused\n%s", code, all)
	}
	for _, want := range []string{
		`r.csv: row 1002, column "name"`, `"PaweÅ‚ Nowak" is "Paweł Nowak" read in the wrong character set`,
		`the sheet holds UTF-8 text read as windows-1257, as recipients.encoding "cp1257" says`, "take `encoding: cp1257` out",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("check does not say %q:\n%.2000s", want, all)
		}
	}
	if strings.Contains(all, "opened as Windows-1252") {
		t.Errorf("check says the CSV was opened as Windows-1252:\n%.2000s", all)
	}
}

// TestGarbledHeaderUnderDeclaredCodePage: a Turkish sheet declared
// windows-1254 whose header "Fällig" was pasted in as UTF-8, which
// windows-1254 reads "FÃ¤llig" (the file's first 16 KB are no UTF-8, so
// the declared code page is not refused), and a template naming
// {{.Fällig}}: the hint named the CSV "opened as Windows-1252" whatever
// the sheet was (fix-text); it names the code page declared, as written,
// as a garbled cell's problem does.
func TestGarbledHeaderUnderDeclaredCodePage(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(1, `recipients: {path: r.csv, encoding: cp1254}`),
		"body.txt": "Fällig am {{.Fällig}}\n",
		"r.csv":    "email,name,F\xc3\xa4llig\r\nsahin@example.com,\xdeahin Y\xfdlmaz,15.12.2026\r\n",
	})
	out, errOut, code := runCLI(t, "check", filepath.Join(dir, "c.yaml"))
	all := out + errOut
	if code != exitUnusable {
		t.Errorf("check: code %d, want %d\n%s", code, exitUnusable, all)
	}
	for _, want := range []string{
		`column "FÃ¤llig" is "Fällig" garbled`, `the sheet holds UTF-8 text read as windows-1254, as recipients.encoding "cp1254" says`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("check does not say %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "Windows-1252") {
		t.Errorf("check names Windows-1252, which nothing here read:\n%s", all)
	}
}
