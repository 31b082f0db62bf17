package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestEmptyAttachmentWarned: a conference's tickets, attachments:
// ["{{.ticket}}"], with rows whose ticket cell is empty went without a
// ticket, and check, preview and send said nothing (rev-user17): each
// warns once, naming the column and the rows, also a send that goes on
// from the messages a test send spooled (their notes read again, not
// rendered); a path within {{if}} of its column is not warned of.
func TestEmptyAttachmentWarned(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, `attachments: ["{{.ticket}}", "{{if .extra}}{{.extra}}{{end}}"]`+"\n")
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{
		"t1.pdf": "%PDF-1.4 one\n",
		"r.csv":  "email,name,ticket,extra\nuser000@example.com,Ann,t1.pdf,\nuser001@example.com,Bo, ,\nuser002@example.com,Cy,,\nuser003@example.com,Di,t1.pdf,\n",
	})
	const want = `r.csv: column "ticket", an attachment's path, is empty in 2 rows (3, 4): their messages go without the file; fill it in, or write the path as {{if .ticket}}{{.ticket}}{{end}} for rows that have none on purpose`
	for _, args := range [][]string{{"check", camp}, {"preview", "-o", filepath.Join(dir, "pv"), camp}} {
		out, errOut, code := runCLI(t, args...)
		if code != exitOK || strings.Count(out, want) != 1 || strings.Contains(out, `column "extra"`) {
			t.Errorf("%s: %d, want %s once\n%s%s", args[0], code, want, out, errOut)
		}
	}
	if out, errOut, code := runCLI(t, "send", "--yes", "--test", "me@example.com", "--rows", "2", camp); code != exitOK {
		t.Fatalf("send --test: %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitOK || strings.Count(out+errOut, want) != 1 || len(srv.Messages()) != 5 || !strings.Contains(out, "made by an earlier run and used again") {
		t.Errorf("send: %d, %d messages, want %s once\n%s%s", code, len(srv.Messages()), want, out, errOut)
	}
}
