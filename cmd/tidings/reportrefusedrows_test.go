package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestReportRefusedRowsSaySo: after a send refused to start, as a row has
// a problem, tidings report gave the rows it would have sent "not tried
// yet: no send has reached this row" (or the stop of the run before it)
// and said "tidings send c.yaml sends them", which the next send refuses
// again until the row is fixed; the refused send's report.csv said "not
// tried: send refused to start …" (today's review). Report's rows read
// as the refused send's, its summary gives them one line of their own in
// the refusal's words (as a summary of the send's report gives them), not
// a "not sent:" line each, and its last line says they go once the row
// is fixed; so too for rows a stopped run left before the refusal
// (journal.State.Stopped), the one it tried (the server's quota used up)
// among them.
func TestReportRefusedRowsSaySo(t *testing.T) {
	t.Parallel()
	quota := smtptest.NewServer(t, smtptest.OnRcpt(func(smtptest.Session, string) error {
		return smtptest.Reply(550, "5.4.5", "Daily sending quota exceeded")
	}))
	for _, first := range []string{"", "no answer", "quota"} {
		stoppedFirst := first != ""
		port := closedPort(t)
		if first == "quota" {
			port = quota.Port
		}
		dir := t.TempDir()
		yaml := campaignYAML(port, "smtp: {host: 127.0.0.1, port: PORT, security: none}", "send: {concurrency: 1, retry_backoff: 1ms}")
		sheet := "email,name\nann@example.com,Ann\nbob@example.com,Bob\nche@example.com,Che\n"
		writeFiles(t, dir, map[string]string{"c.yaml": yaml, "body.txt": "Hi {{.name}}\n", "r.csv": sheet})
		camp := filepath.Join(dir, "c.yaml")
		if stoppedFirst { // the run stops, its rows left "run stopped: …" (under a quota, the first one tried)
			if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitUnusable {
				t.Fatalf("the stopped send (%s): code %d\n%s%s", first, code, out, errOut)
			}
			if r := readReport(t, camp)[0]; first == "quota" && (r["status"] != "not-attempted" || r["attempts"] != "1") {
				t.Fatalf("the quota's stop: row 2 %v, want tried once and not attempted", r)
			}
		}
		writeFiles(t, dir, map[string]string{"r.csv": sheet + "bad-address,Bad\n"})
		if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed {
			t.Fatalf("refused send: code %d\n%s%s", code, out, errOut)
		}
		sent := readReport(t, camp)
		var want bytes.Buffer
		sum := report.Summarize(readReportJSON(t, camp).Rows)
		sum.WriteText(&want) // the refused send's summary, as report gives it
		out, errOut, code := runCLI(t, "report", camp)
		if code != exitSomeFailed {
			t.Fatalf("report: code %d\n%s%s", code, out, errOut)
		}
		rebuilt := readReport(t, camp)
		for i, r := range sent {
			if i >= len(rebuilt) || rebuilt[i]["status"] != r["status"] || rebuilt[i]["detail"] != r["detail"] {
				t.Errorf("stopped first %q: row %s: send's %s %q, report's %v", first, r["row"], r["status"], r["detail"], rebuilt[min(i, len(rebuilt)-1)])
			}
		}
		if sent[0]["detail"] != sendpool.RefusedUnsent {
			t.Errorf("stopped first %q: the refused send's row 2: %q", first, sent[0]["detail"])
		}
		line := "3 not tried: send refused to start, as rows have problems; fix them, or send the rest with --skip-invalid.\n"
		if !strings.Contains(want.String(), line) || !strings.Contains(out, want.String()) {
			t.Errorf("stopped first %q: report's lines do not have the send's summary with %q:\n%s\nthe send's:\n%s", first, line, out, want.String())
		}
		for _, not := range []string{"sends them", "not tried yet", "run stopped", "ann@example.com"} {
			if strings.Contains(out, not) {
				t.Errorf("stopped first %q: report's lines say %q:\n%s", first, not, out)
			}
		}
		if last := "send sends the not-attempted once the rows with problems are fixed\n"; !strings.HasSuffix(errOut, last) {
			t.Errorf("stopped first %q: report's last line does not end %q:\n%s", first, last, errOut)
		}
		if line := "nothing has been sent for this campaign yet\n"; !stoppedFirst && !strings.HasPrefix(out, line) {
			t.Errorf("report's first line is not %q (a row is invalid, not every one not attempted):\n%s", line, out)
		}
	}
}

// TestReportRefusedAfterCap: after a run daily_cap stopped, a send
// refused to start as a row has a problem; report's last line said the
// not-attempted go "once the rows with problems are fixed", and the
// fixed send sent none: the cap still held them (rev-eng19). It says
// they go once the rows are fixed and the cap's next slot opens.
func TestReportRefusedAfterCap(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	dir := t.TempDir()
	yaml := campaignYAML(srv.Port, "send: {concurrency: 1, retry_backoff: 1ms, daily_cap: 2}")
	sheet := "email,name\nann@example.com,Ann\nbob@example.com,Bob\nche@example.com,Che\ndee@example.com,Dee\n"
	writeFiles(t, dir, map[string]string{"c.yaml": yaml, "body.txt": "Hi {{.name}}\n", "r.csv": sheet})
	camp := filepath.Join(dir, "c.yaml")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed || len(srv.Messages()) != 2 {
		t.Fatalf("the capped send: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	writeFiles(t, dir, map[string]string{"r.csv": sheet + "bad-address,Bad\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed {
		t.Fatalf("refused send: code %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := runCLI(t, "report", camp)
	if last := "send sends the not-attempted once the rows with problems are fixed and daily_cap's next slot opens (above)\n"; code != exitSomeFailed || !strings.HasSuffix(errOut, last) {
		t.Errorf("report: code %d, its last line does not end %q:\n%s%s", code, last, out, errOut)
	}
}
