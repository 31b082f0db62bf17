package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSuppressedOneOfTo: a row whose To lists two addresses (both parents
// of a pupil, "mehmet@…; fatma@…") of which the suppression list names
// one is not sent, the other parent included, as a row whose Cc is
// suppressed: check warns, naming the row and the address, and the
// report's detail says the others get nothing either; check said only
// "send will skip 1 suppressed" (rev-user6). A row all of whose To
// addresses are suppressed is not named by the warning.
func TestSuppressedOneOfTo(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `to: "{{.email}}"`, `suppress: sup.txt`),
		"body.txt": "Hallo {{.name}}\n",
		"r.csv":    "email,name\n\"mehmet@example.de; fatma@example.com\",Ayşe\nann@example.com,Ann\n\"x@dead.example; y@dead.example\",Both\n",
		"sup.txt":  "fatma@example.com\n@dead.example\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	out, errOut, code := runCLI(t, "check", camp)
	if want := "is suppressed: row 2 (fatma@example.com); take the address out of the row to send it"; code != exitOK || !strings.Contains(out, "warning: 1 row will not be sent") || !strings.Contains(out, want) {
		t.Errorf("check: code %d, want %d and %q\n%s%s", code, exitOK, want, out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 1 || srv.Received("ann@example.com") != 1 {
		t.Fatalf("send: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	for _, r := range readReport(t, camp) {
		if r["row"] == "2" && r["detail"] != "fatma@example.com is suppressed (fatma@example.com): the row is not sent at all, not even to the other addresses of its To" {
			t.Errorf("row 2: %s %q", r["status"], r["detail"])
		}
		if r["row"] == "4" && r["detail"] != "x@dead.example is suppressed (@dead.example)" {
			t.Errorf("row 4: %s %q", r["status"], r["detail"])
		}
	}
}
