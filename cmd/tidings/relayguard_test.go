package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tidings/tidings/sendpool/smtptest"
)

// TestRealMTARelaySomeDomainsGuard: a Postfix that relays for this client
// to partner.test only refuses one row in ten, to elsewhere.test, "554
// 5.7.1 Relay access denied". Those rows fail, but they are no sign of a
// bad list (the server will not carry mail to their domain, whatever the
// address): the bounce-rate guard (5%) counts them not, in the run or
// from the journal in the run after, where it stopped both runs past 200
// rows tried, saying to put the addresses in the suppression list.
func TestRealMTARelaySomeDomainsGuard(t *testing.T) {
	t.Parallel()
	p := smtptest.StartPostfix(t, smtptest.PostfixOptions{Main: map[string]string{"relay_domains": "partner.test", "relay_transport": "discard:"}})
	const n = 260
	var rcpts []string
	for i := range n {
		dom := "partner.test"
		if i%10 == 5 {
			dom = "elsewhere.test"
		}
		rcpts = append(rcpts, fmt.Sprintf("u%03d@%s", i, dom))
	}
	camp := mtaCampaign(t, p.SMTPPort, rcpts, fmt.Sprintf(", security: starttls, ca_file: %q", p.CAFile), "send: {concurrency: 2, retry_backoff: 10ms}")
	for _, args := range [][]string{{"send", "--yes", "--limit", "150"}, {"send", "--yes"}} {
		out, errOut, code := runCLI(t, append(args, camp)...)
		if code != exitSomeFailed || strings.Contains(out+errOut, "max_bounce_rate") {
			t.Fatalf("%v: code %d, want %d without the bounce-rate guard\n%s%s", args, code, exitSomeFailed, out, errOut)
		}
	}
	counts := map[string]int{}
	for _, r := range readReport(t, camp) {
		counts[r["status"]]++
		if want := map[bool]string{true: "failed", false: "sent"}[strings.HasSuffix(r["key"], "@elsewhere.test")]; r["status"] != want {
			t.Errorf("report row %v, want %s", r, want)
		}
	}
	if counts["sent"]+counts["failed"] != n {
		t.Errorf("report %v, want %d rows", counts, n)
	}
}
