package main

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestTurkishSheetDeclaredWestern: a Turkish sheet (windows-1254) under a
// campaign file declaring windows-1252 passed check and sent "ÞÜKRÜ
// ÇAÐLAR"; check now refuses the rows windows-1252 reads with a sign no
// Icelandic or Faroese name has, naming windows-1254 and its reading,
// and send stops before anything goes. An Icelandic sheet declared so
// checks clean.
func TestTurkishSheetDeclaredWestern(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `recipients: {path: r.csv, encoding: windows-1252}`),
		"is.yaml":  campaignYAML(srv.Port, `recipients: {path: is.csv, encoding: windows-1252}`),
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    mustEncode(charmap.Windows1254, "email,name\r\nsukru@example.com.tr,ŞÜKRÜ ÇAĞLAR\r\nisik@example.com.tr,Işık Ağaoğlu\r\n"),
		"is.csv":   mustEncode(charmap.Windows1252, "email,name\r\nthordur@example.is,Þórður Guðjónsson\r\nyr@example.is,Ýr Eyþórsdóttir\r\nhafn@example.is,Hafnarfjörður\r\n"),
	})
	out, errOut, code := runCLI(t, "check", filepath.Join(dir, "c.yaml"))
	all := out + errOut
	if code == 0 || !strings.Contains(out, "2 recipients, 0 ready, 2 with problems") {
		t.Errorf("check: code %d, want the 2 rows refused\n%s", code, all)
	}
	for _, want := range []string{
		`r.csv: row 2, column "name": `, `which reads this as "ÞÜKRÜ ÇAÐLAR"`,
		`r.csv: row 3, column "name": `, "set `encoding: windows-1254`",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("check does not say %q:\n%s", want, all)
		}
	}
	if out, errOut, code = runCLI(t, "send", "--yes", filepath.Join(dir, "c.yaml")); code == 0 || len(srv.Messages()) != 0 {
		t.Errorf("send: code %d, %d messages sent, want none\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	if out, errOut, code = runCLI(t, "check", filepath.Join(dir, "is.yaml")); code != 0 {
		t.Errorf("check of the Icelandic sheet: code %d\n%s%s", code, out, errOut)
	}
}
