package render

import (
	"fmt"
	"strings"
)

// dotlessWarnings are the warnings for the recipients (addr-specs, IDNA
// domains) whose domain has no dot ("anna@example", ".de" left out): a
// valid address (RFC 5321 allows a domain of one label, and a test
// server may take it), which no mail server on the Internet takes mail
// for, so it is warned of rather than refused.
func dotlessWarnings(recipients []string) []string {
	var out []string
	for _, a := range recipients {
		at := strings.LastIndexByte(a, '@')
		domain := a[at+1:]
		if at < 0 || domain == "" || strings.Contains(domain, ".") {
			continue
		}
		out = append(out, fmt.Sprintf("%s: the domain %q has no dot, so no mail server on the Internet takes mail for it (a dot, or an ending such as .com, left out?)", a, domain))
	}
	return out
}
