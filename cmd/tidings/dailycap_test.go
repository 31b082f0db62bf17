package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/journal"
	"github.com/tidings/tidings/sendpool/smtptest"
)

// sendAt runs `tidings send --yes camp` with the daily cap's clock at now
// (the real clock when now is zero) and returns its output and exit code.
func sendAt(t *testing.T, camp string, now time.Time) (string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	g := &globalOptions{stdout: &out, stderr: &errOut, stdin: strings.NewReader(""), abort: context.Background()}
	opts := sendOptions{yes: true}
	if !now.IsZero() {
		opts.now = func() time.Time { return now }
	}
	err := runSend(context.Background(), opts, g, camp)
	if err != nil {
		errOut.WriteString("tidings: " + err.Error() + "\n")
	}
	return out.String() + errOut.String(), exitCode(err)
}

// capResume is when the daily cap lets the next message go as the
// ending of camp's report.json gives it (resume_after); zero when it
// gives none.
func capResume(t *testing.T, camp string) time.Time {
	t.Helper()
	e := readReportJSON(t, camp).Ending
	if e.ResumeAfter == "" {
		return time.Time{}
	}
	at, err := time.Parse(time.RFC3339, e.ResumeAfter)
	if err != nil {
		t.Fatalf("resume_after %q: %v", e.ResumeAfter, err)
	}
	return at
}

