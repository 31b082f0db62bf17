package journal

// slotTable holds a State's slots, found by their keys' keyIDs. The slots
// live in chunks of slotChunk made as keys come, so growing never copies
// them (nor holds old and new arrays side by side, as appending to one
// slice would at a million keys); the index is an open-addressing table of
// slot numbers, 4 bytes a place kept at most three quarters full. With
// its 48-byte slot a key takes about 55 bytes, where a map from keyID to a
// slot number and a slice of 64-byte slots took about 105. Written by hand for
// that reason, as Deduper is. Lookups do not change it: once filled, it is
// safe for concurrent reads.
type slotTable struct {
	chunks [][]slot
	n      int32   // slots in use
	places []int32 // slot number + 1 by the keyID's place; 0 is free
}

// slotChunk is the number of slots in a chunk.
const slotChunk = 4096

// at returns slot i.
func (t *slotTable) at(i int32) *slot { return &t.chunks[i/slotChunk][i%slotChunk] }

// find returns the number of the slot of id.
func (t *slotTable) find(id keyID) (int32, bool) {
	if len(t.places) == 0 {
		return 0, false
	}
	mask := uint64(len(t.places) - 1)
	for p := id[0] & mask; ; p = (p + 1) & mask {
		j := t.places[p]
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
	if 4*(int(t.n)+1) > 3*len(t.places) {
		t.grow()
	}
	i := t.n
	if i%slotChunk == 0 {
		t.chunks = append(t.chunks, make([]slot, slotChunk))
	}
	t.n++
	*t.at(i) = slot{id: id, delivery: int8(NoStatus), noteStatus: int8(NoStatus)}
	t.place(id, i)
	return i
}

// place records slot i in id's place: the first free one from id's own,
// onwards (linear probing).
func (t *slotTable) place(id keyID, i int32) {
	mask := uint64(len(t.places) - 1)
	p := id[0] & mask
	for t.places[p] != 0 {
		p = (p + 1) & mask
	}
	t.places[p] = i + 1
}

// grow doubles the places (a power of two) and places every slot again.
func (t *slotTable) grow() {
	t.places = make([]int32, max(1024, 2*len(t.places)))
	for i := range t.n {
		t.place(t.at(i).id, i)
	}
}
