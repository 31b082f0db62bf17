package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/report"
)

// setSheet writes sheet as camp's r.csv.
func setSheet(t *testing.T, camp, sheet string) {
	t.Helper()
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": sheet})
}

// TestReportAfterRefusedSend: a send refused to start, as a row has a
// problem, wrote its report with the ending "refused" and nothing to
// the journal, so tidings report after it, and bounces (which rewrites
// the report), said "finished", the send before's ending, over the
// refusal's report.json. The refusal is a run record of its own: report
// and bounces say refused, in the send's words (report's lines too),
// the rows the send before sent still sent (and bounced since); the next
// send ends it, also one with nothing to send.
func TestReportAfterRefusedSend(t *testing.T) {
	t.Parallel()
	camp, _, _, deliver := popBounces(t, "", "")
	b, err := os.ReadFile(filepath.Join(filepath.Dir(camp), "r.csv"))
	if err != nil {
		t.Fatal(err)
	}
	sheet := string(b)
	setSheet(t, camp, sheet+"bad-address,Bad\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed {
		t.Fatalf("refused send: code %d\n%s%s", code, out, errOut)
	}
	refused := readReportJSON(t, camp).Ending
	if refused.Kind != report.EndRefused {
		t.Fatalf("the refused send's ending: %+v", *refused)
	}
	out, errOut, code := runCLI(t, "report", camp)
	if code != exitSomeFailed {
		t.Fatalf("report: code %d\n%s%s", code, out, errOut)
	}
	r := readReportJSON(t, camp)
	sameEnding(t, refused, r.Ending)
	if r.Ending.Next != refused.Next {
		t.Errorf("report's next %q, the send's %q", r.Ending.Next, refused.Next)
	}
	if want := "last send: refused: " + refused.Words + "; " + refused.Next + ".\n"; !strings.Contains(out, want) {
		t.Errorf("report's lines do not say %q:\n%s", want, out)
	}
	if s := r.Summary; s.Sent != 5 || s.Invalid != 1 || s.Total != 6 {
		t.Errorf("report after the refusal: %s, want the 5 sent before and the invalid row", s.Counts())
	}
	var reports []string
	for _, m := range mailboxReports(messageIDs(t, camp)) {
		reports = append(reports, string(m))
	}
	deliver(reports...)
	if out, errOut, code := runCLI(t, "bounces", camp); code == exitUnusable {
		t.Fatalf("bounces: code %d\n%s%s", code, out, errOut)
	}
	r = readReportJSON(t, camp)
	sameEnding(t, refused, r.Ending)
	if s := r.Summary; s.Bounced != 1 || s.Invalid != 1 {
		t.Errorf("the report bounces wrote: %s", s.Counts())
	}
	setSheet(t, camp, sheet) // fixed: everyone is sent or settled
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK || !strings.Contains(out, "nothing left to send") {
		t.Fatalf("the send after: code %d\n%s%s", code, out, errOut)
	}
	if e := readReportJSON(t, camp).Ending; e.Kind != report.EndFinished {
		t.Errorf("the send after the refusal: ending %+v", *e)
	}
	if out, errOut, code := runCLI(t, "report", camp); code != exitOK {
		t.Fatalf("report after: code %d\n%s%s", code, out, errOut)
	}
	if e := readReportJSON(t, camp).Ending; e.Kind != report.EndFinished {
		t.Errorf("report after the send that ended the refusal: ending %+v", *e)
	}
}

// TestRefusalRepeatedOneLine: a send refused again in the same words (a
// cron retrying it each hour while the sheet is unfixed) wrote a run line
// a refusal, so a week of hourly retries grew the journal by 168 lines
// saying nothing more. The journal keeps one line of such refusals and
// report still says refused; a refusal in other words, or one after a
// send that ran, is written.
func TestRefusalRepeatedOneLine(t *testing.T) {
	t.Parallel()
	camp, state := sentCampaign(t, 3)
	sheet := readFile(t, filepath.Join(filepath.Dir(camp), "r.csv"))
	refuse := func(sheet string, want int) {
		t.Helper()
		setSheet(t, camp, sheet)
		if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed {
			t.Fatalf("refused send: code %d\n%s%s", code, out, errOut)
		}
		if got := strings.Count(readFile(t, filepath.Join(state, "journal.jsonl")), `"refused":"`); got != want {
			t.Errorf("%d refusal lines in the journal, want %d", got, want)
		}
	}
	bad := sheet + "bad-address,Bad\n"
	for range 3 {
		refuse(bad, 1)
	}
	if out, errOut, code := runCLI(t, "report", camp); code != exitSomeFailed || !strings.Contains(out, "last send: refused: 1 of 4 rows have problems") {
		t.Errorf("report after the refusals: code %d\n%s%s", code, out, errOut)
	}
	refuse(bad+"worse-address,Worse\n", 2) // other words
	setSheet(t, camp, sheet)
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("the send after: code %d\n%s%s", code, out, errOut)
	}
	refuse(bad, 3) // the last send is that one now
}

// TestReportKeepsRefusedSendSettings: a send --rate 100/s refused to
// start, as a row has a problem, showed its --rate on its page, and
// report's command to send the rest named it ("send --yes --rate
// 100/s"), but the page tidings report wrote after it showed the
// settings of the send before, which lastSendSettings took for the last
// send as it skipped refusals. The last send is journal.State.LastSend's
// for both: report's page shows the refused send's settings, as its own
// page did.
func TestReportKeepsRefusedSendSettings(t *testing.T) {
	t.Parallel()
	camp, state := sentCampaign(t, 3)
	setSheet(t, camp, readFile(t, filepath.Join(filepath.Dir(camp), "r.csv"))+"bad-address,Bad\n")
	if out, errOut, code := runCLI(t, "send", "--yes", "--rate", "100/s", "--concurrency", "2", camp); code != exitSomeFailed {
		t.Fatalf("refused send: code %d\n%s%s", code, out, errOut)
	}
	page := filepath.Join(state, "report.html")
	settings := regexp.MustCompile(`"settings":\{[^}]*\}`)
	refused := settings.FindString(readFile(t, page))
	if out, errOut, code := runCLI(t, "report", camp); code != exitSomeFailed {
		t.Fatalf("report: code %d\n%s%s", code, out, errOut)
	}
	if again := settings.FindString(readFile(t, page)); refused == "" || again != refused || !strings.Contains(refused, `"rate":"100/s"`) {
		t.Errorf("the refused send's page: %s; report's: %s", refused, again)
	}
}
