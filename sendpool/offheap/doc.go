// Package offheap owns memory for large pointer-free tables outside Go's
// collected heap: the per-key tables of a journal's state and of the
// duplicate check, which grow with the recipient list.
//
// Go's collector lets the heap grow to about twice what is live before it
// collects (GOGC=100). A table of a million recipients' keys is tens of
// megabytes that live until the command ends, so on the heap it would
// cost that much again in headroom; mapped here it costs its own size.
// The tables hold no pointers, so the collector has nothing to find in
// them. Nothing on the module proxy does this in a well-kept form, so it
// is written here on syscall.Mmap (the standard library's).
package offheap
