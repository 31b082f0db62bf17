package main

import (
	"strings"
	"testing"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
)

// TestNotSentRelayMixed: the last line after rows a relay refused and a
// row failed for its own address says what --retry-failed does for
// each: tries the failed again, but the refused relayed only once the
// setting is changed; a refused row on the suppression list now, which
// no send tries again, is not counted; nor is a refusal that names its
// recipient ("Recipient address rejected: relay not permitted for this
// recipient"), which a change of the campaign's settings does not
// answer.
func TestNotSentRelayMixed(t *testing.T) {
	t.Parallel()
	row := func(n int, key string, code int, detail string, suppressed bool) report.Row {
		return report.Row{Recipient: report.Recipient{Row: n, Key: key}, Status: sendpool.StatusFailed, Attempts: 1,
			Code: report.ReplyCode(code), Detail: detail, NowSuppressed: suppressed}
	}
	sum := report.Summarize([]report.Row{
		row(2, "a@firm.test", 554, "<a@firm.test>: Relay access denied", false),
		row(3, "b@other.test", 554, "not asked: the server refused to relay to firm.test for row 2 (554 5.7.1 Relay access denied); once it relays there, send --retry-failed asks it again", false),
		row(4, "c@partner.test", 550, "<c@partner.test>: Recipient address rejected: User unknown", false),
		row(5, "d@firm.test", 554, "<d@firm.test>: Relay access denied", true),
		row(6, "e@partner.test", 550, "<e@partner.test>: Recipient address rejected: relay not permitted for this recipient", false),
	})
	noteRelayWords(&sum, &campaign.Campaign{SMTP: campaign.SMTP{Username: "news@firm.test"}}, nil)
	if sum.RelayFailed != 2 {
		t.Errorf("RelayFailed %d, want 2", sum.RelayFailed)
	}
	err := notSent(sum, againFlags{}, false, false)
	want := `not sent: 4 failed; --retry-failed tries the failed again, but the 2 the server would not relay to go only once you have its administrator allow that account to relay to them, or use one that may`
	if err == nil || err.Error() != want {
		t.Errorf("notSent = %v, want %q", err, want)
	}
	var b strings.Builder
	sum.WriteText(&b)
	if w := `2 failed as the server refused to relay to them and took others: it relays for this client to some domains only, or hosts those it takes (then it does not relay the rest for "news@firm.test": have its administrator allow that account to relay to them, or use one that may); then send --retry-failed sends them.`; strings.Count(b.String(), w) != 1 {
		t.Errorf("summary lacks %q once:\n%s", w, b.String())
	}
}
