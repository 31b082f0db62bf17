package campaign

import (
	"fmt"
	"net/mail"
	"strings"
)

// senderWarnings are the warnings for the addresses of from: and
// reply_to:, written without a template, whose domain has no dot
// ("team@example", ".org" left out: DotlessDomain): valid, so not refused (a test
// server may take them), but no server on the Internet takes mail for
// such a domain, and receiving servers refuse mail from one.
func (c *Campaign) senderWarnings() []string {
	var out []string
	for _, s := range []struct{ key, value, why string }{
		{"from", c.From, "receiving servers refuse mail from a domain that does not exist, and no reply can reach it"},
		{"reply_to", c.ReplyTo, "the replies to it cannot be delivered, as no server takes mail for a domain that does not exist"},
	} {
		for _, a := range writtenAddresses(s.value) {
			domain, ok := DotlessDomain(a.Address)
			if !ok {
				continue
			}
			out = append(out, fmt.Sprintf("%s: %s: the domain %q has no dot: %s (a dot, or an ending such as .com, left out?)", s.key, a.Address, domain, s.why))
		}
	}
	return out
}

// writtenAddresses are the addresses of value, an address setting (from:,
// reply_to:) written out; nil for a template (its rows' addresses are
// render's to judge), an empty value, and one that is no address list
// (render refuses it, and says why).
func writtenAddresses(value string) []*mail.Address {
	if strings.Contains(value, "{{") || strings.TrimSpace(value) == "" {
		return nil
	}
	list, err := mail.ParseAddressList(value)
	if err != nil {
		return nil
	}
	return list
}
