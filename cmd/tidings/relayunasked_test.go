package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestRealMTARelayUnaskedTarpit: a Postfix that relays for this client to
// partner.test only refuses the first of 30 rows to elsewhere.test, "554
// 5.7.1 Relay access denied", before the run knows it relays: the rows to
// elsewhere.test wait untried while the partner.test rows go. Once they
// are the only rows left, the run holds that Postfix relays, and the 29
// untried fail at once with that refusal, not asked: Postfix answers
// relaying by domain. Asked one after another on the same session, as
// they were, each refusal past smtpd_soft_error_limit (10) cost a second
// of Postfix's tarpit and past smtpd_hard_error_limit (20) Postfix ended
// the session with "421 4.7.0 … Error: too many errors", which tidings
// took for throttling: 60 s for 32 rows (today's review). A send
// --retry-failed after asks Postfix again (one refusal more), and the
// rows fail again.
func TestRealMTARelayUnaskedTarpit(t *testing.T) {
	t.Parallel()
	p := smtptest.StartPostfix(t, smtptest.PostfixOptions{Main: map[string]string{"relay_domains": "partner.test", "relay_transport": "discard:"}})
	var rcpts []string
	for i := range 30 {
		rcpts = append(rcpts, fmt.Sprintf("u%02d@elsewhere.test", i))
	}
	rcpts = append(rcpts, "a@partner.test", "b@partner.test")
	camp := mtaCampaign(t, p.SMTPPort, rcpts, fmt.Sprintf(", security: starttls, ca_file: %q", p.CAFile), "send: {concurrency: 1, retry_backoff: 10ms}")
	for i, args := range [][]string{{"send", "--yes"}, {"send", "--yes", "--retry-failed"}} {
		out, errOut, code := runCLI(t, append(args, camp)...)
		if code != exitSomeFailed {
			t.Fatalf("%v: code %d, want %d\n%s%s", args, code, exitSomeFailed, out, errOut)
		}
		waitFor(t, func() bool { return strings.Count(p.Log(), "disconnect from") > i })
		if n := strings.Count(p.Log(), "Relay access denied"); n != i+1 || strings.Contains(p.Log(), "too many errors") {
			t.Errorf("%v: Postfix refused %d recipients in all (too many errors: %t), want %d:\n%s", args, n, strings.Contains(p.Log(), "too many errors"), i+1, p.Log())
		}
		checkUnaskedReport(t, camp, out)
	}
}

// checkUnaskedReport checks the report of TestRealMTARelayUnaskedTarpit's
// campaign: the partner.test rows sent, the elsewhere.test rows failed
// with Postfix's refusal, all but the one asked saying they were not,
// naming the domain and the row asked but not its recipient, as send's
// output out does.
func checkUnaskedReport(t *testing.T, camp, out string) {
	t.Helper()
	unasked := 0
	for _, r := range readReport(t, camp) {
		if strings.HasSuffix(r["key"], "@partner.test") {
			if r["status"] != "sent" {
				t.Errorf("report row %v, want sent", r)
			}
			continue
		}
		if r["status"] != "failed" || r["code"] != "554" || !strings.Contains(r["detail"], "Relay access denied") {
			t.Errorf("report row %v, want failed with Postfix's refusal", r)
		}
		if strings.Contains(r["detail"], "not asked") {
			unasked++
			if want := "not asked: the server refused to relay to elsewhere.test for row 2 (554 5.7.1 Relay access denied); once it relays there, send --retry-failed asks it again"; r["detail"] != want || r["enhanced_code"] != "5.7.1" {
				t.Errorf("report row %v, want detail %q, enhanced code 5.7.1", r, want)
			}
		}
	}
	if want := "not asked: the server refused to relay to elsewhere.test for row 2 (554 5.7.1 Relay access"; !strings.Contains(out, want) {
		t.Errorf("send's output lacks %q:\n%s", want, out)
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "not asked") && strings.Contains(l, "u00@") {
			t.Errorf("send's line of another row names row 2's recipient: %s", l)
		}
	}
	if unasked != 29 {
		t.Errorf("%d rows not asked, want 29", unasked)
	}
}
