package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// testLineTimeRE finds the time of a test message in the journal.
var testLineTimeRE = regexp.MustCompile(`("type":"test".*"finished_at":")([^"]+)`)

// backdateTests moves the test messages camp's journal holds by d, as
// if its send --test ran then.
func backdateTests(t *testing.T, camp string, d time.Duration) {
	t.Helper()
	path := filepath.Join(filepath.Dir(camp), ".tidings", "t", journal.FileName)
	n := 0
	data := testLineTimeRE.ReplaceAllFunc([]byte(readFile(t, path)), func(line []byte) []byte {
		m := testLineTimeRE.FindSubmatch(line)
		at, err := time.Parse(time.RFC3339Nano, string(m[2]))
		if err != nil {
			t.Fatal(err)
		}
		n++
		return append(m[1], at.Add(d).Format(time.RFC3339Nano)...)
	})
	if n == 0 {
		t.Fatalf("no test message in %s", path)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDailyCapSlotsInSteps: the school secretary's day 1 (rev-user21):
// a send --test of 3 an hour before the send, under daily_cap 5, left
// the cap's window in two steps, and send said the rest go "after 16:54
// UTC tomorrow", when only the 3 test messages' slots open; it said so
// in three lines, one with the raw time 2026-12-08T16:54:03Z. Its
// summary says it once, in words, 3 after the first step and 2 an hour
// later, others on later days, as report's summary and report.json's
// ending say it, report.json keeping the first slot's time
// (resume_after).
func TestDailyCapSlotsInSteps(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 15, "send: {concurrency: 1, retry_backoff: 1ms, daily_cap: 5}\n")
	if out, errOut, code := runCLI(t, "send", "--test", "tester@example.com", camp); code != 0 {
		t.Fatalf("send --test: code %d\n%s%s", code, out, errOut)
	}
	backdateTests(t, camp, -time.Hour)
	out, code := sendAt(t, camp, time.Time{})
	if code != exitSomeFailed || len(srv.Messages()) != 5 {
		t.Fatalf("send: code %d, %d messages, want %d and 5 (3 tests, 2 rows)\n%s", code, len(srv.Messages()), exitSomeFailed, out)
	}
	stepsRE := regexp.MustCompile(`\n13 not sent \(daily_cap reached\): tidings send --yes \S+ sends them once the cap allows \(3 after (\d\d:\d\d) UTC\S*( tomorrow)?, 2 after (\d\d:\d\d) UTC\S*( tomorrow)?, others on later days\)\.\n`)
	check := func(run, out string) {
		t.Helper()
		m := stepsRE.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("%s: want the cap's line with its two steps:\n%s", run, out)
		}
		first := capMinute(capResume(t, camp))
		second, err := time.ParseInLocation("15:04", m[3], time.Local)
		if err != nil {
			t.Fatal(err)
		}
		first0, _ := time.ParseInLocation("15:04", first.Format("15:04"), time.Local)
		if gap := (second.Sub(first0) + 24*time.Hour) % (24 * time.Hour); m[1] != first.Format("15:04") || gap < 59*time.Minute || gap > 61*time.Minute {
			t.Errorf("%s: steps at %s and %s, want report.json's resume_after (%s) and an hour later:\n%s", run, m[1], m[3], first, out)
		}
		if regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d`).MatchString(out) || strings.Contains(out, "daily_cap 5 reached") || strings.Contains(out, "next slot") {
			t.Errorf("%s: the cap's news again, or a raw time:\n%s", run, out)
		}
	}
	check("send", out)
	e := readReportJSON(t, camp).Ending
	if !strings.Contains(e.Next, "(3 after ") || !strings.Contains(e.Next, ", 2 after ") {
		t.Errorf("report.json's ending does not give the steps: %+v", *e)
	}
	rep, errOut, _ := runCLI(t, "report", camp)
	check("report", rep+errOut)
}
