package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestEarlierIssueSameSheet: a campaign file renamed for next month's
// issue, its sheet and invoice files still last month's, was sent again
// with --new-campaign without a word: every client would get last
// month's invoice a second time (rev-user14). check and send warn of
// the rows to send whose message went out under the earlier name made of
// the same values and files, naming them; a row changed since is not
// named.
func TestEarlierIssueSameSheet(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := revisedCampaign(t, srv, "invoice,email,name,amount\n1,ann@example.com,Ann,10.00\n2,bob@example.com,Bob,20.00\n")
	dir := filepath.Dir(camp)
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"c.yaml": strings.Replace(string(b), "name: t\n", "name: t-december\n", 1)})
	const warn = `to send went out under the earlier name "t" made of the same values and files (`
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitOK || !strings.Contains(out, "warning: 2 rows "+warn+"row 2 (1); row 3 (2)): each recipient would get that message again") {
		t.Errorf("check, the sheet unchanged: code %d, want rows 2 and 3 named\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"inv/1.txt": "invoice one, december\n"})
	for _, args := range [][]string{{"check", camp}, {"send", "--yes", "--new-campaign", camp}} {
		out, errOut, code = runCLI(t, args...)
		if code != exitOK || !strings.Contains(out, "warning: 1 row "+warn+"row 3 (2))") {
			t.Errorf("%s, row 2's file changed: code %d, want row 3 alone named\n%s%s", args[0], code, out, errOut)
		}
	}
	if n := len(srv.Messages()); n != 4 {
		t.Errorf("the server has %d messages, want 4", n)
	}
	if out, errOut, code = runCLI(t, "check", camp); code != exitOK || strings.Contains(out, "earlier name") {
		t.Errorf("check after the send under the new name: code %d, want no word of the earlier name\n%s%s", code, out, errOut)
	}
}
