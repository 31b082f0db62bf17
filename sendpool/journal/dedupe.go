package journal

import (
	"fmt"
	"hash/maphash"
	"math/bits"
)

// Deduper finds rows whose recipient key an earlier row already has, keys
// compared as NormalizeKey gives them. It is the one duplicate rule of
// check, preview, send and report. It keeps a 64-bit hash of each key with
// the row that had it first, not the key; two different keys with the same
// hash (odds about 1 in 10^7 for a million keys) would make the later one a
// duplicate. Feed it the rows in sheet order. It is not safe for concurrent
// use.
//
// The hashes and rows live in open-addressing tables of 12 bytes a slot
// kept at most 7/8 full (about 14 to 21 bytes a key: a million keys take
// 18 MB), where a map[uint64]int32 took 34 MB. The keys are spread over
// dedupeShards tables by their hash's top bits, so a table that grows
// copies a sixty-fourth of the keys, never old and new whole tables side
// by side. Written by hand because the standard library has no compact
// hash set and a map's per-entry overhead is what a million-row send's
// memory grew by.
type Deduper struct {
	seed   maphash.Seed
	shards [dedupeShards]dedupeTable
}

// dedupeTable is one shard: its hashes (never 0; 0 marks a free slot) and,
// beside each, the row that had the key first.
type dedupeTable struct {
	hashes []uint64
	rows   []int32
	n      int // keys held
}

const (
	dedupeShards    = 64
	dedupeShardBits = 6  // log2(dedupeShards)
	dedupeMinSlots  = 64 // a table's first size
)

// NewDeduper returns an empty Deduper.
func NewDeduper() *Deduper {
	d := &Deduper{seed: maphash.MakeSeed()}
	for i := range d.shards {
		d.shards[i].hashes, d.shards[i].rows = make([]uint64, dedupeMinSlots), make([]int32, dedupeMinSlots)
	}
	return d
}

// Check records row's key and, when an earlier row has the same normalized
// key, returns the detail "duplicate of row N" (N being that earlier row)
// and true. Empty keys are never duplicates (they are invalid rows).
func (d *Deduper) Check(row int, key string) (detail string, dup bool) {
	k := NormalizeKey(key)
	if k == "" {
		return "", false
	}
	h := max(maphash.String(d.seed, k), 1)
	t := &d.shards[h>>(64-dedupeShardBits)]
	i, found := t.find(h)
	if found {
		return fmt.Sprintf("duplicate of row %d", t.rows[i]), true
	}
	t.hashes[i], t.rows[i] = h, int32(row)
	if t.n++; t.n > len(t.hashes)/8*7 {
		t.grow()
	}
	return "", false
}

// find returns the slot holding h (found) or the free slot where h goes.
// A hash's first slot is its place in the table's range by the bits below
// the shard's (h·len/2^64 of them), then the next ones, around: linear
// probing.
func (t *dedupeTable) find(h uint64) (slot int, found bool) {
	i, _ := bits.Mul64(h<<dedupeShardBits, uint64(len(t.hashes)))
	for {
		switch t.hashes[i] {
		case h:
			return int(i), true
		case 0:
			return int(i), false
		}
		if i++; i == uint64(len(t.hashes)) {
			i = 0
		}
	}
}

// grow moves the keys into a table half as large again.
func (t *dedupeTable) grow() {
	hashes, rows := t.hashes, t.rows
	size := len(hashes) + len(hashes)/2
	t.hashes, t.rows = make([]uint64, size), make([]int32, size)
	for j, h := range hashes {
		if h != 0 {
			i, _ := t.find(h)
			t.hashes[i], t.rows[i] = h, rows[j]
		}
	}
}
