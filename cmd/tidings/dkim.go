package main

import (
	"fmt"
	"strings"

	"github.com/tidings/tidings/render/dkim"
)

// printDKIM names the keys the campaign signs with and, with records, the
// DNS TXT record of each in zone-file form (a value longer than 255 bytes
// split into several strings of one record, as RFC 1035 3.3.14 has it),
// and then the DMARC record to publish (printDMARC).
func printDKIM(g *globalOptions, s *dkim.Signer, records bool) {
	if s == nil {
		if records {
			fmt.Fprintln(g.stdout, "dkim: the campaign has no dkim: section, so no DNS record to publish")
		}
		return
	}
	for _, r := range s.Records() {
		if !records {
			fmt.Fprintf(g.stdout, "dkim: signing with %s, key published at %s (check --dns-records prints its TXT record)\n", r.Algorithm, r.Name)
			continue
		}
		fmt.Fprintf(g.stdout, "%s. IN TXT %s\n", r.Name, zoneStrings(r.Value))
	}
	if records {
		printDMARC(g, s)
	}
}

// printDMARC writes, after the DKIM records, the DMARC record of each
// organizational domain s signs as (dkim.Signer.DMARCRecords) in
// zone-file form, below a comment (";", which zone files skip) saying
// that Gmail and Yahoo ask bulk senders for one, that a record already
// published stays, that p=none reports nothing without a rua= address,
// and that SPF, at the envelope sender's domain, is the provider's to say.
func printDMARC(g *globalOptions, s *dkim.Signer) {
	for _, r := range s.DMARCRecords() {
		fmt.Fprintf(g.stdout, "; DMARC, which Gmail and Yahoo require of bulk senders: publish this at %s unless it has a DMARC record already (keep one with p=quarantine or p=reject); "+
			"p=none asks nothing of receivers and tells you nothing unless you add rua=mailto:an address of yours, where they send daily reports of who sends as the domain; "+
			"an SPF record at the envelope sender's domain (sender:, else from:) naming the servers that send for it is your mail provider's to give (its include:)\n", strings.TrimPrefix(r.Name, "_dmarc."))
		fmt.Fprintf(g.stdout, "%s. IN TXT %s\n", r.Name, zoneStrings(r.Value))
	}
}

// zoneStrings is v as quoted character-strings of at most 255 bytes each.
func zoneStrings(v string) string {
	var parts []string
	for len(v) > 255 {
		parts = append(parts, `"`+v[:255]+`"`)
		v = v[255:]
	}
	parts = append(parts, `"`+v+`"`)
	if len(parts) == 1 {
		return parts[0]
	}
	return "( " + strings.Join(parts, " ") + " )"
}
