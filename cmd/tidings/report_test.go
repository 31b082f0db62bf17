package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestReportJudgesRowsAsSendWould: report places the journal's lines on
// the rows as the next send judges them, also after the sheet changed
// since the last send (no spool generation is made from it yet): a row
// fixed since its invalid line is not attempted, one broken since is
// invalid with check's words, and every row not attempted has its To, as
// send's report gives it.
func TestReportJudgesRowsAsSendWould(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port, `cc: '{{.cc}}'`),
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    "email,name,cc\nm1@m.example,Mia,\nm2@m.example,Max,max boss\nm3@m.example,Moe,\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	if out, errOut, code := runCLI(t, "send", "--yes", "--skip-invalid", "--limit", "1", camp); code != exitSomeFailed {
		t.Fatalf("send: exit %d\n%s%s", code, out, errOut)
	}
	if r := rowByKey(t, camp, "m3@m.example"); r["status"] != "not-attempted" || r["to"] != "Moe <m3@m.example>" {
		t.Fatalf("send's report of the row held back: %v", r)
	}
	runCLI(t, "report", camp)
	if r := rowByKey(t, camp, "m3@m.example"); r["status"] != "not-attempted" || r["to"] != "Moe <m3@m.example>" {
		t.Errorf("report of the row held back, nothing changed: %v", r)
	}

	// Row 3 fixed, row 4 broken where only its message shows it.
	writeFiles(t, dir, map[string]string{"r.csv": "email,name,cc\nm1@m.example,Mia,\nm2@m.example,Max,boss@m.example\nm3@m.example,Moe,moe boss\n"})
	out, _, code := runCLI(t, "check", camp)
	if code != exitSomeFailed || !strings.Contains(out, `row 4, column "cc"`) {
		t.Fatalf("check: exit %d\n%s", code, out)
	}
	if out, errOut, code := runCLI(t, "report", camp); code != exitSomeFailed || strings.Contains(out+errOut, "warning") {
		t.Fatalf("report: exit %d\n%s%s", code, out, errOut)
	}
	want := map[string][2]string{
		"m1@m.example": {"sent", "Mia <m1@m.example>"},
		"m2@m.example": {"not-attempted", "Max <m2@m.example>"},
		"m3@m.example": {"invalid", "Moe <m3@m.example>"},
	}
	for key, w := range want {
		if r := rowByKey(t, camp, key); r["status"] != w[0] || r["to"] != w[1] {
			t.Errorf("report after the edit, %s: %s to %q, want %s to %q (%s)", key, r["status"], r["to"], w[0], w[1], r["detail"])
		}
	}
	if d := rowByKey(t, camp, "m3@m.example")["detail"]; !strings.Contains(out, d) || !strings.Contains(d, `row 4, column "cc"`) {
		t.Errorf("report's problem %q is not check's:\n%s", d, out)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", "--skip-invalid", camp); code != exitSomeFailed || !strings.Contains(out, "3 recipients: 2 sent, 1 invalid") {
		t.Fatalf("send after the edit: exit %d\n%s%s", code, out, errOut)
	}
	sameReport(t, camp)
}

// TestSheetMissing: report and show of a campaign whose sheet is not
// there say so once, at the setting that names it, with the file probably
// meant.
func TestSheetMissing(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(1, "recipients: {path: rr.csv}"),
		"body.txt": "Hi\n",
		"r.csv":    "email,name\nann@example.com,Ann\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	for _, args := range [][]string{{"report", camp}, {"show", camp, "ann@example.com"}, {"show", camp, "--row", "2"}, {"check", camp}} {
		out, errOut, code := runCLI(t, args...)
		if code != exitUnusable || strings.Count(errOut, "recipients.path: no such file: rr.csv") != 1 || !strings.Contains(errOut, "did you mean r.csv?") || strings.Contains(errOut, "warning") {
			t.Errorf("%s: code %d\n%s%s", args[0], code, out, errOut)
		}
	}
}

