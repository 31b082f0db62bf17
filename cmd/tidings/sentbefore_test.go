package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSentBeforeCountsRowsWithProblems: a row sent before that has a
// problem now (an attachment added to the campaign, not there) is left as
// it went, so the plan counts it among those sent before: "3 rows; 2 sent
// before, 1 to send now", not "1 sent before" beside a note that says
// the send settled it.
func TestSentBeforeCountsRowsWithProblems(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port),
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    "email,name\na@example.com,Ann\nb@example.com,Bob\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{
		"c.yaml":            campaignYAML(srv.Port, `attachments: ["{{.email}}.txt"]`),
		"r.csv":             "email,name\na@example.com,Ann\nb@example.com,Bob\nc@example.com,Cid\n",
		"c@example.com.txt": "hello\n",
	})
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitOK || len(srv.Messages()) != 3 || !strings.Contains(out, "t: 3 rows; 2 sent before, 1 to send now") {
		t.Errorf("send: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
}