// TestDailyCapAcrossRuns: with daily_cap 10 and 25 recipients the first run
// sends 10, exits 1 and says how many remain and when the next slot opens;
// a second run right away sends nothing; a run a day later sends the next
// 10. The report keeps the rows not sent yet as not-attempted.
func TestDailyCapAcrossRuns(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 25, "")
	data, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	const sendLine = "send: {concurrency: 3, retry_backoff: 1ms}"
	if !bytes.Contains(data, []byte(sendLine)) {
		t.Fatalf("sendCampaign changed; no %q in:\n%s", sendLine, data)
	}
	data = bytes.Replace(data, []byte(sendLine), []byte("send: {concurrency: 3, retry_backoff: 1ms, daily_cap: 10}"), 1)
	if err := os.WriteFile(camp, data, 0o644); err != nil {
		t.Fatal(err)
	}

	statuses := func() map[string]int {
		n := map[string]int{}
		for _, r := range readReport(t, camp) {
			n[r["status"]]++
		}
		return n
	}
	received := func() map[string]int {
		n := map[string]int{}
		for i := 0; i < 25; i++ {
			addr := fmt.Sprintf("user%03d@example.com", i)
			if c := srv.Received(addr); c > 0 {
				n[addr] = c
			}
		}
		return n
	}

	// Run 1: the cap allows 10.
	before := time.Now()
	out, code := sendAt(t, camp, time.Time{})
	after := time.Now()
	if code != exitSomeFailed {
		t.Fatalf("first run: code %d, want %d\n%s", code, exitSomeFailed, out)
	}
	got := received()
	if len(got) != 10 || len(srv.Messages()) != 10 {
		t.Fatalf("first run delivered %d messages to %d recipients, want 10 and 10:\n%s", len(srv.Messages()), len(got), out)
	}
	if st := statuses(); st["sent"] != 10 || st["not-attempted"] != 15 || len(st) != 2 {
		t.Errorf("report after the first run: %v, want 10 sent, 15 not-attempted", st)
	}
	if !strings.Contains(out, "daily_cap 10") || !regexp.MustCompile(`\b15\b[^\n]*(remain|not-attempted|not sent|left)`).MatchString(out) {
		t.Errorf("first run does not say that the cap stopped it with 15 remaining:\n%s", out)
	}
	// The next slot opens when the first of the 10 leaves the 24-hour
	// window: a day after they were sent.
	slot := capResume(t, camp)
	if !strings.Contains(out, "sends them once the cap allows (10 after "+capAfter(slot, after)+", others on later days)") {
		t.Errorf("first run does not say when the cap lets the rest go (%s):\n%s", slot, out)
	}
	if slot.Before(before.Add(24*time.Hour).Truncate(time.Second)) || slot.After(after.Add(24*time.Hour+time.Second)) {
		// (sent times are kept to the second, rounded up)
		t.Errorf("first run: next slot at %s, want a day after the run (%s to %s)", slot, before.Add(24*time.Hour), after.Add(24*time.Hour+time.Second))
	}

	// Run 2, right away: nothing more goes out.
	out, code = sendAt(t, camp, time.Time{})
	if code != exitSomeFailed {
		t.Errorf("second run: code %d, want %d\n%s", code, exitSomeFailed, out)
	}
	if n := len(srv.Messages()); n != 10 {
		t.Fatalf("second run sent %d more messages, want 0:\n%s", n-10, out)
	}
	if !strings.Contains(out, "nothing to send now") || !strings.Contains(out, "once the cap allows (10 after "+capAfter(slot, time.Now())+", others on later days)") {
		t.Errorf("second run does not say it sends 0 and when the cap lets the rest go:\n%s", out)
	}
	if st := statuses(); st["sent"] != 10 || st["not-attempted"] != 15 {
		t.Errorf("report after the second run: %v, want 10 sent, 15 not-attempted", st)
	}
	// tidings report then says what send says: the cap holds the rest
	// back until its next slot, not "run send again" now.
	out, errOut, code := runCLI(t, "report", camp)
	if code != exitSomeFailed || !strings.Contains(out, "15 not sent (daily_cap reached)") || !strings.Contains(out, "once the cap allows (10 after "+capAfter(slot, time.Now())+", others on later days)") ||
		!strings.Contains(errOut+out, "daily_cap holds the not-attempted back") {
		t.Errorf("report while the cap is used up: code %d, want %d, the cap and its next slot named:\n%s%s", code, exitSomeFailed, out, errOut)
	}

	// Run 3, a day later (and a minute, past the window of the first 10):
	// the next 10 go out, the first 10 are not sent again.
	out, code = sendAt(t, camp, after.Add(24*time.Hour+time.Minute))
	if code != exitSomeFailed {
		t.Errorf("third run: code %d, want %d\n%s", code, exitSomeFailed, out)
	}
	now := received()
	if len(srv.Messages()) != 20 || len(now) != 20 {
		t.Fatalf("after the third run the server has %d messages to %d recipients, want 20 and 20:\n%s", len(srv.Messages()), len(now), out)
	}
	for addr, n := range now {
		if n != 1 {
			t.Errorf("%s received %d copies", addr, n)
		}
	}
	if st := statuses(); st["sent"] != 20 || st["not-attempted"] != 5 {
		t.Errorf("report after the third run: %v, want 20 sent, 5 not-attempted", st)
	}
	for _, r := range readReport(t, camp) {
		if r["status"] == "not-attempted" && (r["started_at"] != "" || r["attempts"] != "0" || r["code"] != "") {
			t.Errorf("not-attempted row %s claims an attempt: %v", r["row"], r)
		}
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(camp), ".tidings", "t", "report.json")); err != nil {
		t.Error(err)
	}
}

// TestDailyCapCountsUnknown: a message whose reply was lost (the server
// took it, then the connection dropped) counts towards daily_cap as a
// sent one does, as the provider counts it: with daily_cap 3, a run that
// sent two and lost the reply of a third leaves the next run nothing to
// send today, and the server never gets a fourth message that day.
func TestDailyCapCountsUnknown(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t, smtptest.DropReply(func(_ smtptest.Session, m *smtptest.Message) bool {
		return slices.Contains(m.To, "user000@example.com")
	}))
	camp := sendCampaign(t, srv, 6, "send: {concurrency: 1, retry_backoff: 1ms, daily_cap: 3}\n")
	if out, code := sendAt(t, camp, time.Time{}); code != exitSomeFailed || !strings.Contains(out, "2 sent, 1 unknown, 3 not-attempted") {
		t.Fatalf("first run: code %d\n%s", code, out)
	}
	out, code := sendAt(t, camp, time.Time{})
	if code != exitSomeFailed || !strings.Contains(out, "daily_cap 3 reached") {
		t.Errorf("second run: code %d, want the cap reached\n%s", code, out)
	}
	if n := len(srv.Messages()); n != 3 {
		t.Errorf("the server got %d messages today, over daily_cap 3", n)
	}
}

