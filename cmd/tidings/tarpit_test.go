package main

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestRealMTAErrorTarpit: Postfix counts a session's error replies and
// forgives them only when it takes a message; past
// smtpd_soft_error_limit (10) it delayed every reply by a second, at
// smtpd_hard_error_limit (20) it said "421 4.7.0 … Error: too many
// errors" and hung up, which tidings took for throttling (last
// session's review: 25 rows refused in a row took 45 s). Rows a relay
// refuses (25 domains it does not relay to for this client) and rows to
// unknown users (550 5.1.1) meet it alike. A connection that collected a
// few error replies is now ended after its transaction and a fresh one
// takes the next: no session reaches the soft limit, Postfix never says
// "too many errors", and the good rows go. Where a server's limit is
// lower still (smtpd_hard_error_limit 4), its 421 after the errors ends
// that session only: the message goes again on a new connection, the
// rate unchanged and no try spent, where the run slowed down three
// times and deferred it.
func TestRealMTAErrorTarpit(t *testing.T) {
	t.Parallel()
	t.Run("refused to relay", func(t *testing.T) {
		t.Parallel()
		p := smtptest.StartPostfix(t, smtptest.PostfixOptions{Main: map[string]string{"relay_domains": "partner.test, partner2.test", "relay_transport": "discard:"}})
		rcpts := []string{"a@partner.test", "b@partner2.test"}
		for i := range 25 {
			rcpts = append(rcpts, fmt.Sprintf("u@d%02d.test", i))
		}
		camp := mtaCampaign(t, p.SMTPPort, rcpts, fmt.Sprintf(", security: starttls, ca_file: %q", p.CAFile), "send: {concurrency: 1, retry_backoff: 10ms}")
		out := sendRefusedRows(t, camp, 554)
		checkNoTarpit(t, p, out, 10)
	})
	for _, tc := range []struct {
		name      string
		limit     string // smtpd_hard_error_limit; "" keeps 20
		transport string
		unknown   int
	}{
		{"unknown users", "", "auto", 25},
		{"unknown users over plain", "", "plain", 25},
		// A refused RCPT and its BDAT are 2 errors: the third
		// message's MAIL met the 421. (Over plain, which sends no DATA,
		// the 421 answers the RSET after a refusal, and no message.)
		{"lower hard limit", "4", "auto", 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			users := mtaUsers("good", 3)
			good := userNames(users)
			main := map[string]string{"virtual_mailbox_maps": "inline:{" + strings.Join(good, "=x, ") + "=x}"}
			if tc.limit != "" {
				main["smtpd_hard_error_limit"] = tc.limit
			}
			p, _ := startMTA(t, users, smtptest.PostfixOptions{Main: main})
			rcpts := []string{good[0]}
			for i := range tc.unknown {
				rcpts = append(rcpts, fmt.Sprintf("nobody%02d@%s", i, mtaDomain))
			}
			rcpts = append(rcpts, good[1:]...)
			camp := mtaCampaign(t, p.SMTPPort, rcpts, fmt.Sprintf(", security: starttls, ca_file: %q, transport: %s", p.CAFile, tc.transport), "send: {concurrency: 1, retry_backoff: 10ms}")
			out := sendRefusedRows(t, camp, 550)
			for _, u := range good {
				waitFor(t, func() bool { return delivered(p.Log(), u) })
			}
			if tc.limit == "" {
				checkNoTarpit(t, p, out, 10)
			} else if !strings.Contains(p.Log(), "too many errors") || strings.Contains(out, "slow down") {
				t.Errorf("Postfix did not end a session for too many errors, or send took it for throttling:\n%s", out)
			}
		})
	}
}

// sendRefusedRows sends camp, whose rows to nobody… and to domains
// d00.test… the server refuses with code, and checks the report: those
// failed after one try, every other row sent after one. It returns
// send's output.
func sendRefusedRows(t *testing.T, camp string, code int) string {
	t.Helper()
	out, errOut, exit := runCLI(t, "send", "--yes", camp)
	if exit != exitSomeFailed {
		t.Fatalf("send: code %d, want %d\n%s%s", exit, exitSomeFailed, out, errOut)
	}
	for _, r := range readReport(t, camp) {
		want := "sent"
		if strings.HasPrefix(r["key"], "nobody") || strings.HasPrefix(r["key"], "u@d") {
			want = "failed"
			if r["code"] != strconv.Itoa(code) {
				t.Errorf("report row %v, want code %d", r, code)
			}
		}
		if r["status"] != want || r["attempts"] != "1" {
			t.Errorf("report row %v, want %s after 1 attempt", r, want)
		}
	}
	return out + errOut
}

// checkNoTarpit checks that Postfix (p) never ended a session for too
// many errors, and that no session of its log had most error replies
// or more (smtpd_soft_error_limit's 10: the replies after are delayed),
// nor the send's output (out) speaks of slowing down.
func checkNoTarpit(t *testing.T, p *smtptest.Postfix, out string, most int) {
	t.Helper()
	waitFor(t, func() bool { return strings.Contains(p.Log(), "disconnect from") })
	log := p.Log()
	if strings.Contains(log, "too many errors") || strings.Contains(out, "slow down") {
		t.Errorf("Postfix ended a session for too many errors, or send slowed down:\n%s\n%s", out, log)
	}
	for _, n := range sessionErrors(log) {
		if n >= most {
			t.Errorf("a session had %d error replies, want fewer than %d:\n%s", n, most, log)
		}
	}
}

// sessionErrors is the count of error replies of each session Postfix's
// smtpd logged the end of ("disconnect from … rcpt=0/3 bdat=0/3": 6).
func sessionErrors(log string) []int {
	var out []int
	for _, line := range strings.Split(log, "\n") {
		_, rest, ok := strings.Cut(line, "]: disconnect from ")
		if !ok {
			continue
		}
		n := 0
		for _, f := range strings.Fields(rest) {
			k, v, _ := strings.Cut(f, "=")
			if k == "commands" {
				continue // the sum of the others
			}
			if ok, total, found := strings.Cut(v, "/"); found {
				a, _ := strconv.Atoi(ok)
				b, _ := strconv.Atoi(total)
				n += b - a
			}
		}
		out = append(out, n)
	}
	return out
}

// delivered reports whether Postfix's log says it delivered a message to
// addr (to Dovecot over LMTP): "to=<addr>, relay=…, status=sent".
func delivered(log, addr string) bool {
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "to=<"+addr+">") && strings.Contains(line, "status=sent") {
			return true
		}
	}
	return false
}
