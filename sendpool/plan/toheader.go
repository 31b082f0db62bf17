package plan

import (
	"net/mail"
	"strings"

	"golang.org/x/net/idna"

	"github.com/tidings/tidings/campaign"
)

// allSuppressed says whether supp names every address of to, a To
// header as the journal keeps it (decoded: "Ann <ann@x>, bob@y"); a
// header that cannot be read is matched whole.
func allSuppressed(supp *campaign.Suppression, to string) bool {
	addrs, ok := toAddresses(to)
	if !ok {
		addrs = []string{to}
	}
	for _, a := range addrs {
		if _, ok := supp.Match(a); !ok {
			return false
		}
	}
	return true
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
