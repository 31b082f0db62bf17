package main

import (
	"strings"
	"testing"
)

// TestTestFlagTookCampaign: `tidings send --test campaign.yaml` (the
// address left out) took the campaign file as the test address and said
// only the usage line; it says the flag took the campaign file and how to
// write the command, as a usage error (exit 2).
func TestTestFlagTookCampaign(t *testing.T) {
	t.Parallel()
	for want, args := range map[string][]string{
		"--test took the campaign file campaign.yaml as its value":     {"send", "--test", "campaign.yaml"},
		"--test took the campaign file news/campaign.yml as its value": {"send", "--test=news/campaign.yml"},
	} {
		out, errOut, code := runCLI(t, args...)
		if code != exitUnusable || out != "" || !strings.Contains(errOut, "usage: tidings send CAMPAIGN.yaml") ||
			!strings.Contains(errOut, want) || !strings.Contains(errOut, "tidings send --test you@example.com ") {
			t.Errorf("%q: exit %d, stderr %q, want %q and the command written out", args, code, errOut, want)
		}
	}
	// A flag's value that is no campaign file changes nothing.
	if _, errOut, code := runCLI(t, "send", "--test", "me@example.org"); code != exitUnusable || strings.Contains(errOut, "took") {
		t.Errorf("--test with an address and no campaign: exit %d, %q", code, errOut)
	}
}
