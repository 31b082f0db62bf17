package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestSendNothingWritesNothing: the daily cron job of a campaign with a
// daily_cap (`tidings send --yes` every day) on a day the cap is used up,
// and on the days after the last row went, opens no run in the journal
// and renders nothing, though the spool is hours old (each such run added
// a run line and rendered every row into a new generation); it says
// plainly that there is nothing to send, exiting 1 while rows are held
// back and 0 once every row is sent, as before.
func TestSendNothingWritesNothing(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 5, "send: {concurrency: 2, retry_backoff: 1ms, daily_cap: 3}\n")
	state := filepath.Join(filepath.Dir(camp), ".tidings", "t")
	journalLines := func() int {
		b, err := os.ReadFile(filepath.Join(state, "journal.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		return bytes.Count(b, []byte("\n"))
	}
	spoolFiles := func() []string {
		ents, err := os.ReadDir(filepath.Join(state, "spool"))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		return names
	}
	day := time.Now()
	if out, code := sendAt(t, camp, day); code != exitSomeFailed || len(srv.Messages()) != 3 {
		t.Fatalf("first day: code %d, %d messages\n%s", code, len(srv.Messages()), out)
	}
	for _, c := range []struct {
		at         time.Time
		code       int
		want       string
		sentBefore int // messages the server has before the run
	}{
		{day.Add(2 * time.Hour), exitSomeFailed, "t: 5 rows; 3 sent before, nothing to send now: daily_cap 3 reached, 2 still to send", 3},
		{day.Add(25 * time.Hour), exitOK, "", 3}, // the last 2 go
		{day.Add(27 * time.Hour), exitOK, "t: 5 rows; nothing left to send", 5},
		{day.Add(50 * time.Hour), exitOK, "t: 5 rows; nothing left to send", 5},
	} {
		lines, files := journalLines(), spoolFiles()
		out, code := sendAt(t, camp, c.at)
		if code != c.code || !strings.Contains(out, c.want) {
			t.Errorf("send %s later: code %d, want %d and %q\n%s", c.at.Sub(day), code, c.code, c.want, out)
		}
		if c.want == "" {
			continue
		}
		if n := len(srv.Messages()); n != c.sentBefore {
			t.Errorf("send %s later sent %d messages", c.at.Sub(day), n-c.sentBefore)
		}
		if got := journalLines(); got != lines {
			t.Errorf("send %s later with nothing to send wrote %d journal lines", c.at.Sub(day), got-lines)
		}
		if got := spoolFiles(); !slices.Equal(got, files) {
			t.Errorf("send %s later with nothing to send rendered: spool %v, was %v", c.at.Sub(day), got, files)
		}
		if !strings.Contains(out, "made by an earlier run and used again") {
			t.Errorf("send %s later does not say it used the spool as it was:\n%s", c.at.Sub(day), out)
		}
	}
	sent := 0
	for _, r := range readReport(t, camp) {
		if r["status"] == "sent" {
			sent++
		}
	}
	if sent != 5 {
		t.Errorf("report: %d sent, want 5", sent)
	}
}

// TestSendNothingJournalsNewDecision: a send with nothing to send that
// finds a row decided anew (its address suppressed since, while
// daily_cap holds it back) still journals the decision, in a run of its
// own, as every send did.
func TestSendNothingJournalsNewDecision(t *testing.T) {
	t.Parallel()
	srv := smtptest.NewServer(t)
	camp := sendCampaign(t, srv, 5, "suppress: suppress.txt\nsend: {concurrency: 2, retry_backoff: 1ms, daily_cap: 3}\n")
	writeFiles(t, filepath.Dir(camp), map[string]string{"suppress.txt": ""})
	day := time.Now()
	if out, code := sendAt(t, camp, day); code != exitSomeFailed {
		t.Fatalf("first day: code %d\n%s", code, out)
	}
	writeFiles(t, filepath.Dir(camp), map[string]string{"suppress.txt": "user004@example.com\n"})
	out, code := sendAt(t, camp, day.Add(2*time.Hour))
	if code != exitSomeFailed || !strings.Contains(out, "nothing to send now") || len(srv.Messages()) != 3 {
		t.Errorf("send with the cap used up: code %d, %d messages\n%s", code, len(srv.Messages()), out)
	}
	b, err := os.ReadFile(filepath.Join(filepath.Dir(camp), ".tidings", "t", "journal.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`"key":"user004@example.com"`)) || !bytes.Contains(b, []byte(`"status":"suppressed"`)) {
		t.Errorf("the journal does not hold the new decision:\n%s", b)
	}
	for _, r := range readReport(t, camp) {
		if r["key"] == "user004@example.com" && r["status"] != "suppressed" {
			t.Errorf("report: row %s is %q, want suppressed", r["row"], r["status"])
		}
	}
}
