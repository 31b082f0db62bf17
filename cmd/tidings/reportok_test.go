package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestReportJSONEndingOK: a nightly job's script that pages someone when
// messages were not sent had to put the exit code, the ending's kind and
// the summary's counts together, and a send that refused to start as a
// row had a problem exits 1 as one the server refused a message of
// does. report.json's ending says it in one field, always written: ok,
// true only when every row is sent or settled, in send's file and in
// tidings report's alike.
func TestReportJSONEndingOK(t *testing.T) {
	t.Parallel()
	// raw reads report.json as a script does: ok must be there, false
	// too.
	raw := func(camp string) string {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(filepath.Dir(camp), ".tidings", "t", "report.json"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	clean := sendCampaign(t, smtptest.NewServer(t), 3, "")
	if e, _ := endingOfRun(t, clean, exitOK); !e.OK {
		t.Errorf("every row sent: ending %+v, want ok", *e)
	}
	refusing := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "user001@example.com" {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}))
	failed := sendCampaign(t, refusing, 3, "")
	if e, _ := endingOfRun(t, failed, exitSomeFailed); e.OK {
		t.Errorf("a message refused for good: ending %+v, want not ok", *e)
	}
	if b := raw(failed); !strings.Contains(b, `"ok":false`) && !strings.Contains(b, `"ok": false`) {
		t.Errorf("report.json leaves ok out when false:\n%.600s", b)
	}
	// A Cc refused for good while the To took the message: the row counts
	// as sent, but send exits 1 for it, and ok says as much; tidings
	// report, which exits 0 for the row, writes ok true.
	partly := sendCampaign(t, refusing, 0, "cc: '{{.cc}}'\n")
	setSheet(t, partly, "email,name,cc\nann@example.com,Ann,user001@example.com\n")
	if out, errOut, code := runCLI(t, "send", "--yes", partly); code != exitSomeFailed {
		t.Fatalf("a Cc refused for good: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	if e := readReportJSON(t, partly).Ending; e.OK || e.Kind != "finished" || !strings.Contains(e.Words, "1 message reached some recipients while the server refused others for good") {
		t.Errorf("a Cc refused for good: ending %+v, want finished, not ok, naming it", *e)
	}
	if out, errOut, code := runCLI(t, "report", partly); code != exitOK || !readReportJSON(t, partly).Ending.OK {
		t.Errorf("report after a Cc refused for good: code %d, ending %+v, want 0 and ok\n%s%s", code, *readReportJSON(t, partly).Ending, out, errOut)
	}
	bad := sendCampaign(t, smtptest.NewServer(t), 3, "")
	setSheet(t, bad, "email,name\nuser000@example.com,User 0\nbad-address,Bad\n")
	if out, errOut, code := runCLI(t, "send", "--yes", bad); code != exitSomeFailed {
		t.Fatalf("refused send: code %d\n%s%s", code, out, errOut)
	}
	if e := readReportJSON(t, bad).Ending; e.OK {
		t.Errorf("a send refused to start: ending %+v, want not ok", *e)
	}
}
