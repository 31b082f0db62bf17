package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// unlinkedCampaign writes, into a folder of its own, a campaign with
// one-click unsubscribe sending through srv to eight rows whose HTML body
// links to the row's unsubscribe URL in the first row only; the text
// body links in every row.
func unlinkedCampaign(t *testing.T, srv *smtptest.Server) (dir, camp string) {
	t.Helper()
	dir = t.TempDir()
	var sheet strings.Builder
	sheet.WriteString("id,email,name\n")
	for i := 1; i <= 8; i++ {
		fmt.Fprintf(&sheet, "%d,user%d@example.com,User %d\n", i, i, i)
	}
	writeFiles(t, dir, map[string]string{
		"c.yaml": campaignYAML(srv.Port, `html: body.html`, `recipients: {path: r.csv, key: id}`,
			`unsubscribe: {url: "https://example.com/u?id={{.id}}&list=news", one_click: true}`),
		"body.txt":  "Hi {{.name}}\nUnsubscribe: https://example.com/u?id={{.id}}&list=news\n",
		"body.html": `<p>Hi {{.name}}</p>{{if eq .id "1"}}<p><a href="https://example.com/u?id={{.id}}&list=news">Unsubscribe</a></p>{{end}}` + "\n",
		"r.csv":     sheet.String(),
	})
	return dir, filepath.Join(dir, "c.yaml")
}

// TestUnsubscribeLinkWarned: a campaign whose HTML body lost its
// unsubscribe link (the example newsletter's, deleted) got no word from
// check, preview or send, though Gmail's and Yahoo's bulk rules ask for
// one in the body besides List-Unsubscribe (a shop moving from
// listmonk); each warns now, once, naming the rows and what to write,
// and so does a send from the spool a test send made, which renders
// nothing.
func TestUnsubscribeLinkWarned(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir, camp := unlinkedCampaign(t, srv)
	const want = `warning: r.csv: 7 rows (3, 4, 5, 6, 7 and 2 more): the HTML body has no link to the unsubscribe URL List-Unsubscribe gives (unsubscribe.url); ` +
		`Gmail and Yahoo ask bulk mail for one in the body too, and a link to another page (preferences) is not taken for it: ` +
		`write <a href="https://example.com/u?id={{.id}}&list=news">Unsubscribe</a> in the HTML body` + "\n"
	said := func(what, out, errOut string, code int) {
		t.Helper()
		if got := strings.Count(strings.ReplaceAll(out, dir+string(filepath.Separator), ""), want); got != 1 || code != exitOK {
			t.Errorf("%s: %d, the warning %d times, want once:\n%s\n%s%s", what, code, got, want, out, errOut)
		}
	}
	out, errOut, code := runCLI(t, "check", camp)
	said("check", out, errOut, code)
	out, errOut, code = runCLI(t, "preview", "--out", filepath.Join(t.TempDir(), "p"), camp)
	said("preview", out, errOut, code)
	out, errOut, code = runCLI(t, "send", "--test", "me@example.net", camp)
	said("send --test", out, errOut, code)
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if !strings.Contains(out, "made by an earlier run and used again") {
		t.Errorf("send after the test send: the spool not used again\n%s%s", out, errOut)
	}
	said("send from the test send's spool", out, errOut, code)
	if out, errOut, code := runCLI(t, "send", "--yes", camp); strings.Contains(out, "no link") || code != exitOK {
		t.Errorf("send, every row sent: %d, warned of rows it does not send\n%s%s", code, out, errOut)
	}
	dir, camp = unlinkedCampaign(t, srv)
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	said("send", out, errOut, code)
	dir, camp = unlinkedCampaign(t, srv)
	writeFiles(t, dir, map[string]string{"body.html": `<p>Hi</p><a href="https://example.com/u?id={{.id}}&list=news">Unsubscribe</a>`})
	if out, errOut, code := runCLI(t, "check", camp); strings.Contains(out, "no link") || code != exitOK {
		t.Errorf("check, the link in every HTML body: %d\n%s%s", code, out, errOut)
	}
}
