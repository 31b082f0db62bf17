package main

import (
	"path/filepath"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSuppressedSaysWhy: a row the suppression list names was told
// "bob@example.com is suppressed (bob@example.com)", the address twice
// and no reason, where the list's line says it bounced in last month's
// campaign (rev-user16, after tidings bounces); preview and send now give
// the line's comment, and a line without one reads as before.
func TestSuppressedSaysWhy(t *testing.T) {
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, "suppress: sup.txt"),
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    "email,name\nann@example.com,Ann\nbob@example.com,Bob\ncy@example.com,Cy\n",
		"sup.txt":  "bob@example.com  # bounced 5.1.1, tidings bounces, campaign dec, 2026-12-07\ncy@example.com\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	want := map[string]string{
		"bob@example.com": "bob@example.com is suppressed (bob@example.com: bounced 5.1.1, tidings bounces, campaign dec, 2026-12-07)",
		"cy@example.com":  "cy@example.com is suppressed (cy@example.com)",
	}
	if out, errOut, code := runCLI(t, "preview", camp); code != exitOK {
		t.Fatalf("preview: code %d\n%s%s", code, out, errOut)
	}
	for _, r := range readPreviewReport(t, filepath.Join(dir, ".tidings", "t", "preview")) {
		if w, ok := want[r["key"]]; ok && r["problem"] != w {
			t.Errorf("preview: %s: %q, want %q", r["key"], r["problem"], w)
		}
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	for _, r := range readReport(t, camp) {
		if w, ok := want[r["key"]]; ok && r["detail"] != w {
			t.Errorf("send: %s: %q, want %q", r["key"], r["detail"], w)
		}
	}
}
