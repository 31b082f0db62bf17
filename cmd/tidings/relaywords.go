package main

import (
	"fmt"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool"
	"github.com/tidings/tidings/sendpool/report"
	"github.com/tidings/tidings/sendpool/smtpclient"
)

// noteRelayWords fills in sum the words of its failed rows the server
// refused to relay to (report.Summary.RelaySome and RelayFix), probe's
// words: from what the run's sessions learned of the server through d
// (whether it offers a login; not known when none was set up), or, for
// report, which connects to none (d not an *smtpclient.Dialer, or nil),
// from c's login alone, the server's not known.
func noteRelayWords(sum *report.Summary, c *campaign.Campaign, d sendpool.Dialer) {
	if sum.RelayFailed == 0 {
		return
	}
	if sd, ok := d.(*smtpclient.Dialer); ok && sd != nil {
		sum.RelaySome = sd.RelaySome()
		_, sum.RelayFix = sd.RelayRest()
		return
	}
	sum.RelaySome = smtpclient.RelaySome(c.SMTP.Username, smtpclient.LoginUnknown)
	_, sum.RelayFix = smtpclient.RelayRest(c.SMTP.Username, smtpclient.LoginUnknown)
}

// relayTodo is failedTodo's advice when some of the failed are rows the
// server refused to relay to (report.Summary.RelayFailed), which a retry
// alone sends no more than the first try did: what to change first, then
// --retry-failed; "" when none are.
func relayTodo(sum report.Summary) string {
	if sum.RelayFailed == 0 || sum.RelayFix == "" {
		return ""
	}
	if sum.RelayFailed >= sum.Failed-sum.FailedSuppressed {
		return fmt.Sprintf("the server would not relay to %s: %s, then --retry-failed sends %s", verbFor(sum.RelayFailed, "it", "them"), sum.RelayFix, verbFor(sum.RelayFailed, "it", "them"))
	}
	return fmt.Sprintf("--retry-failed tries the failed again, but the %d the server would not relay to go only once you %s", sum.RelayFailed, sum.RelayFix)
}
