package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// pageEnding is how report.html tells the last send's ending and its
// rows needing attention, as headless Chromium shows it: drawn by its
// script (#ending, and #static-attention moved into its summary) or, with
// JavaScript off, in its part without it (#static-ending, #static-rows).
type pageEnding struct {
	Kind, Text string
	// Attention is the rows needing attention, as shown: "row status".
	Attention []string
}

// readPageEnding opens the campaign's report.html in Chromium, with its
// script or without, and reads how it tells the last send's ending.
func readPageEnding(t *testing.T, camp string, script bool) pageEnding {
	t.Helper()
	b := chromium.Start(t, 60*time.Second, 1200, 900)
	url := chromium.FileURL(filepath.Join(filepath.Dir(camp), ".tidings", "t", report.PageFile))
	if !script {
		b.ScriptsOff(t)
		b.Do(t, "load report.html without JavaScript", chromedp.Navigate(url))
		return chromium.Get(t, b, "ending", chromedp.Evaluate[pageEnding](`(function () {
			var p = document.getElementById('static-ending');
			return { Kind: p ? p.dataset.kind : '', Text: p ? p.textContent : '',
				Attention: Array.from(document.querySelectorAll('#static-rows tbody tr')).map(
					function (tr) { return tr.cells[0].textContent + ' ' + tr.cells[3].textContent; }) }; })()`))
	}
	b.Do(t, "load report.html", chromedp.Navigate(url), chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	return chromium.Get(t, b, "ending", chromedp.Evaluate[pageEnding](`(function () {
		var p = document.getElementById('ending');
		var shown = p && !p.hidden;
		var att = document.getElementById('static-attention');
		var rows = att && att.checkVisibility() ? Array.from(att.querySelectorAll('#static-rows tbody tr')) : [];
		return { Kind: shown ? p.dataset.kind : '', Text: shown ? p.innerText : '',
			Attention: rows.map(function (tr) { return tr.cells[0].textContent + ' ' + tr.cells[3].textContent; }) }; })()`))
}

// TestSendRefusedPageSaysSo: after a send with a failing row, a row with
// a problem added to the sheet made the next send refuse to start (exit
// 1); report.json said so (its ending "refused"), but report.html showed
// only the earlier run as finished, and the invalid row was not among
// those needing attention (today's review). The page says how the last
// send ended in report.json's words, with and without JavaScript, and
// lists the invalid row under "Needing attention"; so does the page
// tidings report writes after it.
func TestSendRefusedPageSaysSo(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if strings.HasPrefix(to, "user001@") {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 3, "")
	if _, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed {
		t.Fatalf("first send: code %d, want %d\n%s", code, exitSomeFailed, errOut)
	}
	sheet := filepath.Join(filepath.Dir(camp), "r.csv")
	b, err := os.ReadFile(sheet)
	if err != nil {
		t.Fatal(err)
	}
	writeFiles(t, filepath.Dir(sheet), map[string]string{"r.csv": string(b) + "bad-address,Bad\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitSomeFailed {
		t.Fatalf("refused send: code %d, want %d\n%s%s", code, exitSomeFailed, out, errOut)
	}
	checkPageEnding(t, camp, "send")
	if _, errOut, code := runCLI(t, "report", camp); code != exitSomeFailed {
		t.Fatalf("report: code %d\n%s", code, errOut)
	}
	checkPageEnding(t, camp, "report")
}

// checkPageEnding checks that camp's report page, written by the command
// what, tells report.json's ending in its words, with and without
// JavaScript, and lists the failed row 3 and the invalid row 5 as needing
// attention, with and without JavaScript (with it, they were not shown:
// fix-report2).
func checkPageEnding(t *testing.T, camp, what string) {
	t.Helper()
	e := readReportJSON(t, camp).Ending
	if what == "send" && e.Kind != report.EndRefused {
		t.Fatalf("report.json's ending after the refused send: %+v", *e)
	}
	for _, script := range []bool{true, false} {
		got := readPageEnding(t, camp, script)
		text := strings.Join(strings.Fields(got.Text), " ")
		if got.Kind != e.Kind || !strings.Contains(text, "Last send: "+e.Kind) || !strings.Contains(text, e.Words) || !strings.Contains(text, e.Next) {
			t.Errorf("%s, JavaScript %v: the page tells the ending as %q (%q); report.json's is %+v", what, script, text, got.Kind, *e)
		}
		if want := []string{"3 failed", "5 invalid"}; strings.Join(got.Attention, "|") != strings.Join(want, "|") {
			t.Errorf("%s, JavaScript %v: needing attention %q, want %q", what, script, got.Attention, want)
		}
	}
}
