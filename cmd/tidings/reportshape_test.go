package main

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestReportJSONSummaryShape: report.json's summary holds every count,
// zero or not, so a script's arithmetic on them (jq '.summary.failed -
// .summary.failed_suppressed') works on every run. gone_unknown,
// failed_suppressed and unknown_suppressed were left out when zero:
// null, which jq cannot subtract.
func TestReportJSONSummaryShape(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 2, "")
	if out, errOut, code := runCLI(t, "send", "--yes", "-q", camp); code != exitOK {
		t.Fatalf("send: exit %d\n%s%s", code, out, errOut)
	}
	for _, cmd := range []string{"send", "report"} {
		if cmd == "report" {
			if out, errOut, code := runCLI(t, "report", "-q", camp); code != exitOK {
				t.Fatalf("report: exit %d\n%s%s", code, out, errOut)
			}
		}
		var doc struct {
			Summary map[string]any `json:"summary"`
		}
		if err := json.Unmarshal([]byte(readFile(t, filepath.Join(filepath.Dir(camp), ".tidings", "t", "report.json"))), &doc); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"total", "sent", "deferred", "failed", "unknown", "bounced", "soft_bounce", "complained", "invalid",
			"not_attempted", "duplicate", "suppressed", "gone_unknown", "failed_suppressed", "unknown_suppressed", "owing"} {
			if _, ok := doc.Summary[k].(float64); !ok {
				t.Errorf("%s's report.json: summary.%s is %v, want a number", cmd, k, doc.Summary[k])
			}
		}
	}
}
