package main

import (
	"fmt"
	"io"

	"github.com/tidings/tidings/campaign"
)

// minNewIssueRows is how many rows must look like a new issue (all the
// rows sent before changed since, or rows under new keys going to
// addresses sent to before) before check and send say the sheet may be
// one: a single row is a correction as likely.
const minNewIssueRows = 2

// printNewIssueChanged notes, after the list of the rows that changed
// since their messages went out (revised of them), that every row of
// the sheet whose message went out before (sentBefore) changed, when at
// least minNewIssueRows did: next month's sheet sent under last month's
// campaign name, whose journal has everyone sent. Nothing otherwise.
func printNewIssueChanged(w io.Writer, c *campaign.Campaign, revised, sentBefore int) {
	if revised < minNewIssueRows || revised < sentBefore {
		return
	}
	fmt.Fprintf(w, "note: every row sent before changed since (%d rows): %s; --resend-changed is for corrections (the report and show then follow the corrected message in the place of the one before it)\n",
		revised, newIssueWords(c))
}

// printNewIssueKeys notes that no row of the sheet was sent before
// (sentBefore is 0) while sameAddress of its rows, at least
// minNewIssueRows, go to addresses sent to under keys no longer in the
// sheet (plan.Decider.SameAddress): next month's invoices, new invoice
// numbers for the same clients, sent under last month's campaign name.
// Nothing otherwise.
func printNewIssueKeys(w io.Writer, c *campaign.Campaign, sameAddress, sentBefore int) {
	if sameAddress < minNewIssueRows || sentBefore > 0 {
		return
	}
	fmt.Fprintf(w, "note: no row of %s was sent before, but %d of its rows go to addresses sent to before: %s\n",
		displayPath(c.Recipients.Path), sameAddress, newIssueWords(c))
}

// newIssueWords say how a sheet that is the campaign's next issue is
// sent: as a campaign of its own, under another name (README, "The
// next issue").
func newIssueWords(c *campaign.Campaign) string {
	return fmt.Sprintf("if %s is the campaign's next issue (next month's invoices or newsletter), it is a campaign of its own: give %s a name other than %q and send it with --new-campaign, which keeps each issue's journal, report and messages apart",
		displayPath(c.Recipients.Path), displayPath(c.File), c.Name)
}
