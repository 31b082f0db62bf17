package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
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
// among them, whose stop the rows and the last line name too while it
// may still hold (TestReportRefusedAfterQuota).
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
		if d := sent[0]["detail"]; !sendpool.IsRefusedUnsent(d) || (sendpool.RefusedStop(d) != "") != stoppedFirst {
			t.Errorf("stopped first %q: the refused send's row 2: %q", first, d)
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
		last := map[string]string{"": "", "no answer": " and the server answers or the settings are fixed (see why the run stopped)",
			"quota": " and the server's quota resets (often a day)"}[first]
		if last := "send --yes sends the not-attempted once the rows with problems are fixed" + last + "\n"; !strings.HasSuffix(errOut, last) {
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
	if last := "send --yes sends the not-attempted once the rows with problems are fixed and daily_cap allows (above)\n"; code != exitSomeFailed || !strings.HasSuffix(errOut, last) {
		t.Errorf("report: code %d, its last line does not end %q:\n%s%s", code, last, out, errOut)
	}
}

// TestReportRefusedAfterQuota: a run the server's sending quota stopped
// ("send again once it resets (often a day)"), then a send refused to
// start as a row has a problem: report said only the refusal, its last
// line that the rows go "once the rows with problems are fixed", and a
// fixed send before the quota reset stopped again (fix-report4). The
// refused send's lines, the rows (report.csv), report's lines,
// report.json's ending and the page, the refused send's and report's,
// say both: the rows to fix, and that
// the rows left go only once the quota resets.
func TestReportRefusedAfterQuota(t *testing.T) {
	t.Parallel()
	var open atomic.Bool
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(smtptest.Session, string) error {
		if !open.Load() {
			return smtptest.Reply(550, "5.4.5", "Daily sending quota exceeded")
		}
		return nil
	}))
	dir := t.TempDir()
	yaml := campaignYAML(srv.Port, "send: {concurrency: 1, retry_backoff: 1ms}")
	sheet := "email,name\nann@example.com,Ann\nbob@example.com,Bob\nche@example.com,Che\n"
	writeFiles(t, dir, map[string]string{"c.yaml": yaml, "body.txt": "Hi {{.name}}\n", "r.csv": sheet})
	camp := filepath.Join(dir, "c.yaml")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitUnusable {
		t.Fatalf("the quota's stop: code %d\n%s%s", code, out, errOut)
	}
	writeFiles(t, dir, map[string]string{"r.csv": sheet + "bad-address,Bad\n"})
	const stop, when = "the server's sending quota is used up: 550 5.4.5 Daily sending quota exceeded", "only once the server's quota resets (often a day)"
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed || !strings.Contains(out, "note: the run before this one stopped ("+stop+"): fixed, the rows left go "+when+"\n") {
		t.Fatalf("refused send: code %d, want the quota's stop noted\n%s%s", code, out, errOut)
	}
	if e := readPageEnding(t, camp, true); e.Kind != report.EndRefused || !strings.Contains(e.Text, stop) || !strings.Contains(e.Text, when) {
		t.Errorf("the refused send's page: %+v, want the quota's stop and when the rows go", e)
	}
	sent := readReportJSON(t, camp).Ending // its next named "the next send", report's the command
	out, errOut, code := runCLI(t, "report", camp)
	if code != exitSomeFailed || !strings.Contains(out, "last send: refused: 1 of 4 rows have problems; nothing was sent; fix them, or send the rest with --skip-invalid; and as the run before it stopped ("+stop+"), tidings send --yes "+commandArg(camp)+" sends the rows left "+when+".\n") ||
		!strings.HasSuffix(errOut, "send --yes sends the not-attempted once the rows with problems are fixed and the server's quota resets (often a day)\n") {
		t.Errorf("report: code %d\n%s%s", code, out, errOut)
	}
	for _, r := range readReport(t, camp)[:3] {
		if r["detail"] != sendpool.RefusedUnsent+"; before it, run stopped: "+stop {
			t.Errorf("report.csv's row %s: %q, want the refusal and the quota's stop", r["row"], r["detail"])
		}
	}
	if e := readReportJSON(t, camp).Ending; e.Kind != report.EndRefused || !strings.Contains(e.Next, when) {
		t.Errorf("report.json's ending: %+v", *e)
	} else {
		sameEnding(t, sent, e)
	}
	for _, script := range []bool{true, false} {
		if e := readPageEnding(t, camp, script); !strings.Contains(e.Text, stop) || !strings.Contains(e.Text, when) {
			t.Errorf("report's page (script %v): %+v, want the quota's stop and when the rows go", script, e)
		}
	}
	writeFiles(t, dir, map[string]string{"r.csv": sheet + "dee@example.com,Dee\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitUnusable || len(srv.Messages()) != 0 {
		t.Errorf("fixed, before the quota resets: code %d, %d messages, want stopped again\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	open.Store(true)
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || len(srv.Messages()) != 4 {
		t.Errorf("once it resets: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
}

// TestReportRefusedBeforePart: a send in parts whose sheet was edited
// while its part 1 ran (a row broken) refused to start its part 2;
// report then said "5 sent" and under it "6 not tried: send refused to
// start", and its reader could not tell the 5 went in that send's part 1
// (fix-report4). The rows the part would have sent, in the refused
// part's report and in report's, and report's line of them say the send
// refused to start its part 2 after its part 1 sent 5; the send's last
// line and report's line of them name the command that sends the rest,
// not "run send again".
func TestReportRefusedBeforePart(t *testing.T) {
	var camp string
	var mu sync.Mutex
	n := 0
	srv := smtptest.NewServer(t, smtptest.OnData(func(_ smtptest.Session, _ *smtptest.Message) error {
		mu.Lock()
		defer mu.Unlock()
		if n++; n == 5 { // the first part's last message
			sheet := filepath.Join(filepath.Dir(camp), "r.csv")
			return os.WriteFile(sheet, []byte(strings.Replace(readFile(t, sheet), "user008@example.com", "user008@@example.com", 1)), 0o644)
		}
		return nil
	}))
	camp = sendCampaign(t, srv, 12, "send: {concurrency: 1, rate: 100/s}\n")
	if out, errOut, err := sendWith(camp, sendOptions{partSpan: partSpanForTest}); exitCode(err) != exitSomeFailed || len(srv.Messages()) != 5 ||
		!strings.Contains(out, "the run stops before its part 2") || !strings.Contains(out+errOut, "Fix them and run tidings send --yes "+commandArg(camp)+" for the rest") {
		t.Fatalf("send: %v, %d messages\n%s%s", err, len(srv.Messages()), out, errOut)
	}
	want := sendpool.RefusedAfter(2, 5, "")
	sent := readReport(t, camp)
	out, errOut, code := runCLI(t, "report", camp)
	line := "6 not tried: send refused to start its part 2, as rows have problems, after its part 1 sent 5; fix them and run tidings send --yes " + commandArg(camp) + " for the rest, or send the rest with --skip-invalid.\n"
	if code != exitSomeFailed || !strings.Contains(out, "12 recipients: 5 sent, 1 invalid, 6 not-attempted\n"+line) {
		t.Errorf("report: code %d, want %q under the counts\n%s%s", code, line, out, errOut)
	}
	for i, r := range readReport(t, camp) {
		if r["status"] == "not-attempted" && (r["detail"] != want || sent[i]["detail"] != want) {
			t.Errorf("row %s: the refused part's report %q, report's %q, want %q", r["row"], sent[i]["detail"], r["detail"], want)
		}
	}
}
