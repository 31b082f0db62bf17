package render

import (
	"strings"

	"github.com/tidings/tidings/campaign"
)

// Variant identifies what of row makes its message besides the key: a
// 32-bit FNV-1a hash of the values of the columns the campaign reads (the
// key column left out, so that two spellings of one key agree; spaces
// around a value left out too), never 0.
// Two rows with one key and different variants would make different
// messages (journal.Deduper tells such a pair from a plain duplicate).
// Equal hashes of different values (odds about 1 in 4 billion a pair)
// make the later row a plain duplicate. Under recipients.duplicates: first
// every row's variant is 1, so repeats are duplicates whatever their
// values. Safe for concurrent use.
func (r *Renderer) Variant(row campaign.Row) uint32 {
	switch {
	case row.Values == nil:
		return 0 // not known: a row the sheet could not read
	case r.c.Recipients.Duplicates == campaign.DuplicatesFirst:
		return 1 // known, and the same for every row: repeats are duplicates
	}
	h := uint32(fnvOffset)
	for _, c := range r.used {
		if c == r.keyCol {
			continue
		}
		v := strings.TrimSpace(row.Values[c])
		for i := range len(v) {
			h = (h ^ uint32(v[i])) * fnvPrime
		}
		h *= fnvPrime // a 0 byte between values
	}
	return max(h, 1)
}

// FNV-1a, 32 bits, inline: hash/fnv's Hash32 allocates, and every row of
// every send is hashed.
const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)
