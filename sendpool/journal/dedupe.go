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
// The hashes and rows live in an open-addressing table of 12 bytes a slot
// kept at most 7/8 full (about 14 to 21 bytes a key: a million keys take
// 18 MB), where a map[uint64]int32 took 34 MB. Written by hand because the
// standard library has no compact hash set and a map's per-entry overhead
// is what a million-row send's memory grew by.
type Deduper struct {
	seed   maphash.Seed
	hashes []uint64 // a key's hash, never 0; 0 marks a free slot
	rows   []int32  // the row that had the key first, beside its hash
	n      int      // keys held
}

// dedupeMinSlots is the table's first size.
const dedupeMinSlots = 1024

// NewDeduper returns an empty Deduper.
func NewDeduper() *Deduper {
	return &Deduper{seed: maphash.MakeSeed(), hashes: make([]uint64, dedupeMinSlots), rows: make([]int32, dedupeMinSlots)}
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
	i, found := d.find(h)
	if found {
		return fmt.Sprintf("duplicate of row %d", d.rows[i]), true
	}
	d.hashes[i], d.rows[i] = h, int32(row)
	if d.n++; d.n > len(d.hashes)/8*7 {
		d.grow()
	}
	return "", false
}

// find returns the slot holding h (found) or the free slot where h goes.
// A hash's first slot is its place in the table's range (h·len/2^64), then
// the next ones, around: linear probing.
func (d *Deduper) find(h uint64) (slot int, found bool) {
	i, _ := bits.Mul64(h, uint64(len(d.hashes)))
	for {
		switch d.hashes[i] {
		case h:
			return int(i), true
		case 0:
			return int(i), false
		}
		if i++; i == uint64(len(d.hashes)) {
			i = 0
		}
	}
}

// grow moves the keys into a table half as large again.
func (d *Deduper) grow() {
	hashes, rows := d.hashes, d.rows
	size := len(hashes) + len(hashes)/2
	d.hashes, d.rows = make([]uint64, size), make([]int32, size)
	for j, h := range hashes {
		if h != 0 {
			i, _ := d.find(h)
			d.hashes[i], d.rows[i] = h, rows[j]
		}
	}
}
