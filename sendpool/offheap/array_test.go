package offheap

import (
	"reflect"
	"runtime"
	"testing"
)

type pointerFree struct {
	id   [2]uint64
	row  int32
	flag bool
	pad  [3]int8
}

type withPointer struct {
	n int
	s string
}

// TestMakeOutsideHeap: a pointer-free table is mapped, zeroed, writable
// and not counted in the Go heap; Free empties the Array.
func TestMakeOutsideHeap(t *testing.T) {
	const n = 1 << 20 // 32 MB of pointerFree
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	a := Make[pointerFree](n)
	runtime.ReadMemStats(&after)
	if runtime.GOOS != "windows" && runtime.GOOS != "plan9" && runtime.GOOS != "js" && runtime.GOOS != "wasip1" && !a.Mapped() {
		t.Fatal("a pointer-free Array is not mapped on a system with mmap")
	}
	if len(a.Items) != n {
		t.Fatalf("len %d, want %d", len(a.Items), n)
	}
	if a.Mapped() {
		if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 1<<20 {
			t.Errorf("the Go heap grew by %d bytes for a mapped Array", grew)
		}
	}
	for i := range a.Items {
		if a.Items[i] != (pointerFree{}) {
			t.Fatalf("item %d is not zero: %+v", i, a.Items[i])
		}
	}
	a.Items[n-1] = pointerFree{id: [2]uint64{1, 2}, row: 7}
	if a.Items[n-1].row != 7 {
		t.Fatal("write not kept")
	}
	a.Free()
	if a.Items != nil || a.Mapped() {
		t.Fatal("Free left the Array non-empty")
	}
	a.Free() // again: nothing
}

// TestMakeWithPointersOnHeap: a T the collector must scan stays on the
// Go heap, where its pointers keep what they point to alive.
func TestMakeWithPointersOnHeap(t *testing.T) {
	a := Make[withPointer](1000)
	if a.Mapped() {
		t.Fatal("an Array of a type with a string is mapped")
	}
	a.Items[999].s = "kept"
	runtime.GC()
	if a.Items[999].s != "kept" {
		t.Fatal("value lost")
	}
	a.Free()
	for _, p := range []bool{hasPointers2[*int](), hasPointers2[[]int](), hasPointers2[map[int]int](), hasPointers2[[2]string](), hasPointers2[struct{ f func() }]()} {
		if !p {
			t.Error("a type with pointers taken as pointer-free")
		}
	}
	for _, p := range []bool{hasPointers2[[4]int32](), hasPointers2[struct{ a, b uint64 }](), hasPointers2[[0]*int]()} {
		if p {
			t.Error("a pointer-free type taken as holding pointers")
		}
	}
	if e := Make[int64](0); e.Items != nil || e.Mapped() {
		t.Error("Make(0) is not empty")
	}
}

func hasPointers2[T any]() bool { return hasPointers(reflect.TypeFor[T]()) }
