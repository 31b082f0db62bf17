package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// sendCampaign writes a campaign with n recipients that sends to srv;
// extra is appended to the campaign file (a send: section in it replaces
// the default one).
func sendCampaign(t *testing.T, srv *smtptest.Server, n int, extra string) string {
	t.Helper()
	sendLine := "send: {concurrency: 3, retry_backoff: 1ms}\n"
	if strings.Contains(extra, "send:") {
		sendLine = ""
	}
	dir := t.TempDir()
	var sheet strings.Builder
	sheet.WriteString("email,name\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sheet, "user%03d@example.com,User %d\n", i, i)
	}
	writeFiles(t, dir, map[string]string{
		"c.yaml": fmt.Sprintf(`name: t
from: "Sender <sender@example.com>"
to: '{{address .name .email}}'
subject: "Hello {{.name}}"
text: body.txt
recipients: {path: r.csv}
smtp: {host: 127.0.0.1, port: %d, security: none}
%s%s`, srv.Port, sendLine, extra),
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    sheet.String(),
	})
	return filepath.Join(dir, "c.yaml")
}

// keyByID makes the campaign sendCampaign wrote key its rows by an id
// column (recipients.key: id).
func keyByID(t *testing.T, camp string) {
	t.Helper()
	b, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"c.yaml": strings.Replace(string(b), "recipients: {path: r.csv", "recipients: {path: r.csv, key: id", 1)})
}

// readReport returns report.csv's rows as maps keyed by column.
func readReport(t *testing.T, camp string) []map[string]string {
	t.Helper()
	return readReportDir(t, filepath.Join(filepath.Dir(camp), ".tidings", "t"))
}

