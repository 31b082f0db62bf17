package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRevisedAfterBouncesNoResendAdvice: a row whose message bounced
// (tidings bounces) and whose values changed since was told by check,
// preview and a plain send as "not sent again …; send --resend-changed
// sends it as it is now", which that send refuses ("not sent again:
// ann@example.org bounced (tidings bounces): correct the address first":
// rev-eng19). They give the row that reason, as send --resend-changed
// does, and offer --resend-changed for the other rows changed only.
func TestRevisedAfterBouncesNoResendAdvice(t *testing.T) {
	t.Parallel()
	camp, _, _, deliver := popBounces(t, "", "")
	deliver(string(mailboxReports(messageIDs(t, camp))[0])) // ann's hard bounce
	if out, errOut, code := runCLI(t, "bounces", camp); code == exitUnusable {
		t.Fatalf("bounces: code %d\n%s%s", code, out, errOut)
	}
	dir := filepath.Dir(camp)
	held := "row 2 (ann@example.org): name (not sent again: ann@example.org bounced (tidings bounces): correct the address first)"
	sheet := "email,name\nann@example.org,Anne\nbob@example.org,Bob\ncid@example.org,Cid\ndan@example.org,Dan\neve@example.org,Eve\n"
	writeFiles(t, dir, map[string]string{"r.csv": sheet})
	for _, cmd := range [][]string{{"check", camp}, {"preview", camp}, {"send", "--yes", camp}} {
		out, errOut, _ := runCLI(t, cmd...)
		if !strings.Contains(out, held) || strings.Contains(out, "--resend-changed sends") {
			t.Errorf("%s, the bounced row changed: no %q, or --resend-changed offered:\n%s%s", cmd[0], held, out, errOut)
		}
	}
	writeFiles(t, dir, map[string]string{"r.csv": strings.Replace(sheet, "Bob", "Bobby", 1)})
	out, errOut, _ := runCLI(t, "check", camp)
	if !strings.Contains(out, held) || !strings.Contains(out, "send --resend-changed sends the others as they are now") {
		t.Errorf("check, the bounced row and another changed: %q, and --resend-changed for the other:\n%s%s", held, out, errOut)
	}
}
