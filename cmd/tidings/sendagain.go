package main

import (
	"strconv"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/sendpool/plan"
)

// sendAgainCommand is the command line that sends the rows an
// interrupted run left, for the summary to name: tidings send and the
// campaign file, with the flags of this run that the next needs to go on
// as it went (--yes for a script, --skip-invalid past rows with problems,
// --retry-failed and --resend-unknown, without which the failed or
// unknown rows it had yet to send again stay so, --rate and
// --concurrency, --resend-changed while it sends corrected rows). --limit
// is left out: the run's count would start again.
func sendAgainCommand(c *campaign.Campaign, pl *plan.Plan, opts sendOptions) string {
	words := []string{"tidings", "send"}
	if opts.yes {
		words = append(words, "--yes")
	}
	if opts.skipInvalid {
		words = append(words, "--skip-invalid")
	}
	if opts.retryFailed {
		words = append(words, "--retry-failed")
	}
	if opts.resendUnknown {
		words = append(words, "--resend-unknown")
	}
	if opts.resendChanged && pl.RevisedToSend > 0 {
		words = append(words, "--resend-changed")
	}
	if opts.rate != "" {
		words = append(words, "--rate", opts.rate)
	}
	if opts.concurrency > 0 {
		words = append(words, "--concurrency", strconv.Itoa(opts.concurrency))
	}
	return strings.Join(append(words, commandArg(c.File)), " ")
}
