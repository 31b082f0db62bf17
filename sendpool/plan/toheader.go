package plan

import (
	"net/mail"
	"strings"

	"golang.org/x/net/idna"

	"github.com/tidings/tidings/campaign"
)

// SuppressedTo reports whether supp names an address of to, a To header
// as the journal and the report keep it (decoded): a send under
// --retry-failed or --resend-unknown holds such a row back (suppressed),
// so no send tries it again. A header that cannot be read is matched
// whole.
func SuppressedTo(supp *campaign.Suppression, to string) bool {
	addrs, ok := toAddresses(to)
	if !ok {
		_, ok := supp.Match(to)
		return ok
	}
	for _, a := range addrs {
		if _, ok := supp.Match(a); ok {
			return true
		}
	}
	return false
}

// toAddresses are the addresses of a To header as render.Message.To and
// the journal keep it (decoded: "Ann <ann@bücher.example>, bob@y"),
// lower-cased, their domains in IDNA A-labels as the envelope has them.
// ok is false when the header cannot be read as an address list.
func toAddresses(to string) (addrs []string, ok bool) {
	list, err := mail.ParseAddressList(to)
	if err != nil || len(list) == 0 {
		return nil, false
	}
	addrs = make([]string, len(list))
	for i, a := range list {
		local, domain, _ := strings.Cut(a.Address, "@")
		if d, err := idna.Lookup.ToASCII(domain); err == nil {
			domain = d
		}
		addrs[i] = strings.ToLower(local + "@" + domain)
	}
	return addrs, true
}
