package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestNumberInvoiceAmount: an invoice campaign formats the ERP's amounts
// with number, in the sheet's decimal mark: check passes the good rows
// and names the column of the one that is no number, and preview writes
// the amount with two places.
func TestNumberInvoiceAmount(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		decimal, sheet, want string
	}{
		{"", "email,amount\nann@example.com,12.5\nbob@example.com,\"1,234.567\"\ncy@example.com,12.50 EUR\n", "Total: 12.50 EUR|Total: 1234.57 EUR"},
		{"  decimal: \",\"\n", "email;amount\nann@example.com;12,5\nbob@example.com;1.234,567\ncy@example.com;12.50 EUR\n", "Total: 12,50 EUR|Total: 1234,57 EUR"},
	} {
		dir := t.TempDir()
		writeFiles(t, dir, map[string]string{
			"campaign.yaml": "name: invoices\nfrom: \"Acme <billing@acme.example>\"\nsubject: Your invoice\ntext: body.txt\nrecipients:\n  path: r.csv\n" + tc.decimal,
			"body.txt":      "Total: {{number 2 .amount}} EUR\n",
			"r.csv":         tc.sheet,
		})
		camp := filepath.Join(dir, "campaign.yaml")
		out, errOut, code := runCLI(t, "check", camp)
		if code != exitSomeFailed || !strings.Contains(out+errOut, `row 4, column "amount"`) || !strings.Contains(out+errOut, `number: cannot read "12.50 EUR"`) {
			t.Errorf("decimal %q: check: exit %d, want %d and row 4's amount named\n%s%s", tc.decimal, code, exitSomeFailed, out, errOut)
		}
		prev := filepath.Join(t.TempDir(), "preview")
		out, errOut, code = runCLI(t, "preview", "--out", prev, camp)
		if code != exitSomeFailed {
			t.Fatalf("decimal %q: preview: exit %d\n%s%s", tc.decimal, code, out, errOut)
		}
		var got []string
		for _, name := range []string{"000002-ann@example.com.eml", "000003-bob@example.com.eml"} {
			b, err := os.ReadFile(filepath.Join(prev, name))
			if err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(string(b), "\r\n") {
				if strings.HasPrefix(line, "Total: ") {
					got = append(got, line)
				}
			}
		}
		if strings.Join(got, "|") != tc.want {
			t.Errorf("decimal %q: the messages say %q, want %q", tc.decimal, got, tc.want)
		}
	}
}

// TestNumberYearWarned: under locale de-DE, {{number 0 .Jahr}} writes
// 2026 as "2.026", German grouping (CLDR groups four digits in de): check,
// preview and send warn of it at the body's line, once, and the message
// still says what number writes; an amount column is not warned of.
func TestNumberYearWarned(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `locale: de-DE`),
		"body.txt": "Beitrag {{number 2 .Betrag}} €\nfür {{number 0 .Jahr}}\n",
		"r.csv":    "email,name,Betrag,Jahr\nann@example.com,Ann,\"1234,5\",2026\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	const want = `body.txt:2: templates: text: {{number 0 .Jahr}}: column "Jahr" reads as a year`
	for _, args := range [][]string{{"check"}, {"preview"}, {"send", "--yes"}} {
		out, errOut, code := runCLI(t, append(args, camp)...)
		if code != exitOK || strings.Count(out, want) != 1 || strings.Contains(out, `column "Betrag" reads`) {
			t.Errorf("%s: code %d, want %q once\n%s%s", args[0], code, want, out, errOut)
		}
	}
	if msgs := srv.Messages(); len(msgs) != 1 || !strings.Contains(string(msgs[0].Data), " 2.026") || !strings.Contains(string(msgs[0].Data), "1.234,50") {
		t.Errorf("messages: %d", len(msgs))
	}
}
