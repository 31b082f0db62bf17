package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// reportJSON is what the tests read of report.json.
type reportJSON struct {
	Summary report.Summary `json:"summary"`
	Ending  *report.Ending `json:"ending"`
	Rows    []report.Row   `json:"rows"`
}

// readReportJSON reads report.json from camp's state folder (.tidings/t).
func readReportJSON(t *testing.T, camp string) reportJSON {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(filepath.Dir(camp), ".tidings", "t", "report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r reportJSON
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("report.json: %v\n%s", err, b)
	}
	if r.Ending == nil {
		t.Fatalf("report.json has no ending:\n%.600s", b)
	}
	return r
}

// writtenSince fails t when e was not written at or after start.
func writtenSince(t *testing.T, who string, e *report.Ending, start time.Time) {
	t.Helper()
	at, err := time.Parse(time.RFC3339, e.WrittenAt)
	if err != nil || at.Before(start.Truncate(time.Second)) || at.After(time.Now()) {
		t.Errorf("%s: written_at %q (%v), want a time since %s", who, e.WrittenAt, err, start.UTC().Format(time.RFC3339))
	}
}

// sameEnding fails t when report's ending is not send's: the same kind,
// cause, words and times, and what sends the rest, the command with the
// flags of that send included (report reads them from the journal).
func sameEnding(t *testing.T, send, rep *report.Ending) {
	t.Helper()
	if send.Kind != rep.Kind || send.Cause != rep.Cause || send.Words != rep.Words || send.ResumeAfter != rep.ResumeAfter ||
		send.SendsNow != rep.SendsNow || send.Next != rep.Next {
		t.Errorf("report's ending is not send's:\nsend   %+v\nreport %+v", *send, *rep)
	}
}

// endingOfRun sends camp (args before it), wanting exit code want, and
// returns report.json's ending once checked against that of tidings
// report run after it.
func endingOfRun(t *testing.T, camp string, want int, args ...string) (*report.Ending, string) {
	t.Helper()
	start := time.Now()
	out, errOut, code := runCLI(t, append(append([]string{"send", "--yes"}, args...), camp)...)
	if code != want {
		t.Fatalf("send: code %d, want %d\n%s%s", code, want, out, errOut)
	}
	sent := readReportJSON(t, camp).Ending
	writtenSince(t, "send", sent, start)
	if _, errOut, code := runCLI(t, "report", camp); code != min(want, exitSomeFailed) {
		t.Fatalf("report: code %d\n%s", code, errOut)
	}
	rep := readReportJSON(t, camp).Ending
	writtenSince(t, "report", rep, start)
	sameEnding(t, sent, rep)
	return sent, out
}

// TestReportJSONEndingCap: a send daily_cap held back said so in its
// summary and on its page, and report.json only counted the rows not
// attempted (today's user review: a cron script reads the file); its
// ending says daily_cap, when the cap lets the next go, and what sends
// the rest, and tidings report's, rebuilt from the journal, says the same.
func TestReportJSONEndingCap(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 5, "send: {concurrency: 1, daily_cap: 3, retry_backoff: 1ms}\n")
	start := time.Now()
	e, _ := endingOfRun(t, camp, exitSomeFailed)
	after, err := time.Parse(time.RFC3339, e.ResumeAfter)
	if e.Kind != report.EndDailyCap || e.Cause != "" || e.Words != "daily_cap reached" || err != nil ||
		after.Before(start.Add(24*time.Hour).Truncate(time.Second)) || after.After(time.Now().Add(24*time.Hour+time.Second)) ||
		!strings.Contains(e.Next, "tidings send --yes "+commandArg(camp)+" sends them once the cap allows (after ") {
		t.Errorf("ending %+v, want daily_cap, resume_after a day after the first message", *e)
	}
	// A message of the run refused leaves the cap room for one now: the
	// ending says so, and report's, where the rows the run held back
	// read "not tried yet", says the same.
	refusing := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "user001@example.com" {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}))
	camp = sendCampaign(t, refusing, 5, "send: {concurrency: 1, daily_cap: 3, retry_backoff: 1ms}\n")
	if e, _ := endingOfRun(t, camp, exitSomeFailed); e.Kind != report.EndDailyCap || e.SendsNow != 1 || e.ResumeAfter == "" ||
		!strings.Contains(e.Next, " sends 1 of them now, the rest once daily_cap allows (after ") {
		t.Errorf("a cap with room for one: ending %+v", *e)
	}
}

