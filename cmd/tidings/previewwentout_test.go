package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestPreviewNotesSentRowWithProblem: a row sent before whose cell was
// edited since into a problem (a line break, Alt+Enter in Excel, in a
// column the To prints) is noted by preview as by check, in the same
// words, where preview said nothing of it: its summary counted no problem
// and its gallery showed the message as it went, while README says check
// and preview note it.
func TestPreviewNotesSentRowWithProblem(t *testing.T) {
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
	writeFiles(t, dir, map[string]string{"r.csv": "email,name\na@example.com,Ann\nb@example.com,\"Bob\nAccounts\"\n"})
	const note = `note: row 3 (b@example.com) has a problem now, but a send settled it before from that row, which send leaves as it was: `
	for _, cmd := range []string{"check", "preview"} {
		out, errOut, code := runCLI(t, cmd, camp)
		if code != exitOK || strings.Count(out, note) != 1 || !strings.Contains(out, `row 3, column "name": to: control character`) || strings.Contains(out, "problem:") {
			t.Errorf("%s: code %d, want the note once\n%s%s", cmd, code, out, errOut)
		}
	}
}