// TestSentRowsMovedWithProblems: rows sent before, then sorted into
// another order while a campaign change gives each a problem (an
// attachment per row, not there): their columns are those their messages
// were made of, so check, send and report leave them as they went,
// whatever their row numbers; a row never sent with such a problem is
// one, and a sent one whose columns changed too.
func TestSentRowsMovedWithProblems(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"c.yaml":   campaignYAML(srv.Port),
		"body.txt": "Hi {{.name}}\n",
		"r.csv":    "email,name\na@example.com,Ann\nb@example.com,Bob\nc@example.com,Cid\n",
	})
	camp := filepath.Join(dir, "c.yaml")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{
		"c.yaml": campaignYAML(srv.Port, `attachments: ["{{.email}}.txt"]`),
		"r.csv":  "email,name\nc@example.com,Cid\nnew@example.com,Nia\nb@example.com,Bob\na@example.com,Ann Lee\n",
	})
	out, errOut, code := runCLI(t, "check", camp)
	if code != exitSomeFailed || !strings.Contains(out, "note: row 2 (c@example.com) has a problem now, but a send settled it before") ||
		!strings.Contains(out, "note: row 4 (b@example.com) has a problem now") || !strings.Contains(out, `problem: `) ||
		!strings.Contains(out, "row 3, column") || !strings.Contains(out, "row 5, column") || !strings.Contains(out, "2 with problems") {
		t.Errorf("check: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "send", "--yes", "--skip-invalid", camp); code != exitSomeFailed || len(srv.Messages()) != 3 {
		t.Errorf("send: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	for key, want := range map[string]string{"c@example.com": "sent", "b@example.com": "sent", "new@example.com": "invalid", "a@example.com": "invalid"} {
		if r := rowByKey(t, camp, key); r["status"] != want {
			t.Errorf("send's report, %s: %s (%s), want %s", key, r["status"], r["detail"], want)
		}
	}
	sameReport(t, camp)
}

// TestShowSentWithoutSheet: a message that went out is shown from the
// spool after the sheet is gone.
func TestShowSentWithoutSheet(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("send: code %d\n%s%s", code, out, errOut)
	}
	if err := os.Remove(filepath.Join(filepath.Dir(camp), "r.csv")); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "show", camp, "user001@example.com")
	if code != exitOK || out != string(serverCopy(t, srv, "user001@example.com")) || !strings.Contains(errOut, "row 3 when sent") {
		t.Errorf("show: code %d\n%s", code, errOut)
	}
}

// TestReportNamesCcAndBcc: report.csv gives each row's Cc and Bcc as its
// message went out, after the other columns: send's report, report's
// rebuilt from the journal, and a later send's, which has the row from the
// journal. A Cc the server refused while the To took the message is
// listed, and the detail names the refusal.
func TestReportNamesCcAndBcc(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "gone@example.com" {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 0, "cc: '{{.manager}}'\nbcc: 'Audit <audit@example.com>'\n")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name,manager\n" +
		"ann@example.com,Ann,Boss <boss@example.com>\nbob@example.com,Bob,gone@example.com\ncid@example.com,Cid,\n"})
	check := func(when string) {
		t.Helper()
		for key, want := range map[string][2]string{
			"ann@example.com": {"Boss <boss@example.com>", "Audit <audit@example.com>"},
			"bob@example.com": {"gone@example.com", "Audit <audit@example.com>"},
			"cid@example.com": {"", "Audit <audit@example.com>"},
		} {
			if r := rowByKey(t, camp, key); r["status"] != "sent" || r["cc"] != want[0] || r["bcc"] != want[1] {
				t.Errorf("%s: %s's row: %s, cc %q, bcc %q; want sent, %q, %q", when, key, r["status"], r["cc"], r["bcc"], want[0], want[1])
			}
		}
		if r := rowByKey(t, camp, "bob@example.com"); !strings.Contains(r["detail"], "gone@example.com (550 5.1.1") {
			t.Errorf("%s: bob's detail %q does not name the Cc refused", when, r["detail"])
		}
	}
	for _, run := range []struct {
		name string
		args []string
	}{{"send", []string{"send", "--yes", camp}}, {"report", []string{"report", camp}}, {"a later send", []string{"send", "--yes", camp}}} {
		if out, errOut, code := runCLI(t, run.args...); code != exitOK && code != exitSomeFailed {
			t.Fatalf("%s: exit %d\n%s%s", run.name, code, out, errOut)
		}
		check(run.name)
	}
}

// TestReportKeepsSendSettings: the page tidings report writes shows the
// settings the last send ran under (--rate, --concurrency), as that
// send's own page did, not the campaign file's.
func TestReportKeepsSendSettings(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "send: {concurrency: 3, rate: 60/m}\n")
	if out, errOut, code := runCLI(t, "send", "--yes", "--rate", "6000/m", "--concurrency", "2", camp); code != exitOK {
		t.Fatalf("send: %d\n%s%s", code, out, errOut)
	}
	page := filepath.Join(filepath.Dir(camp), ".tidings", "t", "report.html")
	settings := regexp.MustCompile(`"settings":\{[^}]*\}`)
	sent := settings.FindString(readFile(t, page))
	if _, _, code := runCLI(t, "report", camp); code != exitOK {
		t.Fatalf("report: %d", code)
	}
	if again := settings.FindString(readFile(t, page)); sent == "" || again != sent || !strings.Contains(sent, `"rate":"6000/m"`) {
		t.Errorf("send's page: %s; report's: %s", sent, again)
	}
}
