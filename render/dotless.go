package render

import (
	"fmt"

	"github.com/tidings/tidings/campaign"
)

// dotlessWarnings are the warnings for the recipients (addr-specs, IDNA
// domains) whose domain has no dot (campaign.DotlessDomain: "anna@example",
// ".de" left out): valid, but no mail server on the Internet takes mail
// for it, so it is warned of rather than refused.
func dotlessWarnings(recipients []string) []string {
	var out []string
	for _, a := range recipients {
		if domain, ok := campaign.DotlessDomain(a); ok {
			out = append(out, fmt.Sprintf("%s: the domain %q has no dot, so no mail server on the Internet takes mail for it (a dot, or an ending such as .com, left out?)", a, domain))
		}
	}
	return out
}