// TestCheckEstimateCountsUnknown: check's estimate counts the messages
// of unknown outcome of the last 24 hours against daily_cap, as send
// does (journal.State.Quota): it said the rows fit where send sends one.
func TestCheckEstimateCountsUnknown(t *testing.T) {
	t.Parallel()
	camp := sendCampaign(t, smtptest.NewServer(t), 3, "send: {concurrency: 1, retry_backoff: 1ms, daily_cap: 2}\n")
	at := time.Now().UTC().Add(-time.Hour).Format(time.RFC3339Nano)
	state := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	writeFiles(t, state, map[string]string{journal.FileName: `{"type":"run","v":1,"pid":1,"started":"` + at + `","key_column":"email","name":"t"}` + "\n" +
		`{"type":"attempt","row":2,"key":"user000@example.com","to":"User 0 <user000@example.com>","message_id":"t.x@example.com","hash":"71aa57cb089ad318","try":1,"time":"` + at + `"}` + "\n"})
	out, _, _ := runCLI(t, "check", camp)
	if !strings.Contains(out, "daily_cap 2 → 2 runs: 1 now (1 sent in the last 24 hours)") {
		t.Errorf("check's estimate does not count the message of unknown outcome:\n%s", out)
	}
}

// TestDailyCapHourlyCron holds the README's advice for daily_cap under
// cron (Scripts, pipes and cron): an hourly send while the cap holds rows
// back sends nothing, writes nothing to the journal and exits 1; the run
// past the window sends what it freed; once every row is sent an hourly
// run exits 0, again writing nothing.
func TestDailyCapHourlyCron(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 15, "send: {concurrency: 3, retry_backoff: 1ms, daily_cap: 10}\n")
	jpath := filepath.Join(filepath.Dir(camp), ".tidings", "t", journal.FileName)
	journalSize := func() int64 {
		st, err := os.Stat(jpath)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	out, code := sendAt(t, camp, time.Time{})
	after := time.Now()
	if code != exitSomeFailed || len(srv.Messages()) != 10 {
		t.Fatalf("09:00: exit %d, %d messages, want 1 and 10\n%s", code, len(srv.Messages()), out)
	}
	hourly := func(at time.Time, wantCode, wantMessages int) {
		t.Helper()
		was, sent := journalSize(), len(srv.Messages())
		out, code := sendAt(t, camp, at)
		if code != wantCode || len(srv.Messages()) != wantMessages {
			t.Fatalf("run at %s: exit %d, %d messages, want %d and %d\n%s", at.Format(time.RFC3339), code, len(srv.Messages()), wantCode, wantMessages, out)
		}
		if now := journalSize(); sent == wantMessages && now != was {
			t.Errorf("run at %s that sent nothing grew the journal from %d to %d bytes", at.Format(time.RFC3339), was, now)
		}
	}
	for h := 1; h <= 23; h += 11 {
		hourly(after.Add(time.Duration(h)*time.Hour), exitSomeFailed, 10)
	}
	hourly(after.Add(24*time.Hour+time.Minute), 0, 15)
	hourly(after.Add(25*time.Hour+time.Minute), 0, 15)
}

