package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestShowEarlierName: once this month's invoices went under a new name
// (send --new-campaign), show printed this month's messages only, and a
// client gone from the sheet since was "not a key" (today's review): what
// a client got last month could not be seen. show --name month1 prints
// month 1's message as the server received it, by key or by --row as the
// sheet numbered it then, to --out too; a key month 1 did not have is
// said so alone; a name with no state folder names those that have one;
// show without --name says what it said.
func TestShowEarlierName(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	dir := filepath.Dir(camp)
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	month := func(name, sheet string) {
		writeFiles(t, dir, map[string]string{"c.yaml": strings.Replace(string(b), "name: t\n", "name: "+name+"\n", 1), "r.csv": sheet})
	}
	month("month1", "email,name\nuser000@example.com,User 0\nuser001@example.com,User 1\nuser002@example.com,User 2\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 3 {
		t.Fatalf("month 1: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	gone := serverCopy(t, srv, "user001@example.com")
	was2 := serverCopy(t, srv, "user002@example.com")
	month("month2", "email,name\nuser000@example.com,User 0\nuser002@example.com,Usher 2\nuser003@example.com,User 3\n")
	if out, errOut, code := runCLI(t, "send", "--yes", "--new-campaign", camp); code != exitOK || len(srv.Messages()) != 6 {
		t.Fatalf("month 2: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	if out, errOut, code := runCLI(t, "show", camp, "user001@example.com"); code != exitSomeFailed || out != "" ||
		errOut != "tidings: no message: \"user001@example.com\" is not a key in column \"email\" of "+displayPath(filepath.Join(dir, "r.csv"))+"\n" {
		t.Errorf("show of the client gone, without --name: code %d\n%s%s", code, out, errOut)
	}
	if out, _, code := runCLI(t, "show", camp, "user002@example.com"); code != exitOK || !strings.Contains(out, "Hi Usher 2") {
		t.Errorf("show without --name: code %d, not month 2's message\n%s", code, out)
	}
	for _, args := range [][]string{{"user001@example.com"}, {"--row", "3"}} {
		out, errOut, code := runCLI(t, append([]string{"show", "--name", "month1", camp}, args...)...)
		if code != exitOK || out != string(gone) || !strings.Contains(errOut, "under the name month1, row 3 when sent, user001@example.com: sent") {
			t.Errorf("show --name month1 %s: code %d, %d bytes, want the %d the server received\n%s", args, code, len(out), len(gone), errOut)
		}
	}
	if out, errOut, code := runCLI(t, "show", "--name", "month1", camp, "user002@example.com"); code != exitOK || out != string(was2) {
		t.Errorf("show --name month1 of a client still there: code %d, not month 1's message\n%s%s", code, out, errOut)
	}
	eml := filepath.Join(t.TempDir(), "last-month.eml")
	if out, errOut, code := runCLI(t, "show", "--name", "month1", "--out", eml, camp, "user001@example.com"); code != exitOK || out != "" {
		t.Errorf("show --name --out: code %d\n%s%s", code, out, errOut)
	}
	if got, err := os.ReadFile(eml); err != nil || string(got) != string(gone) {
		t.Errorf("--out wrote %d bytes (%v), want the %d the server received", len(got), err, len(gone))
	}
	if out, errOut, code := runCLI(t, "show", "--name", "month1", camp, "user003@example.com"); code != exitSomeFailed || out != "" ||
		errOut != "tidings: no message: \"user003@example.com\" is not a key of the campaign as it was sent under the name month1\n" {
		t.Errorf("show --name month1 of this month's new client: code %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code := runCLI(t, "show", "--name", "month1", "--row", "5", camp); code != exitSomeFailed || errOut != "tidings: no message: no row 5 was spooled under the name month1\n" {
		t.Errorf("show --name month1 --row 5, past month 1's sheet: code %d\n%s", code, errOut)
	}
	if _, errOut, code := runCLI(t, "show", "--name", "month0", camp, "user001@example.com"); code != exitUnusable ||
		!strings.Contains(errOut, "nothing was sent under that name (this file was sent under the name month1)") {
		t.Errorf("show --name of no state folder: code %d\n%s", code, errOut)
	}
}
