package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSendDedupeAndSuppression: a recipient twice in the sheet (case and
// spaces differ) is sent once and the later row is a duplicate naming the
// first; suppressed addresses and domains (with subdomains) are never sent.
func TestSendDedupeAndSuppression(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "suppress: suppressed.txt\n")
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{
		"r.csv": "email,name\n" +
			"ann@example.com,Ann\n" + // row 2
			"  ANN@Example.com ,Ann again\n" + // row 3: duplicate of row 2
			"bob@blocked.example,Bob\n" + // row 4: @blocked.example
			"cy@mail.blocked.example,Cy\n" + // row 5: subdomain of it
			"dee@notblocked.example,Dee\n" + // row 6: not covered
			"eve@example.com,Eve\n", // row 7: listed by address
		"suppressed.txt": "# people who asked us to stop\n@blocked.example\nEVE@example.com  # by mail, 2026-10-01\n",
	})
	out, errOut, code := runCLI(t, "check", camp)
	if code != 0 || !strings.Contains(out, "send will skip 1 duplicate and 3 suppressed") {
		t.Errorf("check: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != 0 {
		t.Fatalf("send: code %d (skipping on purpose is not a failure)\n%s%s", code, out, errOut)
	}
	for addr, want := range map[string]int{
		"ann@example.com": 1, "bob@blocked.example": 0, "cy@mail.blocked.example": 0,
		"dee@notblocked.example": 1, "eve@example.com": 0,
	} {
		if got := srv.Received(addr); got != want {
			t.Errorf("%s received %d, want %d", addr, got, want)
		}
	}
	byRow := map[string]map[string]string{}
	for _, r := range readReport(t, camp) {
		byRow[r["row"]] = r
	}
	for row, want := range map[string]string{"2": "sent", "3": "duplicate", "4": "suppressed", "5": "suppressed", "6": "sent", "7": "suppressed"} {
		if byRow[row]["status"] != want {
			t.Errorf("row %s: %v, want %s", row, byRow[row], want)
		}
	}
	if d := byRow["3"]["detail"]; d != "duplicate of row 2" {
		t.Errorf("row 3 detail %q", d)
	}

	// A missing suppression file is an error before anything is sent.
	os.Remove(filepath.Join(dir, "suppressed.txt"))
	if _, _, code := runCLI(t, "check", camp); code != exitUnusable {
		t.Errorf("check without the suppression file: code %d, want %d", code, exitUnusable)
	}
}
