package offheap

import (
	"math"
	"reflect"
	"unsafe"
)

// Array is n values of T in memory mapped from the operating system
// (anonymous, private, zeroed), or on the Go heap where that is not worth
// it or cannot be: an array under minMapped bytes (a mapping costs a
// system call and at least a page), a system without mmap, a mapping
// refused, or a T holding pointers (memory the collector does not scan
// must not hold them). Items is the values; Free gives the memory back.
// An Array is not safe for concurrent use while it is freed; after Free,
// Items is nil and any slice of it the caller kept must not be used
// (mapped memory is unmapped, and its address may be reused). An Array
// owns its mapping: a copy must not be freed as well, nor used after the
// original is.
type Array[T any] struct {
	Items []T
	// mem is the mapping; nil when Items is on the Go heap.
	mem []byte
}

// minMapped is the size of the smallest Array mapped.
const minMapped = 64 << 10

// Make returns an Array of n zeroed values of T.
func Make[T any](n int) Array[T] {
	if n <= 0 {
		return Array[T]{}
	}
	size := unsafe.Sizeof(*new(T))
	if size == 0 || uintptr(n) < minMapped/size || uintptr(n) > math.MaxInt/size || hasPointers(reflect.TypeFor[T]()) {
		return Array[T]{Items: make([]T, n)}
	}
	mem, err := mapAnon(int(size) * n)
	if err != nil {
		return Array[T]{Items: make([]T, n)}
	}
	return Array[T]{Items: unsafe.Slice((*T)(unsafe.Pointer(unsafe.SliceData(mem))), n), mem: mem}
}

// Mapped reports whether a's values are outside the Go heap.
func (a *Array[T]) Mapped() bool { return a.mem != nil }

// Free gives a's memory back and leaves a empty. Freeing an empty Array
// does nothing.
func (a *Array[T]) Free() {
	mem := a.mem
	a.Items, a.mem = nil, nil
	if mem != nil {
		unmap(mem)
	}
}

// hasPointers reports whether a value of t holds a pointer the collector
// would have to see: anything but booleans, numbers, and arrays and
// structs of them.
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	default:
		return true
	}
}