// TestReportJSONEndingStops: a send stopped by a refused login, by a
// server gone (nothing listens on its port any more), or by the
// bounce-rate guard, left report.json with its rows not attempted and
// nothing of why but each row's detail; its ending says it stopped, the
// cause a script tells them by (fix the settings; wait for the server or
// fix them; clean the list) and the stop's words in full, as tidings
// report's. The summary's one line of the rows not sent
// closes the brackets its cut words opened.
func TestReportJSONEndingStops(t *testing.T) {
	t.Setenv(secretEnv, "wrong-password")
	login := smtptest.NewServer(t, smtptest.WithAuth(testUser, testSecret))
	e, _ := endingOfRun(t, authCampaign(t, login, 4, "security: none"), exitUnusable)
	if e.Kind != report.EndStopped || e.Cause != "settings" || !strings.HasPrefix(e.Words, "run stopped: login to 127.0.0.1") ||
		!strings.HasSuffix(e.Next, " sends them once the settings are fixed (see why the run stopped)") {
		t.Errorf("refused login: ending %+v", *e)
	}
	camp := sendCampaign(t, &smtptest.Server{Port: closedPort(t)}, 21, "")
	e, out := endingOfRun(t, camp, exitUnusable)
	if e.Kind != report.EndStopped || e.Cause != "unreachable" || !strings.HasPrefix(e.Words, "run stopped: server unreachable: nothing accepts connections at ") ||
		!strings.Contains(e.Words, "(check smtp.host and smtp.port") || strings.Contains(e.Words, "…") {
		t.Errorf("server gone: ending %+v", *e)
	}
	refusing := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if strings.HasPrefix(to, "user") && strings.HasSuffix(strings.SplitN(to, "@", 2)[0], "5") {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}))
	guarded, _ := endingOfRun(t, sendCampaign(t, refusing, 500, "send: {concurrency: 1, retry_backoff: 1ms}\n"), exitSomeFailed)
	if guarded.Kind != report.EndStopped || guarded.Cause != "bounce_rate" || !strings.HasPrefix(guarded.Words, "run stopped: too many recipients refused") ||
		!strings.HasSuffix(guarded.Next, " sends them once the list is cleaned of the addresses refused (see why the run stopped)") {
		t.Errorf("bounce-rate guard: ending %+v", *guarded)
	}
	line := out[strings.Index(out, "21 not sent ("):]
	line = line[:strings.IndexByte(line, '\n')]
	if strings.Count(line, "(") != strings.Count(line, ")") || !strings.Contains(line, "…)") {
		t.Errorf("the line of the rows not sent leaves a bracket open:\n%s", line)
	}
}

// TestReportJSONEndingInterrupted: a send interrupted (SIGINT) says so in
// report.json's ending, as tidings report does after it; report run
// while that send still runs says so (running), where its report.json
// read as a finished run's.
func TestReportJSONEndingInterrupted(t *testing.T) {
	start := time.Now()
	run, _, gate, camp := interruptedWhileHeld(t, 20)
	if out, errOut, code := runCLI(t, "report", camp); code != exitSomeFailed {
		t.Fatalf("report beside the send: code %d\n%s%s", code, out, errOut)
	}
	if e := readReportJSON(t, camp).Ending; e.Kind != report.EndRunning {
		t.Errorf("report beside the send: ending %+v, want running", *e)
	}
	close(gate)
	if _, err := run.wait(); exitCode(err) == exitOK {
		t.Fatalf("send: %v, want interrupted", err)
	}
	sent := readReportJSON(t, camp).Ending
	writtenSince(t, "send", sent, start)
	if sent.Kind != report.EndInterrupted || sent.Words != "run interrupted" || !strings.HasPrefix(sent.Next, "tidings send --yes --concurrency 1 ") {
		t.Errorf("interrupted send: ending %+v", *sent)
	}
	if _, errOut, code := runCLI(t, "report", camp); code != exitSomeFailed {
		t.Fatalf("report: code %d\n%s", code, errOut)
	}
	sameEnding(t, sent, readReportJSON(t, camp).Ending)
}

// TestSendRefusedWritesReport: send refusing to start as a row has a
// problem (exit 1, nothing sent) wrote no report, so a cron script read
// the last run's report.json, every row sent, as this run's (today's user
// review); it writes the report: the rows as the preflight judged them,
// the invalid one with its problem, and the refusal as the ending.
func TestSendRefusedWritesReport(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 3, "")
	if e, _ := endingOfRun(t, camp, exitOK); e.Kind != report.EndFinished || e.Words != "every row sent or settled" {
		t.Errorf("a send of every row: ending %+v", *e)
	}
	sheet := filepath.Join(filepath.Dir(camp), "r.csv")
	b, err := os.ReadFile(sheet)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, filepath.Dir(sheet), map[string]string{"r.csv": string(b) + "not-an-address,Bad\nuser009@example.com,New\n"})
	start := time.Now()
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	if code != exitSomeFailed || !strings.Contains(out, "1 of 5 rows have problems; nothing was sent. Fix them, or send the rest with --skip-invalid.") {
		t.Fatalf("send: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	r := readReportJSON(t, camp)
	writtenSince(t, "the refused send", r.Ending, start)
	if r.Ending.Kind != report.EndRefused || r.Ending.Words != "1 of 5 rows have problems; nothing was sent" || r.Ending.Next != "fix them, or send the rest with --skip-invalid" {
		t.Errorf("refused send: ending %+v", *r.Ending)
	}
	if s := r.Summary; s.Total != 5 || s.Sent != 3 || s.Invalid != 1 || s.NotAttempted != 1 || len(r.Rows) != 5 {
		t.Fatalf("refused send: %s, %d rows; want 5: 3 sent, 1 invalid, 1 not attempted", s.Counts(), len(r.Rows))
	}
	if bad := r.Rows[3]; bad.Row != 5 || bad.Status.String() != "invalid" || !strings.Contains(bad.Detail, `"not-an-address": not an email address`) {
		t.Errorf("the invalid row: %+v", bad)
	}
	if rows := readReport(t, camp); len(rows) != 5 || rows[4]["status"] != "not-attempted" || rows[4]["detail"] != sendpool.RefusedUnsent {
		t.Errorf("report.csv after the refusal: %v", rows)
	}
	if len(srv.Messages()) != 3 {
		t.Errorf("the server has %d messages, want the first send's 3", len(srv.Messages()))
	}
}