// readReportDir returns the rows of report.csv in a state folder.
func readReportDir(t *testing.T, dir string) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "report.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := "row,key,to,status,attempts,code,enhanced_code,detail,message_id,server,started_at,finished_at,duration_ms,cc,bcc"
	if got := strings.Join(recs[0], ","); got != want {
		t.Fatalf("report.csv columns:\n got %s\nwant %s", got, want)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, c := range recs[0] {
			m[c] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func TestSendDeliversEachOnceAndResumes(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 25, "")

	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != 0 {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	for i := 0; i < 25; i++ {
		if n := srv.Received(fmt.Sprintf("user%03d@example.com", i)); n != 1 {
			t.Errorf("user%03d received %d copies, want 1", i, n)
		}
	}
	rows := readReport(t, camp)
	if len(rows) != 25 {
		t.Fatalf("report has %d rows, want 25", len(rows))
	}
	for _, r := range rows {
		if r["status"] != "sent" || r["code"] != "250" || r["message_id"] == "" {
			t.Errorf("report row %v", r)
		}
	}

	// check now knows from the journal that nothing is left to send.
	out, _, _ = runCLI(t, "check", camp)
	if !strings.Contains(out, "25 need no sending") || strings.Contains(out, "estimate:") {
		t.Errorf("check after the run:\n%s", out)
	}

	// A second run sends nothing again.
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != 0 {
		t.Fatalf("second send: code %d\n%s%s", code, out, errOut)
	}
	if got := len(srv.Messages()); got != 25 {
		t.Errorf("after a second run the server has %d messages, want 25", got)
	}
	if !strings.Contains(out, "nothing left to send") {
		t.Errorf("second run output:\n%s", out)
	}
	// report rebuilds the same from the journal.
	out, errOut, code = runCLI(t, "report", camp)
	if code != 0 {
		t.Fatalf("report: code %d\n%s%s", code, out, errOut)
	}
	if rows := readReport(t, camp); len(rows) != 25 {
		t.Errorf("rebuilt report has %d rows", len(rows))
	}
}

// TestReportInsertedRowAfterDuplicate: a row inserted where an earlier
// run had a duplicate is listed (not attempted), not hidden behind the old
// duplicate line.
func TestReportInsertedRowAfterDuplicate(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nann@example.com,Ann\nANN@example.com,Ann\nbob@example.com,Bob\n"})
	runCLI(t, "send", "--yes", camp)
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nann@example.com,Ann\ncat@example.com,Cat\nANN@example.com,Ann\nbob@example.com,Bob\n"})
	out, errOut, code := runCLI(t, "report", camp)
	if code != exitSomeFailed {
		t.Fatalf("report: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	got := map[string]string{}
	for _, r := range readReport(t, camp) {
		got[r["row"]] = r["key"] + " " + r["status"]
	}
	want := map[string]string{"2": "ann@example.com sent", "3": "cat@example.com not-attempted", "4": "ANN@example.com duplicate", "5": "bob@example.com sent"}
	if !maps.Equal(got, want) {
		t.Errorf("report rows %v, want %v", got, want)
	}
}

// TestBadFlagValues: negative limits, a send limit of 0 (which would send
// everything, were it taken for "no limit") and a concurrency outside
// 1..256 are refused before anything is read or sent.
func TestBadFlagValues(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	for _, args := range [][]string{
		{"send", "--yes", "--limit", "-5", camp},
		{"send", "--yes", "--limit", "0", camp},
		{"send", "--yes", "--concurrency", "0", camp},
		{"send", "--yes", "--concurrency", "1000", camp},
		{"preview", "--limit", "-1", camp},
	} {
		_, errOut, code := runCLI(t, args...)
		if code != exitUnusable || !strings.Contains(errOut, args[len(args)-3]) {
			t.Errorf("%v: code %d, want %d naming the flag\n%s", args, code, exitUnusable, errOut)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("the server received %d messages", n)
	}
}

// TestReportBeforeAnySend: report on a campaign that never ran lists every
// row as not attempted (exit 1, as any report with rows not sent), instead
// of failing on the state folder that does not exist yet.
func TestReportBeforeAnySend(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	out, errOut, code := runCLI(t, "report", camp)
	if code != exitSomeFailed {
		t.Fatalf("report: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	if !strings.Contains(out, "nothing has been sent for this campaign yet") {
		t.Errorf("report output:\n%s", out)
	}
	rows := readReport(t, camp)
	if len(rows) != 3 {
		t.Fatalf("report has %d rows, want 3", len(rows))
	}
	for _, r := range rows {
		if r["status"] != "not-attempted" {
			t.Errorf("row %s: %s", r["row"], r["status"])
		}
	}
}

// TestReportAfterRowsInserted: rows inserted into the sheet after a send
// are listed as not attempted (exit 1), and the journal's lines take the
// rows their keys have now.
func TestReportAfterRowsInserted(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nann@example.com,Ann\nbob@example.com,Bob\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != 0 {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\ncarl@example.com,Carl\nann@example.com,Ann\nbob@example.com,Bob\n"})
	out, errOut, code := runCLI(t, "report", camp)
	if code != exitSomeFailed {
		t.Fatalf("report: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	got := map[string]string{}
	for _, r := range readReport(t, camp) {
		got[r["row"]] = r["key"] + " " + r["status"]
	}
	want := map[string]string{"2": "carl@example.com not-attempted", "3": "ann@example.com sent", "4": "bob@example.com sent"}
	if !maps.Equal(got, want) {
		t.Errorf("report rows %v, want %v", got, want)
	}
}

// TestReportAfterRowRemoved: a recipient removed from the sheet after it
// was sent keeps its line, at the row it had, beside the line of the
// recipient the sheet now has there; report reads the journal back one
// recipient at a time and leaves no log of its own behind. A send after
// the removal writes the same report (send's used to drop the recipient).
func TestReportAfterRowRemoved(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nann@example.com,Ann\nbob@example.com,Bob\ncat@example.com,Cat\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != 0 {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nann@example.com,Ann\ncat@example.com,Cat\n"})
	out, errOut, code := runCLI(t, "report", camp)
	if code != 0 || !strings.Contains(out, "3 recipients: 3 sent") {
		t.Fatalf("report: code %d\n%s%s", code, out, errOut)
	}
	var got []string
	for _, r := range readReport(t, camp) {
		got = append(got, r["row"]+" "+r["key"]+" "+r["status"])
		if gone := strings.HasSuffix(r["detail"], report.GoneNote); gone != (r["key"] == "bob@example.com") {
			t.Errorf("row %s (%s): detail %q", r["row"], r["key"], r["detail"])
		}
	}
	if want := "2 ann@example.com sent|3 cat@example.com sent|3 bob@example.com sent"; strings.Join(got, "|") != want {
		t.Errorf("report rows %q, want %q", strings.Join(got, "|"), want)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(camp), ".tidings", "*", ".report.log*"))
	if len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
	out, errOut, code = runCLI(t, "send", "--yes", camp)
	if code != 0 || !strings.Contains(out, "3 recipients: 3 sent") {
		t.Fatalf("send after the removal: code %d\n%s%s", code, out, errOut)
	}
	sameReport(t, camp)
	if n := len(srv.Messages()); n != 3 {
		t.Errorf("%d messages delivered, want 3", n)
	}
}

// TestRemovedBeforeSent: a recipient the server deferred and the sheet
// has since lost leaves the report with its row (no send tries it again),
// in send's and in report's, and asks for no further send.
func TestRemovedBeforeSent(t *testing.T) {
	t.Parallel()
	camp := sendThenRemoveBob(t, deferringServer(t, "bob@example.com"))
	for _, args := range [][]string{{"send", "--yes", camp}, {"report", camp}} {
		out, errOut, code := runCLI(t, args...)
		if code != exitOK || !strings.Contains(out, "2 recipients: 2 sent") {
			t.Errorf("%s: code %d\n%s%s", args[0], code, out, errOut)
		}
		for _, r := range readReport(t, camp) {
			if r["key"] == "bob@example.com" {
				t.Errorf("%s: the removed recipient is in the report: %v", args[0], r)
			}
		}
	}
}

// TestRemovedUnknown: a recipient whose message's outcome is unknown (the
// server took it, its reply was lost) and whom the sheet has since lost
// stays in both reports (the message may have reached it), marked gone in
// report.json, and does not keep the exit code at 1: no send tries it
// again.
func TestRemovedUnknown(t *testing.T) {
	t.Parallel()
	camp := sendThenRemoveBob(t, smtptest.NewServer(t, smtptest.DropReply(func(_ smtptest.Session, m *smtptest.Message) bool {
		return m.To[0] == "bob@example.com"
	})))
	for _, args := range [][]string{{"send", "--yes", camp}, {"report", camp}} {
		if out, errOut, code := runCLI(t, args...); code != exitOK || !strings.Contains(out, "3 recipients: 2 sent, 1 unknown") || !strings.Contains(out, "1 of the unknown no longer in the sheet") {
			t.Errorf("%s: code %d\n%s%s", args[0], code, out, errOut)
		}
		if r := rowByKey(t, camp, "bob@example.com"); r["status"] != "unknown" {
			t.Errorf("%s: bob %v", args[0], r)
		}
		if j := readFile(t, filepath.Join(filepath.Dir(camp), ".tidings", "t", "report.json")); !strings.Contains(j, `"gone": true`) || !strings.Contains(j, `"gone_unknown": 1`) {
			t.Errorf("%s: report.json does not mark bob gone", args[0])
		}
	}
}

// sendThenRemoveBob sends a campaign to ann, bob and cat through srv (bob
// not sent: srv defers or drops him), then removes bob from its sheet.
func sendThenRemoveBob(t *testing.T, srv *smtptest.Server) (camp string) {
	t.Helper()
	camp = sendCampaign(t, srv, 0, "send: {concurrency: 1, retries: 0}\n")
	dir := filepath.Dir(camp)
	writeFiles(t, dir, map[string]string{"r.csv": "email,name\nann@example.com,Ann\nbob@example.com,Bob\ncat@example.com,Cat\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"r.csv": "email,name\nann@example.com,Ann\ncat@example.com,Cat\n"})
	return camp
}

// deferringServer is a test server that refuses addr for now (451) and
// takes every other recipient.
func deferringServer(t *testing.T, addr string) *smtptest.Server {
	return smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == addr {
			return smtptest.Reply(451, "4.3.0", "mailbox busy, try later")
		}
		return nil
	}))
}

// TestReportWithDuplicate: a duplicate key in the sheet is one duplicate
// line in the report, as send said, not a second one.
func TestReportWithDuplicate(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nalice@example.com,Alice\nbob@example.com,Bob\nAlice@Example.com,Alice\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != 0 || !strings.Contains(out, "3 recipients: 2 sent, 1 duplicate") {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := runCLI(t, "report", camp)
	if code != 0 || !strings.Contains(out, "3 recipients: 2 sent, 1 duplicate") {
		t.Errorf("report: code %d\n%s%s", code, out, errOut)
	}
	if rows := readReport(t, camp); len(rows) != 3 {
		t.Errorf("report.csv has %d rows, want 3", len(rows))
	}
}

// TestSendStopsWhenServerLacksSMTPUTF8: a row with a non-ASCII local part
// needs SMTPUTF8; a server without it stops the run before anything is
// sent, and the error names the row.
func TestSendStopsWhenServerLacksSMTPUTF8(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nann@example.com,Ann\njosé@example.com,José\nbob@example.com,Bob\n"})
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitUnusable {
		t.Fatalf("send: code %d, want %d\n%s%s", code, exitUnusable, out, errOut)
	}
	if !strings.Contains(errOut, "does not offer SMTPUTF8") || !strings.Contains(errOut, "row 3") {
		t.Errorf("stderr does not name SMTPUTF8 and row 3:\n%s", errOut)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("the server received %d messages", n)
	}
}

// TestSendLimitBeforeSMTPUTF8Row: with --limit, only the rows this run
// sends decide whether the server must offer SMTPUTF8.
func TestSendLimitBeforeSMTPUTF8Row(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 0, "")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name\nann@example.com,Ann\njosé@example.com,José\n"})
	out, errOut, code := runCLI(t, "send", "--yes", "--limit", "1", camp)
	if code != exitSomeFailed || srv.Received("ann@example.com") != 1 {
		t.Fatalf("send --limit 1: code %d, ann received %d\n%s%s", code, srv.Received("ann@example.com"), out, errOut)
	}
}

func TestSendRefusesInvalidRowsAndSendsNothing(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 5, "")
	sheet := filepath.Join(filepath.Dir(camp), "r.csv")
	data, _ := os.ReadFile(sheet)
	os.WriteFile(sheet, append(data, []byte("broken-address,Broken\n")...), 0o644)

	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed {
		t.Fatalf("code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	if !strings.Contains(out, "row 7") || !strings.Contains(out, `column "email"`) {
		t.Errorf("output does not name row and column:\n%s", out)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("server received %d messages; nothing may be sent while a row is invalid", n)
	}

	out, errOut, code = runCLI(t, "send", "--yes", "--skip-invalid", camp)
	if code != exitSomeFailed {
		t.Fatalf("--skip-invalid: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	if n := len(srv.Messages()); n != 5 {
		t.Errorf("server received %d messages, want 5", n)
	}
	statuses := map[string]int{}
	for _, r := range readReport(t, camp) {
		statuses[r["status"]]++
	}
	if statuses["sent"] != 5 || statuses["invalid"] != 1 {
		t.Errorf("report statuses %v", statuses)
	}
}

func TestSendPermanentAndTemporaryFailures(t *testing.T) {
	t.Parallel()
	tries := 0
	srv := smtptest.NewServer(t,
		smtptest.OnRcpt(func(s smtptest.Session, to string) error {
			switch to {
			case "user001@example.com":
				return smtptest.Reply(550, "5.1.1", "no such user")
			case "user002@example.com":
				tries++
				if tries == 1 {
					return smtptest.Reply(451, "4.3.0", "try again later")
				}
			}
			return nil
		}))
	camp := sendCampaign(t, srv, 4, "")
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed {
		t.Fatalf("code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	byKey := map[string]map[string]string{}
	for _, r := range readReport(t, camp) {
		byKey[r["key"]] = r
	}
	if r := byKey["user001@example.com"]; r["status"] != "failed" || r["code"] != "550" || r["enhanced_code"] != "5.1.1" {
		t.Errorf("permanent failure row: %v", r)
	}
	if r := byKey["user002@example.com"]; r["status"] != "sent" || r["attempts"] != "2" {
		t.Errorf("temporary failure then success row: %v", r)
	}
	if n := srv.Received("user002@example.com"); n != 1 {
		t.Errorf("user002 received %d copies", n)
	}
	// The permanent failure is not retried on the next run unless asked.
	_, _, code = runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed {
		t.Errorf("second run code %d", code)
	}
}

// TestSendWithoutYesOffTerminalRefuses: send without --yes and no
// terminal to ask on (a cron job that left it out) refuses at once, exit
// 2, before its preflight renders and spools every row and prints a plan
// for a question nobody can answer; as it does once nothing is left to
// send (which exited 0 there, and 2 the day the sheet had new rows).
func TestSendWithoutYesOffTerminalRefuses(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	spool := filepath.Join(filepath.Dir(camp), ".tidings", "t", "spool")
	out, errOut, code := runCLI(t, "send", camp)
	if code != exitUnusable || !strings.Contains(errOut, "--yes") || out != "" {
		t.Errorf("code %d, want %d at once\n%s%s", code, exitUnusable, out, errOut)
	}
	if _, err := os.Stat(spool); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the refused send spooled its messages: %v", err)
	}
	if len(srv.Messages()) != 0 {
		t.Error("sent without confirmation")
	}
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send --yes: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", camp); code != exitUnusable || out != "" {
		t.Errorf("nothing left to send: code %d, want %d at once\n%s%s", code, exitUnusable, out, errOut)
	}
}

// sentCampaign is sendCampaign of n recipients, sent to a test server; it
// returns the campaign file and its state folder.
func sentCampaign(t *testing.T, n int) (camp, state string) {
	t.Helper()
	srv := smtptest.NewServer(t)
	camp = sendCampaign(t, srv, n, "")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: exit %d\n%s%s", code, out, errOut)
	}
	return camp, filepath.Join(filepath.Dir(camp), ".tidings", "t")
}

// TestPreviewOutNotStateDir: preview --out refuses a campaign's state
// folder (its own, or another's: one with a journal), whose report.csv is
// the send's report, and writes nothing there, and a folder whose
// index.html is the user's own; another folder is fine.
func TestPreviewOutNotStateDir(t *testing.T) {
	t.Parallel()
	camp, state := sentCampaign(t, 3)
	before := readFile(t, filepath.Join(state, "report.csv"))
	other := filepath.Join(t.TempDir(), "other")
	writeFiles(t, other, map[string]string{"journal.jsonl": "", "report.csv": "row\n"})
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(state, link); err != nil {
		t.Fatal(err)
	}
	// The link names the state folder even without its journal.
	if err := os.Rename(filepath.Join(state, "journal.jsonl"), filepath.Join(state, "journal.keep")); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{state, state + string(filepath.Separator), other, link} {
		_, errOut, code := runCLI(t, "preview", "--out", dir, camp)
		if code != exitUnusable || !strings.Contains(errOut, "is a campaign's state folder") {
			t.Errorf("preview --out %s: exit %d, want %d\n%s", dir, code, exitUnusable, errOut)
		}
	}
	if err := os.Rename(filepath.Join(state, "journal.keep"), filepath.Join(state, "journal.jsonl")); err != nil {
		t.Fatal(err)
	}
	if after := readFile(t, filepath.Join(state, "report.csv")); after != before {
		t.Errorf("the send's report changed:\n%s", after)
	}
	if got := readFile(t, filepath.Join(other, "report.csv")); got != "row\n" {
		t.Errorf("the other state folder's report changed: %q", got)
	}
	if out, errOut, code := runCLI(t, "preview", "--out", filepath.Join(t.TempDir(), "p"), camp); code != exitOK {
		t.Errorf("preview to a new folder: exit %d\n%s%s", code, out, errOut)
	}
	// Folders in the state folder (but its preview/), also through a
	// link: refused.
	spoolLink := filepath.Join(t.TempDir(), "spool")
	if err := os.Symlink(filepath.Join(state, "spool"), spoolLink); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{filepath.Join(state, "spool"), filepath.Join(state, "report-data"), filepath.Join(state, "spool", "new"), spoolLink} {
		if _, errOut, code := runCLI(t, "preview", "--out", dir, camp); code != exitUnusable || !strings.Contains(errOut, "in a campaign's state folder") {
			t.Errorf("preview --out %s: exit %d, want %d\n%s", dir, code, exitUnusable, errOut)
		}
	}
	if out, errOut, code := runCLI(t, "preview", "--out", filepath.Join(state, "preview"), camp); code != exitOK {
		t.Errorf("preview --out the campaign's own preview folder: exit %d\n%s%s", code, out, errOut)
	}
	// A folder of the user's own with an index.html: refused, untouched.
	site := t.TempDir()
	writeFiles(t, site, map[string]string{"index.html": "<title>My site</title>\n"})
	if _, errOut, code := runCLI(t, "preview", "--out", site, camp); code != exitUnusable || !strings.Contains(errOut, "is not an earlier tidings preview's") {
		t.Errorf("preview --out a folder with its own index.html: exit %d, want %d\n%s", code, exitUnusable, errOut)
	}
	if got := readFile(t, filepath.Join(site, "index.html")); got != "<title>My site</title>\n" {
		t.Errorf("the folder's index.html changed: %q", got)
	}
}

// TestReportLineWithoutPage: when the report page cannot be written (here
// report-data is a file), report warns, names report.csv and report.json,
// not a page that is not there, and still succeeds.
func TestReportLineWithoutPage(t *testing.T) {
	t.Parallel()
	camp, state := sentCampaign(t, 3)
	for _, p := range []string{report.PageFile, report.PageDataDir} {
		if err := os.RemoveAll(filepath.Join(state, p)); err != nil {
			t.Fatal(err)
		}
	}
	writeFiles(t, state, map[string]string{report.PageDataDir: "not a folder"})
	out, errOut, code := runCLI(t, "report", camp)
	if code != exitOK || !strings.Contains(errOut, "warning: the report page was not written") ||
		!strings.Contains(out, "report: report.csv and report.json in ") || strings.Contains(out, "report.html") {
		t.Errorf("exit %d\n%s%s", code, out, errOut)
	}
}

// TestPreviewOwnFolderCutShort: the campaign's own preview folder, left
// with messages and no index or marker (an older preview cut short), is
// the previews' folder still: preview replaces them.
func TestPreviewOwnFolderCutShort(t *testing.T) {
	t.Parallel()
	camp, state := sentCampaign(t, 2)
	old := filepath.Join(state, "preview", "000009-gone@example.com.eml")
	writeFiles(t, filepath.Dir(old), map[string]string{filepath.Base(old): "old\n"})
	if out, errOut, code := runCLI(t, "preview", camp); code != exitOK {
		t.Fatalf("preview: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(old); err == nil {
		t.Error("the earlier preview's message stayed")
	}
}

// TestGoneUnknownAdvice: beside a deferred recipient, an unknown one no
// longer in the sheet gets no --resend-unknown advice: no send reaches it.
func TestGoneUnknownAdvice(t *testing.T) {
	t.Parallel()
	camp := sendThenRemoveBob(t, smtptest.NewServer(t,
		smtptest.DropReply(func(_ smtptest.Session, m *smtptest.Message) bool { return m.To[0] == "bob@example.com" }),
		smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
			if to == "cat@example.com" {
				return smtptest.Reply(451, "4.3.0", "busy")
			}
			return nil
		})))
	_, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed || !strings.Contains(errOut, "not sent: 1 deferred; run send --yes again to retry the deferred") || strings.Contains(errOut, "unknown") {
		t.Errorf("exit %d:\n%s", code, errOut)
	}
}

// TestRateText: a rate in the unit that reads best, without exponents.
func TestRateText(t *testing.T) {
	t.Parallel()
	for in, want := range map[float64]string{
		0: "no rate limit", 5: "5/s", 1e8: "100000000/s", 1.0 / 86400: "1/d", 10.0 / 3600: "10/h", 0.5: "30/min", 2.0 / 3: "40/min", 123.456: "123.5/s",
		90.0 / 3600: "90/h", 2000.0 / 86400: "2000/d",
	} {
		if got := sendpool.RateText(in); got != want {
			t.Errorf("rateText(%v) = %q, want %q", in, got, want)
		}
	}
}

// TestSendOutputNoBlankLine: a service's output goes to journald, which
// shows it a line at a time, each an entry of its own; the blank line
// send wrote before its summary, to set it apart from the plan on a
// terminal, was an empty entry there. Off a terminal (here a file, as
// journald's stream is) every line send writes says something.
func TestSendOutputNoBlankLine(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	out, err := os.CreateTemp(t.TempDir(), "journal")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	var errOut bytes.Buffer
	g := &globalOptions{stdout: out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	if err := execute(context.Background(), g, []string{"send", "--yes", camp}); err != nil {
		t.Fatalf("send: %v\n%s", err, errOut.String())
	}
	b, err := os.ReadFile(out.Name())
	if err != nil {
		t.Fatal(err)
	}
	assertNoBlankLine(t, "send", string(b)+errOut.String())
}

// assertNoBlankLine fails when a line of output, what command printed
// off a terminal, is blank.
func assertNoBlankLine(t *testing.T, command, output string) {
	t.Helper()
	for i, line := range strings.Split(strings.TrimSuffix(output, "\n"), "\n") {
		if strings.TrimSpace(line) == "" {
			t.Errorf("line %d of %s's output is blank:\n%s", i+1, command, output)
			return
		}
	}
}
