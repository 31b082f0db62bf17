package offheap

import "unsafe"

// List is a growing list of T (pointer-free, as Make's arrays) in memory
// outside the Go heap once it is large (Make): Add doubles its array when
// it is full, giving the old one back at once. The zero value is an empty
// list; Free gives its memory back. Not safe for concurrent use.
type List[T any] struct {
	mem Array[T]
	n   int
}

// Add appends v.
func (l *List[T]) Add(v T) {
	if l.n == len(l.mem.Items) {
		grown := Make[T](max(1024, 2*l.n))
		copy(grown.Items, l.mem.Items[:l.n])
		l.mem.Free()
		l.mem = grown
	}
	l.mem.Items[l.n] = v
	l.n++
}

// Items are the values added, in the list's own memory (sorting them
// sorts the list); the slice is valid until the next Add or Free.
func (l *List[T]) Items() []T { return l.mem.Items[:l.n] }

// Bytes is the memory the list holds.
func (l *List[T]) Bytes() int { return len(l.mem.Items) * int(unsafe.Sizeof(*new(T))) }

// Free gives the list's memory back and leaves it empty.
func (l *List[T]) Free() {
	l.mem.Free()
	l.n = 0
}

// Mapped reports whether the list's array is outside the Go heap (see
// Array.Mapped).
func (l *List[T]) Mapped() bool { return l.mem.Mapped() }
