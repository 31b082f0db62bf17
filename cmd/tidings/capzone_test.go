package main

import (
	"os"
	"os/exec"
	"regexp"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// capLineRE finds the time the line of the rows daily_cap holds back
// gives.
var capLineRE = regexp.MustCompile(`not sent \(daily_cap reached\): .* once the cap allows \(1 after (\d\d:\d\d) (UTC\S*) tomorrow, others on later days\)\.`)

// TestDailyCapTimeZone: the time of the line of the rows daily_cap holds
// back had no zone ("after 09:14 tomorrow") where the closing line's full
// time has one (fix-sum2): a cron job on a server in UTC and a laptop in
// Berlin each see the line's time in their zone, named, the minute of
// report.json's resume_after, in send's summary and report's. The binary
// runs with TZ set, as the user's shell sets it.
func TestDailyCapTimeZone(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin, err := buildTidings()
	if err != nil {
		t.Fatal(err)
	}
	for _, tz := range []string{"UTC", "Europe/Berlin"} {
		t.Run(tz, func(t *testing.T) {
			t.Parallel()
			loc, err := time.LoadLocation(tz)
			if err != nil {
				t.Fatal(err)
			}
			// The slot opens a day after the message goes: "UTC",
			// "UTC+01:00" ("UTC+02:00" in summer) in the cap's line
			// (rev-eng9).
			zone, words := time.Now().Add(24*time.Hour).In(loc).Format("Z07:00"), "UTC"
			if zone != "Z" {
				words += zone
			}
			srv := smtptest.NewServer(t)
			camp := sendCampaign(t, srv, 3, "send: {concurrency: 1, daily_cap: 1}\n")
			for _, args := range [][]string{{"send", "--yes", camp}, {"report", camp}} {
				cmd := exec.CommandContext(t.Context(), bin, args...)
				cmd.Env = append(os.Environ(), "TZ="+tz)
				out, _ := cmd.CombinedOutput()
				line, slot := capLineRE.FindSubmatch(out), capResume(t, camp).In(loc)
				// report.json's time: 2026-12-08T08:14:05Z.
				if line == nil || slot.IsZero() || string(line[2]) != words || string(line[1]) != slot.Format("15:04") {
					t.Errorf("%s under TZ=%s: want the cap's line after HH:MM %s tomorrow, report.json's minute (%s) in that zone\n%s", args[0], tz, words, slot, out)
				}
			}
		})
	}
}
