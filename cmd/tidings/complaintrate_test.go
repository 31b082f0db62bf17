package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tidings/tidings/render/chromium"
	"github.com/tidings/tidings/sendpool/report"
)

// TestComplaintRate: once a complaint (an ARF report, RFC 5965) came
// back, bounces, report, report.json and the page said "1 complained"
// but never compared it with the 0.3% Gmail and Yahoo allow any sender
// (rev-user16, moving a shop's newsletter from listmonk). Each gives the
// rate among the messages delivered, 1 of 12 here, as a warning past
// 0.3%, and says Gmail sends no complaint reports.
func TestComplaintRate(t *testing.T) {
	var sheet strings.Builder
	sheet.WriteString("email,name\n")
	for i := range 12 {
		fmt.Fprintf(&sheet, "u%02d@example.org,U %d\n", i, i)
	}
	camp, _, _, deliver := popBounces(t, "", sheet.String())
	arf := strings.ReplaceAll(strings.ReplaceAll(arfReport, "MSGID", messageIDs(t, camp)["u03@example.org"]), "cid@example.org", "u03@example.org")
	deliver(arf)
	const want = "warning: complaint rate: 8.33% (1 complained of the 12 delivered), at or over the 0.3% Gmail and Yahoo allow any sender"
	const gmail = "Gmail sends senders none"
	out, errOut, code := runCLI(t, "bounces", camp)
	if code == exitUnusable || !strings.Contains(out, "1 complained") || !strings.Contains(out, want) || !strings.Contains(out, gmail) {
		t.Errorf("bounces: code %d, want %q\n%s%s", code, want, out, errOut)
	}
	if out, errOut, _ = runCLI(t, "report", camp); !strings.Contains(out, "11 sent, 1 complained\n"+want) || !strings.Contains(out, gmail) {
		t.Errorf("report does not say %q under its counts:\n%s%s", want, out, errOut)
	}
	if s := readReportJSONRaw(t, camp); !strings.Contains(s, `"complaint_rate": 0.083333`) || !strings.Contains(s, `"delivered": 12`) {
		t.Errorf("report.json's summary has no complaint rate:\n%.600s", s)
	}
	for _, script := range []bool{true, false} {
		text, over := pageComplaints(t, camp, script)
		if !strings.Contains(strings.Join(strings.Fields(text), " "), want) || !strings.Contains(text, gmail) || !over {
			t.Errorf("the page, JavaScript %v, gives the complaint rate as %q (marked over the limit: %v)", script, text, over)
		}
	}
}

// readReportJSONRaw is camp's report.json as written.
func readReportJSONRaw(t *testing.T, camp string) string {
	t.Helper()
	return readFile(t, filepath.Join(filepath.Dir(camp), ".tidings", "t", report.JSONFile))
}

// pageComplaints opens camp's report.html in Chromium, with its script
// or without, and reads the complaint rate's line and whether it is
// marked as over the limit.
func pageComplaints(t *testing.T, camp string, script bool) (string, bool) {
	t.Helper()
	b := chromium.Start(t, 60*time.Second, 1200, 900)
	url := chromium.FileURL(filepath.Join(filepath.Dir(camp), ".tidings", "t", report.PageFile))
	id := "complaints"
	if script {
		b.Do(t, "load report.html", chromedp.Navigate(url), chromedp.Poll[chromedp.Void](`document.body.dataset.state === 'ready'`))
	} else {
		b.ScriptsOff(t)
		b.Do(t, "load report.html without JavaScript", chromedp.Navigate(url))
		id = "static-complaints"
	}
	got := chromium.Get(t, b, "complaint line", chromedp.Evaluate[[]any](`(function () { var p = document.getElementById('`+id+`');
		return p && !p.hidden && p.offsetParent !== null ? [p.textContent, p.classList.contains('over')] : ['', false]; })()`))
	text, _ := got[0].(string)
	over, _ := got[1].(bool)
	return text, over
}
