//go:build unix

package offheap

import "syscall"

// mapAnon maps size bytes of zeroed memory, private to this process.
func mapAnon(size int) ([]byte, error) {
	return syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
}

// unmap gives back a mapping of mapAnon's. It cannot fail for one (the
// only errors are for addresses not mapped, or a length of 0).
func unmap(mem []byte) { _ = syscall.Munmap(mem) }
