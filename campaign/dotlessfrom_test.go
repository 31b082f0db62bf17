package campaign

import (
	"strings"
	"testing"
)

// TestSenderWarnings: a From or Reply-To whose domain has no dot
// ("team@example", a beginner's slip) is warned of, as a recipient's is,
// where check said nothing and the messages went out from a domain no
// server takes mail for (rev-user9); a template, a dotted domain and an
// address literal are not.
func TestSenderWarnings(t *testing.T) {
	for from, want := range map[string]string{
		`"My Team <team@example>"`:              `from: team@example: the domain "example" has no dot: receiving servers refuse mail from a domain that does not exist`,
		`"Acme News <news@acme.example>"`:       "",
		`'{{.owner}} <news@acme>'`:              "",
		`"Lab <lab@[192.0.2.1]>"`:               "",
		`"a@acme.example, Ops <ops@localhost>"`: `from: ops@localhost: the domain "localhost" has no dot`,
		// A Japanese input method's full stop, which IDNA takes for a dot
		// (render sends a@xn--r8jz45g.jp): no warning.
		`"A <a@例え。jp>"`: "",
		`"A <a@例え．jp>"`: "",
	} {
		yaml := strings.Replace(minimalCampaign, `"Acme News <news@acme.example>"`, from, 1)
		c, err := Load(writeCampaign(t, yaml))
		if err != nil {
			t.Fatalf("from %s: %v", from, err)
		}
		got := strings.Join(c.Warnings, "\n")
		if want == "" && strings.Contains(got, "has no dot") || want != "" && !strings.Contains(got, want) {
			t.Errorf("from %s: warnings %q, want %q", from, got, want)
		}
	}
	// Of a reply_to: it said receiving servers refuse mail from it, which
	// is not sent from it (rev-last8, reviewing 42c834a).
	c, err := Load(writeCampaign(t, minimalCampaign+"reply_to: help@acme\n"))
	if err != nil || !strings.Contains(strings.Join(c.Warnings, "\n"), `reply_to: help@acme: the domain "acme" has no dot: the replies to it cannot be delivered`) {
		t.Errorf("reply_to help@acme: %v, warnings %q", err, c.Warnings)
	}
}
