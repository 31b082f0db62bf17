package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestQuotaStopsTheRun: a server that takes 8 recipients and then
// answers every RCPT with Gmail's "550 5.4.5 Daily user sending limit
// exceeded" stops the run (exit 2) after its first such reply: the
// summary says the quota is used up and the rest stay to send, the report
// has them not attempted, and no message meets a second refusal (the run
// made no retries). A send once the quota has reset sends exactly the
// rest: every recipient has one message.
func TestQuotaStopsTheRun(t *testing.T) {
	t.Parallel()
	const n, quota = 30, 8
	var taken, refused, open atomic.Int32
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(smtptest.Session, string) error {
		if open.Load() == 0 && taken.Add(1) > quota {
			refused.Add(1)
			return smtptest.Reply(550, "5.4.5", "Daily user sending limit exceeded. For more information on Gmail sending limits go to https://support.google.com/a/answer/166852 - gsmtp")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, n, "send: {concurrency: 1, retry_backoff: 1ms}\n")

	out, code := sendAt(t, camp, time.Time{})
	if code != exitUnusable {
		t.Fatalf("first run: exit %d, want %d (stopped)\n%s", code, exitUnusable, out)
	}
	for _, want := range []string{"the server's sending quota is used up", "550 5.4.5 Daily user sending limit exceeded", "run send --yes again once it resets", "send.daily_cap"} {
		if !strings.Contains(out, want) {
			t.Errorf("first run's output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "retry 1 of") {
		t.Errorf("the first run speaks of a retry, though it stopped:\n%s", out)
	}
	if r := refused.Load(); r != 1 {
		t.Errorf("%d recipients refused for the quota, want 1 (the run stops at the first)", r)
	}
	st := map[string]int{}
	for _, r := range readReport(t, camp) {
		st[r["status"]]++
		if r["status"] == "not-attempted" && !strings.Contains(r["detail"], "quota") {
			t.Errorf("row %s not attempted, detail %q: want the quota named", r["row"], r["detail"])
		}
	}
	if st["sent"] != quota || st["not-attempted"] != n-quota {
		t.Errorf("report after the first run: %v, want %d sent and %d not-attempted", st, quota, n-quota)
	}

	open.Store(1) // the quota has reset
	out, code = sendAt(t, camp, time.Time{})
	if code != exitOK {
		t.Fatalf("second run: exit %d, want 0\n%s", code, out)
	}
	for i := 0; i < n; i++ {
		addr := fmt.Sprintf("user%03d@example.com", i)
		if got := srv.Received(addr); got != 1 {
			t.Errorf("%s got %d messages, want 1", addr, got)
		}
	}
}

// TestQuotaAboveDailyCap: a quota used up while send.daily_cap is set
// says the cap did not keep the run under it, to set it lower (rev-user12:
// an admin who set daily_cap above the relay's daily limit was told
// nothing of it, as if the setting were missing).
func TestQuotaAboveDailyCap(t *testing.T) {
	t.Parallel()
	var taken atomic.Int32
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(smtptest.Session, string) error {
		if taken.Add(1) > 2 {
			return smtptest.Reply(550, "5.4.5", "Daily user sending limit exceeded. - gsmtp")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 4, "send: {concurrency: 1, retry_backoff: 1ms, daily_cap: 100}\n")
	out, code := sendAt(t, camp, time.Time{})
	want := "run send --yes again once it resets (often a day); send.daily_cap 100 did not keep the run under it (the account's other mail counts there too): set it lower"
	if code != exitUnusable || !strings.Contains(out, want) {
		t.Errorf("exit %d, want %d and %q:\n%s", code, exitUnusable, want, out)
	}
}

// TestQuotaRefusesACc: the quota runs out between a message's To and its
// Cc: the run stops, the row (sent to its To) names the Cc and the reply,
// and the send once the quota has reset delivers to the Cc alone: each
// address has one message.
func TestQuotaRefusesACc(t *testing.T) {
	t.Parallel()
	var open atomic.Bool
	srv := smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if to == "boss@example.com" && !open.Load() {
			return smtptest.Reply(550, "5.4.5", "Daily user sending limit exceeded. - gsmtp")
		}
		return nil
	}))
	camp := sendCampaign(t, srv, 0, "cc: '{{.cc}}'\nsend: {concurrency: 1}\n")
	writeFiles(t, filepath.Dir(camp), map[string]string{"r.csv": "email,name,cc\nann@example.com,Ann,boss@example.com\nbob@example.com,Bob,\n"})
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitUnusable {
		t.Fatalf("first run: exit %d, want %d\n%s%s", code, exitUnusable, out, errOut)
	}
	if r := rowByKey(t, camp, "ann@example.com"); r["status"] != "sent" || !strings.Contains(r["detail"], "not accepted for boss@example.com (550 5.4.5 Daily user sending limit exceeded") {
		t.Errorf("ann's row: %s %q, want sent, the Cc and the quota named", r["status"], r["detail"])
	}
	open.Store(true)
	if out, errOut, code := runCLI(t, "send", "--yes", camp); code != exitOK {
		t.Fatalf("second run: exit %d\n%s%s", code, out, errOut)
	}
	for _, a := range []string{"ann@example.com", "boss@example.com", "bob@example.com"} {
		if n := srv.Received(a); n != 1 {
			t.Errorf("%s got %d messages, want 1", a, n)
		}
	}
}