// TestDailyCapSummaryOneLine: the rows daily_cap holds back take one
// line of send's summary, naming the command that sends them and the
// time the cap lets it (the minute of the next slot the closing line
// gives), not ten lines of "not tried in this run: daily_cap reached"
// and "… and N more"; a run that sends nothing while the cap holds, and
// report, rebuilt from the journal, say the same line (report's with its
// plain send).
func TestDailyCapSummaryOneLine(t *testing.T) {
	t.Parallel()
	camp := sendCampaign(t, smtptest.NewServer(t), 15, "send: {concurrency: 1, retry_backoff: 1ms, daily_cap: 4}\n")
	capLine := func(run, out, again string, now time.Time) {
		t.Helper()
		slot := capResume(t, camp)
		want := fmt.Sprintf("\n11 not sent (daily_cap reached): %s %s sends them once the cap allows (4 after %s, others on later days).\n", again, camp, capAfter(slot, now))
		if !strings.Contains(out, want) || strings.Contains(out, "not tried") || strings.Contains(out, "  row ") {
			t.Errorf("%s: want the line %q and no row listed:\n%s", run, want[1:], out)
		}
	}
	out, code := sendAt(t, camp, time.Time{})
	if code != exitSomeFailed {
		t.Fatalf("send: exit %d, want %d\n%s", code, exitSomeFailed, out)
	}
	capLine("send", out, "tidings send --yes", time.Now())
	out, _ = sendAt(t, camp, time.Time{})
	capLine("a send with nothing to send", out, "tidings send --yes", time.Now())
	rep, errOut, _ := runCLI(t, "report", camp)
	capLine("report", rep+errOut, "tidings send --yes", time.Now())
	for _, r := range readReport(t, camp) {
		if r["status"] == "not-attempted" && r["detail"] != "not tried yet: no send has reached this row" {
			t.Errorf("report.csv's row %s: detail %q, want report's own", r["row"], r["detail"])
		}
	}
}

// capAfter is the time capWhen gives a slot at next alone, the words
// after its "after": "08:30 UTC tomorrow".
func capAfter(next, now time.Time) string {
	return strings.TrimPrefix(capWhen([]time.Time{next}, 1, 0, now), "after ")
}

// TestCapWhen: the time the cap's line gives is the next slot's local
// minute and zone, with "tomorrow" when the slot is on a later day than
// now; slots in steps (a test send an hour before the send) are said
// step by step, how many in each, "tomorrow" once; slots back to back
// over minutes, by when all may go; more messages than slots, that the
// rest go on later days; each time the minute by which its slots have
// opened, never one before.
func TestCapWhen(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 7, 9, 30, 0, 0, time.Local)
	zone := " " + zoneWords(now)
	at := func(d time.Duration, n int) []time.Time {
		return slices.Repeat([]time.Time{now.Add(d)}, n)
	}
	spread := make([]time.Time, 200) // one every 9 seconds: 30 minutes
	for i := range spread {
		spread[i] = now.Add(23*time.Hour + time.Duration(i)*9*time.Second)
	}
	for _, tc := range []struct {
		slots []time.Time
		n     int
		want  string
		room  int
	}{
		{nil, 5, "", 0},
		{at(2*time.Hour, 1), 1, "after 11:30" + zone, 0},
		{at(23*time.Hour, 1), 1, "after 08:30" + zone + " tomorrow", 0},
		{at(-time.Hour, 1), 1, "after 08:30" + zone, 0},
		{append(at(23*time.Hour+3*time.Second, 3), at(24*time.Hour-2*time.Minute+3*time.Second, 197)...), 400,
			"3 after 08:31" + zone + " tomorrow, 197 after 09:29" + zone + ", others on later days", 0},
		{append(at(23*time.Hour+3*time.Second, 3), at(24*time.Hour-2*time.Minute+3*time.Second, 197)...), 3, "after 08:31" + zone + " tomorrow", 0},
		{append(at(23*time.Hour+3*time.Second, 3), at(24*time.Hour-2*time.Minute+3*time.Second, 197)...), 5,
			"3 after 08:31" + zone + " tomorrow, 2 after 09:29" + zone, 0},
		// A slot opening at 08:30:03 is said "08:31", never "08:30": a
		// send run at 08:30, as the words said, sent nothing.
		{at(23*time.Hour+3*time.Second, 1), 1, "after 08:31" + zone + " tomorrow", 0},
		{slices.Concat(at(23*time.Hour, 1), at(23*time.Hour+59*time.Second, 1)), 2, "after 08:31" + zone + " tomorrow", 0},
		{spread, 200, "all 200 by 09:00" + zone + " tomorrow", 0},
		{spread, 300, "200 by 09:00" + zone + " tomorrow, others on later days", 0},
		// While the cap has room now, the messages past the slots go a
		// day after those that use it: tomorrow too, not "on later
		// days" (rev-eng37).
		{spread, 300, "200 by 09:00" + zone + " tomorrow, others a day after those that go now", 50},
		{spread, 200, "all 200 by 09:00" + zone + " tomorrow", 50},
		{append(at(14*time.Hour, 1), at(16*time.Hour, 1)...), 2, "1 after 23:30" + zone + ", 1 after 01:30" + zone + " tomorrow", 0},
		{slices.Concat(at(time.Hour, 1), at(2*time.Hour, 1), at(3*time.Hour, 1), at(4*time.Hour, 2)), 5,
			"1 after 10:30" + zone + ", 1 after 11:30" + zone + ", 3 by 13:30" + zone, 0},
	} {
		if got := capWhen(tc.slots, tc.n, tc.room, now); got != tc.want {
			t.Errorf("capWhen(%d slots, %d, room %d) = %q, want %q", len(tc.slots), tc.n, tc.room, got, tc.want)
		}
	}
}

