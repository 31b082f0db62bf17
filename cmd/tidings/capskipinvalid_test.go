package main

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestReportCapNextSkipsInvalid: with invalid rows and daily_cap used
// up, report's summary, report.json's ending.next and the page said
// "tidings send c.yaml sends them once the cap allows" (rev-user17: a
// conference's tickets, a row's PDF missing), a send that refuses to
// start while the rows are invalid; send's own summary added
// --skip-invalid. They name the command with it.
func TestReportCapNextSkipsInvalid(t *testing.T) {
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 5, "send: {concurrency: 1, retry_backoff: 1ms, daily_cap: 2}\n")
	setSheet(t, camp, readFile(t, strings.Replace(camp, "c.yaml", "r.csv", 1))+"bad-address,Bad\n")
	if out, errOut, code := runCLI(t, "send", "--yes", "--skip-invalid", camp); code != exitSomeFailed || len(srv.Messages()) != 2 {
		t.Fatalf("send: code %d, %d messages\n%s%s", code, len(srv.Messages()), out, errOut)
	}
	out, errOut, code := runCLI(t, "report", camp)
	want := "tidings send --yes --skip-invalid " + commandArg(camp) + " sends them once the cap allows"
	if code != exitSomeFailed || !strings.Contains(out, "3 not sent (daily_cap reached): "+want) {
		t.Errorf("report: code %d, want %q\n%s%s", code, want, out, errOut)
	}
	if e := readReportJSON(t, camp).Ending; e.Kind != report.EndDailyCap || !strings.HasPrefix(e.Next, want) {
		t.Errorf("report.json's ending: %+v, want next %q", *e, want)
	}
	if got := readPageEnding(t, camp, true); !strings.Contains(strings.Join(strings.Fields(got.Text), " "), want) {
		t.Errorf("the page tells the ending as %q, want %q", got.Text, want)
	}
}
