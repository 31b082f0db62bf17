//go:build !unix

package offheap

import "errors"

// mapAnon: without mmap every Array is on the Go heap.
func mapAnon(int) ([]byte, error) { return nil, errors.New("offheap: no mmap on this system") }

func unmap([]byte) {}
