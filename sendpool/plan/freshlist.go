package plan

import (
	"unsafe"

	"github.com/tidings/tidings/sendpool/offheap"
)

// freshList is keyChange's list of fresh addresses, kept outside the Go
// heap (package offheap), so the collector's headroom does not double it:
// a day of a send under daily_cap, or a send resumed, notes most of the
// sheet's rows. Growing doubles it, the old array given back at once.
// The zero value is an empty list; free gives its memory back.
type freshList struct {
	mem offheap.Array[freshAddr]
	n   int
}

// add appends f.
func (l *freshList) add(f freshAddr) {
	if l.n == len(l.mem.Items) {
		grown := offheap.Make[freshAddr](max(1024, 2*l.n))
		copy(grown.Items, l.mem.Items[:l.n])
		l.mem.Free()
		l.mem = grown
	}
	l.mem.Items[l.n] = f
	l.n++
}

// items are the addresses added, in the list's memory: sorting them sorts
// the list.
func (l *freshList) items() []freshAddr { return l.mem.Items[:l.n] }

// bytes is the memory the list holds.
func (l *freshList) bytes() int { return len(l.mem.Items) * int(unsafe.Sizeof(freshAddr{})) }

// free gives the list's memory back and leaves it empty.
func (l *freshList) free() {
	l.mem.Free()
	l.n = 0
}