// TestZoneWords: the cap's time names its zone by the offset from UTC,
// as a person reads it, not RFC 3339's "09:14+01:00" (a sum?) or
// "09:14Z" (rev-eng9).
func TestZoneWords(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 7, 9, 14, 0, 0, time.UTC)
	for zone, want := range map[*time.Location]string{
		time.UTC:                           "UTC",
		time.FixedZone("CET", 3600):        "UTC+01:00",
		time.FixedZone("EST", -5*3600):     "UTC-05:00",
		time.FixedZone("IST", 5*3600+1800): "UTC+05:30",
	} {
		if got := zoneWords(at.In(zone)); got != want {
			t.Errorf("zoneWords in %s = %q, want %q", zone, got, want)
		}
	}
}

// TestDailyCapRoomSummary: after a send --limit 1 of 8 rows under
// daily_cap 3, send's summary and report's said "tidings send … sends
// them" where the next send sends 2 (fix-sum); both say it sends 2 of
// them now and the rest once daily_cap allows, after the minute of the
// slot the next send names, and the next send sends 2.
func TestDailyCapRoomSummary(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 8, "send: {concurrency: 1, retry_backoff: 1ms, daily_cap: 3}\n")
	sent, sentErr, code := runCLI(t, "send", "--yes", "--limit", "1", camp)
	if code != exitSomeFailed || len(srv.Messages()) != 1 {
		t.Fatalf("send --limit 1: exit %d, %d messages, want %d and 1\n%s%s", code, len(srv.Messages()), exitSomeFailed, sent, sentErr)
	}
	rep, repErr, _ := runCLI(t, "report", camp)
	out, _ := sendAt(t, camp, time.Time{})
	if n := len(srv.Messages()); n != 3 {
		t.Fatalf("the next send sent %d, want 2:\n%s", n-1, out)
	}
	slot := capResume(t, camp)
	for _, tc := range []struct{ run, out, why, again string }{
		{"send --limit 1", sent + sentErr, "not tried in this run: --limit 1", "tidings send --yes"},
		{"report", rep + repErr, "not tried yet: no send has reached them", "tidings send --yes"},
	} {
		want := fmt.Sprintf("\n7 not sent (%s): %s %s sends 2 of them now, the rest once daily_cap allows (1 after %s, others a day after those that go now).\n", tc.why, tc.again, camp, capAfter(slot, time.Now()))
		if !strings.Contains(tc.out, want) {
			t.Errorf("%s: want the line %q:\n%s", tc.run, want[1:], tc.out)
		}
	}
}
