package main

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// capRefusingServer is a server that refuses user001@example.com for
// good, as an unknown mailbox.
func capRefusingServer(t *testing.T) *smtptest.Server {
	return smtptest.NewServer(t, smtptest.OnRcpt(func(_ smtptest.Session, to string) error {
		if strings.HasPrefix(to, "user001@") {
			return smtptest.Reply(550, "5.1.1", "no such user")
		}
		return nil
	}))
}

// TestDailyCapRoomClosing: a run daily_cap stopped in which a message
// was refused (daily_cap 3: 2 sent, 1 failed) has room for one more now,
// which its summary said ("sends 1 of them now"), while the line under
// it said "4 remain; run send again then to continue" with no time to
// wait for, and the closing line "daily_cap holds the not-attempted
// back: … once the next slot opens"; a --limit run under a cap with room
// for 2 of 7 closed with "run send again for the not-attempted", as if
// it sent them (fix-sum left it). Both say now what the summary does:
// the cap's room now, the rest once it allows.
func TestDailyCapRoomClosing(t *testing.T) {
	t.Parallel()
	srv := capRefusingServer(t)
	camp := sendCampaign(t, srv, 7, "send: {concurrency: 1, retry_backoff: 1ms, daily_cap: 3}\n")
	out, errOut, code := runCLI(t, "send", "--yes", camp)
	for _, want := range []string{
		"sends 1 of them now, the rest once daily_cap allows",
		"run send --yes again for the not-attempted: daily_cap lets 1 go now, the rest once it allows (above)\n",
	} {
		if code != exitSomeFailed || !strings.Contains(out+errOut, want) || strings.Contains(out+errOut, "again then") || strings.Contains(errOut, "holds the not-attempted back") {
			t.Errorf("send, a slot freed: %d, want %q\n%s%s", code, want, out, errOut)
		}
	}
	if out, errOut, _ := runCLI(t, "report", camp); !strings.Contains(errOut, "run send --yes again for the not-attempted: daily_cap lets 1 go now") {
		t.Errorf("report: want the cap's room in the closing line\n%s%s", out, errOut)
	}
	camp = sendCampaign(t, srv, 8, "send: {concurrency: 1, retry_backoff: 1ms, daily_cap: 3}\n")
	out, errOut, _ = runCLI(t, "send", "--yes", "--limit", "1", camp)
	if want := "tidings: not sent: 7 not-attempted; run send --yes again for the not-attempted: daily_cap lets 2 go now, the rest once it allows (above)\n"; !strings.Contains(errOut, want) {
		t.Errorf("send --limit 1: want %q\n%s%s", want, out, errOut)
	}
}

// TestDailyCapRoomRetryFailed: the failed rows a send --retry-failed
// sends again take the cap's room with the rows not sent: after one with
// --limit 1 whose row failed again, under a cap with room for 4, the
// next (its command with --retry-failed) sends the failed row and up to
// 4 of the 4 others, not all of them, as the summary said (fix-sum
// counted the not-sent rows alone).
func TestDailyCapRoomRetryFailed(t *testing.T) {
	t.Parallel()
	srv := capRefusingServer(t)
	camp := sendCampaign(t, srv, 6, "send: {concurrency: 1, retry_backoff: 1ms, daily_cap: 5}\n")
	if out, errOut, code := runCLI(t, "send", "--yes", "--limit", "2", camp); code != exitSomeFailed || !strings.Contains(out, "1 sent, 1 failed, 4 not-attempted") {
		t.Fatalf("send --limit 2: %d\n%s%s", code, out, errOut)
	}
	out, errOut, _ := runCLI(t, "send", "--yes", "--retry-failed", "--limit", "1", camp)
	if want := "4 not sent (not tried in this run: --limit 1): tidings send --yes --retry-failed "; !strings.Contains(out, want+camp+" sends up to 4 of them now, the rest once daily_cap allows") {
		t.Errorf("send --retry-failed --limit 1: want %q… up to 4\n%s%s", want, out, errOut)
	}
}
