package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// sharedCampaign writes a campaign with one-click unsubscribe whose to:
// is to, keyed by id, with a sheet of the given emails cells (row 2 on).
func sharedCampaign(t *testing.T, to string, emails ...string) string {
	t.Helper()
	dir := t.TempDir()
	var sheet strings.Builder
	sheet.WriteString("id,emails\n")
	for i, e := range emails {
		fmt.Fprintf(&sheet, "%d,%q\n", i+1, e)
	}
	writeFiles(t, dir, map[string]string{
		"c.yaml": `name: t
from: "Sender <sender@example.com>"
to: '` + to + `'
subject: "Hello"
text: body.txt
recipients: {path: r.csv, key: id}
unsubscribe: {url: "https://example.com/u?id={{.id}}", one_click: true}
`,
		"body.txt": "Hi\n",
		"r.csv":    sheet.String(),
	})
	return filepath.Join(dir, "c.yaml")
}

// TestUnsubscribeSharedTo: with one_click, a to: that visibly writes two
// addresses is one warning naming the campaign file, line and column of
// to:; rows whose values make To a list of several are one warning
// naming the first rows (as the sheet numbers them) and counting them
// all, however many there are, not one line a row.
func TestUnsubscribeSharedTo(t *testing.T) {
	t.Parallel()
	camp := sharedCampaign(t, "{{.emails}}, parent@example.com", "a@example.com", "b@example.com")
	out, errOut, code := runCLI(t, "check", camp)
	if w := "warning: " + camp + ":3:5: to writes several addresses with unsubscribe.one_click: the one-click link is the message's"; code != exitOK || !strings.Contains(out, w) {
		t.Errorf("check: code %d, printed:\n%s%s\nwant a line starting %q", code, out, errOut, w)
	}
	if strings.Contains(out, "to holds") {
		t.Errorf("check printed a row's warning as well as the campaign's:\n%s", out)
	}

	camp = sharedCampaign(t, "{{.emails}}", "a@example.com", "b@example.com, c@example.com", "d@example.com")
	out, errOut, code = runCLI(t, "check", camp)
	if w := "r.csv: row 3: to holds 2 addresses with unsubscribe.one_click: the one-click link is the message's, so whichever of them clicks Unsubscribe unsubscribes them all; give each address a row of its own, or drop one_click\n"; code != exitOK || !strings.Contains(out, w) {
		t.Errorf("check: code %d, printed:\n%s%s\nwant a line ending %q", code, out, errOut, w)
	}

	var emails []string
	for i := range 30 {
		e := fmt.Sprintf("p%d@example.com", i)
		if i%3 != 0 {
			e += fmt.Sprintf(", q%d@example.com", i)
		}
		emails = append(emails, e)
	}
	camp = sharedCampaign(t, "{{.emails}}", emails...)
	out, errOut, code = runCLI(t, "check", camp)
	if w := "r.csv: 20 rows (3, 4, 6, 7, 9 and 15 more): to holds several addresses with unsubscribe.one_click"; code != exitOK || !strings.Contains(out, w) || strings.Count(out, "to holds") != 1 {
		t.Errorf("check: code %d, printed:\n%s%s\nwant one line with %q", code, out, errOut, w)
	}
}
