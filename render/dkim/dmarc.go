package dkim

import "slices"

// DMARCPolicy is the DMARC record DMARCRecords gives to publish where a
// domain has none: monitoring only (p=none, RFC 7489 6.3), the least
// Gmail's and Yahoo's bulk-sender rules (February 2024) ask of a From
// domain. A stricter policy already published is to be kept.
const DMARCPolicy = "v=DMARC1; p=none"

// DMARCRecords are the DMARC TXT records (RFC 7489 6.1) of the domains s
// signs as: one at _dmarc.<organizational domain> of each signing domain,
// once each, in the order of the keys, where receivers look for the
// policy of every From those keys align with (checkAligned); Value is
// DMARCPolicy, Algorithm empty. Nil for a nil Signer.
func (s *Signer) DMARCRecords() []Record {
	if s == nil {
		return nil
	}
	var out []Record
	for _, k := range s.keys {
		r := Record{Name: "_dmarc." + orgDomain(k.domain), Value: DMARCPolicy}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}
