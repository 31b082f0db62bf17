package render

import (
	"strconv"
	"strings"

	"github.com/tidings/tidings/campaign"
)

// Facets names what a message's ValueSums fingerprint, in their order: the
// columns the campaign reads besides the key column, then "" for the files
// the row's attachment templates name when the campaign attaches any (a
// file attached to every message is left out: a change to it is the
// campaign's, which send tells once, not each row's). The result must not
// be modified. Safe for concurrent use.
func (r *Renderer) Facets() []string { return r.facets }

// valueSums returns the fingerprints of row's facets (see Facets): the
// 32-bit FNV-1a hash of each column's value (spaces around it left out),
// and a 0 in the attachments' place that rowAttachments fills; nil when
// the row's values are not known (a row the sheet could not read).
func (r *Renderer) valueSums(row campaign.Row) []uint32 {
	if row.Values == nil {
		return nil
	}
	sums := make([]uint32, len(r.facets))
	for i, c := range r.facets {
		if c != "" {
			sums[i] = fnv32(fnvOffset, strings.TrimSpace(row.Values[c]))
		}
	}
	return sums
}

// Variant identifies what of row makes its message besides the key: a
// 32-bit hash of the values of the columns the campaign reads (the key
// column left out, so that two spellings of one key agree; spaces around a
// value left out too), never 0.
// Two rows with one key and different variants would make different
// messages (journal.Deduper tells such a pair from a plain duplicate).
// Equal hashes of different values (odds about 1 in 4 billion a pair)
// make the later row a plain duplicate. Under recipients.duplicates: first
// such a row is a duplicate still, told as one with other values (what
// the first row's message does not carry). Safe for concurrent use.
func (r *Renderer) Variant(row campaign.Row) uint32 {
	return r.variantOf(r.valueSums(row))
}

// variantOf is Variant of the row whose valueSums are sums.
func (r *Renderer) variantOf(sums []uint32) uint32 {
	if sums == nil {
		return 0 // not known: a row the sheet could not read
	}
	if r.attachSum {
		sums = sums[:len(sums)-1] // the files follow from the values
	}
	return combineSums(sums)
}

// facetSum is one 32-bit hash (FNV-1a) of facets and their 32-bit
// fingerprints sums, never 0; 0 when there are none or the two do not
// pair up: a message's ValuesSum. Two messages with the same facetSum were
// made of the same values (but for odds of 1 in 4 billion).
func facetSum(facets []string, sums []uint32) uint32 {
	if len(sums) == 0 || len(sums) != len(facets) {
		return 0
	}
	h := uint32(fnvOffset)
	for i, f := range facets {
		h = fnv32(h, f) * fnvPrime // a 0 byte after the name
		h = fnv32Word(h, sums[i])
	}
	return max(h, 1)
}

// fold16 is each of sums in 16 bits (its halves xor'ed); nil for nil.
func fold16(sums []uint32) []uint16 {
	if sums == nil {
		return nil
	}
	out := make([]uint16, len(sums))
	for i, s := range sums {
		out[i] = uint16(s ^ s>>16)
	}
	return out
}

// combineSums is one 32-bit hash of sums (never 0), in their order.
func combineSums(sums []uint32) uint32 {
	h := uint32(fnvOffset)
	for _, s := range sums {
		h = fnv32Word(h, s)
	}
	return max(h, 1)
}

// revision is what, besides the campaign and the key, sets a message's
// Message-ID: the row's values and files (m.ValuesSum), so that a message
// made again from corrected values is another message (RFC 5322 3.6.4: an
// identifier names one version of a message) and the same values make the
// same one. Empty when the campaign reads nothing but the key.
func revision(m *Message) string {
	if m.ValuesSum == 0 { // facetSum of no facets
		return ""
	}
	return strconv.FormatUint(uint64(m.ValuesSum), 16)
}

// fnv32 continues the 32-bit FNV-1a hash h over s. Inline: hash/fnv's
// Hash32 allocates, and every row of every send is hashed.
func fnv32(h uint32, s string) uint32 {
	for i := range len(s) {
		h = (h ^ uint32(s[i])) * fnvPrime
	}
	return h
}

// fnv32Word continues the 32-bit FNV-1a hash h over v's 4 bytes,
// little-endian.
func fnv32Word(h, v uint32) uint32 {
	for range 4 {
		h = (h ^ v&0xff) * fnvPrime
		v >>= 8
	}
	return h
}

// FNV-1a, 32 bits.
const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)
