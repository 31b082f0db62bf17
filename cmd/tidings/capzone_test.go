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
// gives, and nextSlotRE's the full time the closing line gives.
var capLineRE = regexp.MustCompile(`not sent \(daily_cap reached\): .* once the cap allows \(after (\d\d:\d\d) (UTC\S*) tomorrow\)\.`)

// TestDailyCapTimeZone: the time of the line of the rows daily_cap holds
// back had no zone ("after 09:14 tomorrow") where the closing line's full
// time has one (fix-sum2): a cron job on a server in UTC and a laptop in
// Berlin each see the line's time in the zone the closing line gives, the
// same minute, in send's summary and report's. The binary runs with TZ
// set, as the user's shell sets it.
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
			// The slot opens a day after the message goes: "Z", "+01:00"
			// ("+02:00" in summer) in the closing line, "UTC",
			// "UTC+01:00" in the cap's (rev-eng9).
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
				line, slot := capLineRE.FindSubmatch(out), nextSlotRE.FindSubmatch(out)
				// The closing line's time: 2026-12-08T09:14:05+01:00.
				if line == nil || slot == nil || len(slot[1]) < 20 || string(line[2]) != words || string(slot[1][19:]) != zone || string(line[1]) != string(slot[1][11:16]) {
					t.Errorf("%s under TZ=%s: want the cap's line after HH:MM %s tomorrow, the closing line's minute and zone %s\n%s", args[0], tz, words, zone, out)
				}
			}
		})
	}
}
