package main

import (
	"fmt"
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
	for _, want := range []string{"the server's sending quota is used up", "550 5.4.5 Daily user sending limit exceeded", "run send again once it resets", "send.daily_cap"} {
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
