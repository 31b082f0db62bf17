package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestNewIssueChanged: next month's invoices sent under last month's
// campaign name, keyed by client, make every row sent before a row that
// changed since, which send leaves (exit 0, one message to the new client
// only): check, preview, send and a test send say the sheet may be the campaign's
// next issue, a campaign of its own (another name:, --new-campaign). One
// row corrected is told as changed only (rev-user14).
func TestNewIssueChanged(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := revisedCampaign(t, srv, "invoice,email,name,amount\n1,ann@example.com,Ann,10.00\n2,bob@example.com,Bob,20.00\n3,cy@example.com,Cy,30.00\n")
	dir := filepath.Dir(camp)
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	note := "note: every row sent before changed since (3 rows): if " + displayPath(filepath.Join(dir, "r.csv")) + " is the campaign's next issue (next month's invoices or newsletter), it is a campaign of its own: give "
	writeFiles(t, dir, map[string]string{"r.csv": "invoice,email,name,amount\n1,ann@example.com,Ann,12.00\n2,bob@example.com,Bob,20.00\n3,cy@example.com,Cy,30.00\n"})
	if out, errOut, code := runCLI(t, "check", camp); code != exitOK || !strings.Contains(out, "row 2 (1): amount") || strings.Contains(out, "every row sent before") {
		t.Errorf("check, one row corrected: code %d, want it told as changed, no word of a next issue\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{
		"r.csv":     "invoice,email,name,amount\n1,ann@example.com,Ann,11.00\n2,bob@example.com,Bob,21.00\n3,cy@example.com,Cy,31.00\n4,dee@example.com,Dee,40.00\n",
		"inv/1.txt": "december one\n", "inv/2.txt": "december two\n", "inv/3.txt": "december three\n", "inv/4.txt": "december four\n",
	})
	wantName := `a name other than "t" and send it with --new-campaign`
	for _, cmd := range []string{"check", "preview"} {
		if out, errOut, code := runCLI(t, cmd, camp); code != exitOK || !strings.Contains(out, note) || !strings.Contains(out, wantName) {
			t.Errorf("%s, every row changed: code %d, want %q … %q\n%s%s", cmd, code, note, wantName, out, errOut)
		}
	}
	for _, args := range [][]string{{"send", "--test", "me@example.com", camp}, {"send", "--yes", camp}} {
		if out, errOut, code := runCLI(t, args...); code != exitOK || !strings.Contains(out, note) || !strings.Contains(out, wantName) {
			t.Errorf("%q, every row changed: code %d, want %q\n%s%s", args, code, note, out, errOut)
		}
	}
	if n, test := len(srv.Messages()), srv.Received("me@example.com"); n != 5 || test != 1 {
		t.Errorf("the server has %d messages, %d of them the test's; want the first 3, the test of the new row and the new row's", n, test)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", "--resend-changed", camp); code != exitOK || strings.Contains(out, "every row sent before") {
		t.Errorf("send --resend-changed: code %d, want no word of a next issue\n%s%s", code, out, errOut)
	}
}

// TestNewIssueKeys: next month's invoices under new invoice numbers (key
// invoice), sent under last month's campaign name, go, with a warning
// for each address sent to before under a key no longer in the sheet;
// check and send say the sheet may be the campaign's next issue. A sheet
// that keeps a row sent before and adds one at an old address is not
// told so (rev-user14).
func TestNewIssueKeys(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := revisedCampaign(t, srv, "invoice,email,name,amount\n1,ann@example.com,Ann,10.00\n2,bob@example.com,Bob,20.00\n")
	dir := filepath.Dir(camp)
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{
		"r.csv":     "invoice,email,name,amount\n2,bob@example.com,Bob,20.00\n4,ann@example.com,Ann,11.00\n",
		"inv/4.txt": "four\n", "inv/5.txt": "five\n",
	})
	if out, errOut, code := runCLI(t, "check", camp); code != exitOK || !strings.Contains(out, "keys no longer in the sheet") || strings.Contains(out, "next issue") {
		t.Errorf("check, a row kept: code %d, want the warning and no word of a next issue\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"r.csv": "invoice,email,name,amount\n4,ann@example.com,Ann,11.00\n5,bob@example.com,Bob,21.00\n"})
	sheet := displayPath(filepath.Join(dir, "r.csv"))
	note := "note: no row of " + sheet + " was sent before, but 2 of its rows go to addresses sent to before: if " + sheet + " is the campaign's next issue (next month's invoices or newsletter), it is a campaign of its own: give "
	for _, args := range [][]string{{"check", camp}, {"send", "--yes", camp}} {
		if out, errOut, code := runCLI(t, args...); code != exitOK || !strings.Contains(out, note) {
			t.Errorf("%s: code %d, want %q\n%s%s", args[0], code, note, out, errOut)
		}
	}
	if n := len(srv.Messages()); n != 4 {
		t.Errorf("the server has %d messages, want 4", n)
	}
}
