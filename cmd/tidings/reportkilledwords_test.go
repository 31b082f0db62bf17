package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
	"github.com/tidings/tidings/sendpool/report"
)

// TestReportSaysKilled: after a send killed outright (SIGKILL) between
// two messages, report.json's ending said killed, but tidings report's
// lines did not (27 rows "not tried yet", as after a send that went
// through), and the report page's run table said the run "finished"
// (fix-report2). Report's lines say it in report.json's words, with
// what sends the rest, and so does the page's run table, with
// JavaScript, beside its ending line.
func TestReportSaysKilled(t *testing.T) {
	camp := killedAfter(t, 30, 3)
	out, errOut, code := runCLI(t, "report", camp)
	if code != exitSomeFailed {
		t.Fatalf("report: code %d\n%s%s", code, out, errOut)
	}
	e := readReportJSON(t, camp).Ending
	if e.Kind != report.EndKilled || e.Next == "" {
		t.Fatalf("report.json's ending: %+v", *e)
	}
	if want := "last send: killed: " + e.Words + "; " + e.Next + ".\n"; !strings.Contains(out, want) {
		t.Errorf("report's lines do not say %q:\n%s", want, out)
	}
	for _, script := range []bool{true, false} {
		if got := readPageEnding(t, camp, script); got.Kind != report.EndKilled || !strings.Contains(strings.Join(strings.Fields(got.Text), " "), e.Words) {
			t.Errorf("the page, JavaScript %v, tells the ending as %q (%q)", script, got.Text, got.Kind)
		}
	}
	if got := pageRunStops(t, camp); len(got) != 1 || got[0] != e.Words {
		t.Errorf("the page's run table gives the runs' stops as %q, want the killed run's %q", got, e.Words)
	}
}

// pageRunStops opens camp's report.html in Chromium with its script and
// reads the "Stopped because" cells of its run table, each without the
// run's recorded settings under it.
func pageRunStops(t *testing.T, camp string) []string {
	t.Helper()
	b := chromium.Start(t, 60*time.Second, 1200, 900)
	b.Do(t, "load report.html", chromedp.Navigate(chromium.FileURL(filepath.Join(filepath.Dir(camp), ".tidings", "t", report.PageFile))),
		chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	return chromium.Get(t, b, "run stops", chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('#runs tbody tr')).map(
		function (tr) { var c = tr.cells[tr.cells.length - 1]; var b = c.querySelector('bdi'); return b ? b.textContent : c.textContent; })`))
}

// TestPageKilledRunAfterRefusal: a send killed outright (SIGKILL)
// between two messages, then a send refused as a row has a problem: the
// report page's run table said the killed run "finished", the page's
// ending being the refusal's, on the refused send's page and report's.
// The killed run's stop says it was killed whatever the ending, as it did
// before the refusal.
func TestPageKilledRunAfterRefusal(t *testing.T) {
	camp := killedAfter(t, 30, 3)
	setSheet(t, camp, readFile(t, filepath.Join(filepath.Dir(camp), "r.csv"))+"bad-address,Bad\n")
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed {
		t.Fatalf("refused send: code %d\n%s%s", code, out, errOut)
	}
	if got := pageRunStops(t, camp); len(got) != 1 || !strings.Contains(got[0], "killed outright") {
		t.Errorf("the refused send's page gives the runs' stops as %q, want the killed run's words", got)
	}
	if out, errOut, code := runCLI(t, "report", camp); code != exitSomeFailed {
		t.Fatalf("report: code %d\n%s%s", code, out, errOut)
	}
	if e := readReportJSON(t, camp).Ending; e.Kind != report.EndRefused {
		t.Fatalf("report.json's ending: %+v", *e)
	}
	if got := pageRunStops(t, camp); len(got) != 1 || !strings.Contains(got[0], "killed outright") {
		t.Errorf("the page's run table gives the runs' stops as %q, want the killed run's words", got)
	}
}

// TestPageKilledRunFollowed: a send killed outright (SIGKILL) between
// two messages, then a send of the rest to the end: the report page's
// run table said the killed run "finished" (rev-user17, a conference's
// tickets sent at --rate 5/s, killed after 20 s), as only the latest
// send run, or one a refused send followed, was told killed. Its row
// says it was killed, the later run's finished.
func TestPageKilledRunFollowed(t *testing.T) {
	camp := killedAfter(t, 30, 3)
	if out, errOut, code := runCLI(t, "send", "--yes", "--rate", "1000/s", camp); code != exitOK {
		t.Fatalf("second send: code %d\n%s%s", code, out, errOut)
	}
	if out, errOut, code := runCLI(t, "report", camp); code != exitOK {
		t.Fatalf("report: code %d\n%s%s", code, out, errOut)
	}
	got := pageRunStops(t, camp)
	if len(got) != 2 || !strings.Contains(got[0], "killed outright") || strings.Contains(got[1], "killed") {
		t.Errorf("the page's run table gives the runs' stops as %q, want the first run killed, the second not", got)
	}
}
