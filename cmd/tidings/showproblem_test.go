package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestShowRowProblemWords: show --row of a row whose sheet cell has a
// problem printed it raw, "campaign: the cell holds …", where check
// words it without the package's name (report.Reason); both word it
// alike now.
func TestShowRowProblemWords(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "")
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{
		"c.yaml": strings.Replace(string(b), "recipients: {path: r.csv}", "recipients: {path: r.csv, only_blank: [paid]}", 1),
		"r.csv":  "email,name,paid\nann@example.com,Ann,\nbob@example.com,Bob,#N/A\n",
	})
	const words = `row 3, column "paid": the cell holds Excel's error value #N/A (a formula that failed in the spreadsheet), so recipients.only_blank cannot tell`
	if out, errOut, code := runCLI(t, "check", camp); code != exitSomeFailed || !strings.Contains(out, words) {
		t.Fatalf("check: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := runCLI(t, "show", "--row", "3", camp)
	if code != exitSomeFailed || out != "" || !strings.Contains(errOut, "row 3 has a problem: ") || !strings.Contains(errOut, words) || strings.Contains(errOut, "campaign: ") {
		t.Errorf("show --row 3: code %d; want check's words, without \"campaign: \"\n%s%s", code, out, errOut)
	}
}
