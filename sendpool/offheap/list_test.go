package offheap

import "testing"

// TestList: values added past the size Make maps keep their order across
// each doubling, the array is outside the heap by then, and Free leaves
// the list empty and holding nothing.
func TestList(t *testing.T) {
	var l List[uint64]
	const n = 100_000 // 800 KB: mapped (minMapped)
	for i := range n {
		l.Add(uint64(i) * 3)
	}
	items := l.Items()
	if len(items) != n {
		t.Fatalf("%d items, want %d", len(items), n)
	}
	for i, v := range items {
		if v != uint64(i)*3 {
			t.Fatalf("item %d is %d, want %d", i, v, i*3)
		}
	}
	if !l.Mapped() || l.Bytes() < n*8 {
		t.Errorf("mapped %t, %d bytes: want an array outside the heap of at least %d", l.Mapped(), l.Bytes(), n*8)
	}
	l.Free()
	if len(l.Items()) != 0 || l.Bytes() != 0 || l.Mapped() {
		t.Errorf("after Free: %d items, %d bytes, mapped %t", len(l.Items()), l.Bytes(), l.Mapped())
	}
}
