package journal

import (
	"sync/atomic"

	"github.com/tidings/tidings/sendpool/offheap"
)

// slotTable holds a State's slots, found by their keys' keyIDs. The slots
// live in chunks of slotChunk made as keys come, so growing never copies
// them (nor holds old and new arrays side by side, as appending to one
// slice would at a million keys); the index is an open-addressing table of
// slot numbers, 4 bytes a place kept at most three quarters full. With
// its 40-byte slot a key takes about 47 bytes, where a map from keyID to a
// slot number and a slice of 64-byte slots took about 105. Written by hand for
// that reason, as Deduper is. Both live outside the Go heap (package
// offheap), so the collector's headroom does not double them. Lookups do
// not change it: once filled, it is safe for concurrent reads. free gives
// its memory back (its State's cleanup calls it); it must not be used
// after.
type slotTable struct {
	chunks []offheap.Array[slot]
	n      int32                // slots in use
	places offheap.Array[int32] // slot number + 1 by the keyID's place; 0 is free
	freed  atomic.Bool          // set by free (for tests)
}

// slotChunk is the number of slots in a chunk.
const slotChunk = 4096

// at returns slot i.
func (t *slotTable) at(i int32) *slot {
	return &t.chunks[i/slotChunk].Items[i%slotChunk]
}

// find returns the number of the slot of id.
func (t *slotTable) find(id keyID) (int32, bool) {
	places := t.places.Items
	if len(places) == 0 {
		return 0, false
	}
	mask := uint64(len(places) - 1)
	for p := id[0] & mask; ; p = (p + 1) & mask {
		j := places[p]
		if j == 0 {
			return 0, false
		}
		if t.at(j-1).id == id {
			return j - 1, true
		}
	}
}

// add adds a slot for id, which must be new, and returns its number.
func (t *slotTable) add(id keyID) int32 {
	if 4*(int(t.n)+1) > 3*len(t.places.Items) {
		t.grow()
	}
	i := t.n
	if i%slotChunk == 0 {
		t.chunks = append(t.chunks, offheap.Make[slot](slotChunk))
	}
	t.n++
	*t.at(i) = slot{id: id} // NoStatus, as statuses are packed
	t.place(id, i)
	return i
}

// place records slot i in id's place: the first free one from id's own,
// onwards (linear probing).
func (t *slotTable) place(id keyID, i int32) {
	places := t.places.Items
	mask := uint64(len(places) - 1)
	p := id[0] & mask
	for places[p] != 0 {
		p = (p + 1) & mask
	}
	places[p] = i + 1
}

// grow doubles the places (a power of two) and places every slot again.
func (t *slotTable) grow() {
	old := t.places
	t.places = offheap.Make[int32](max(1024, 2*len(old.Items)))
	old.Free()
	for i := range t.n {
		t.place(t.at(i).id, i)
	}
}

// free gives the table's memory back and leaves it empty.
func (t *slotTable) free() {
	for i := range t.chunks {
		t.chunks[i].Free()
	}
	t.places.Free()
	t.chunks, t.n = nil, 0
	t.freed.Store(true)
}
