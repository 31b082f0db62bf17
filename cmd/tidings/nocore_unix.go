//go:build unix && !linux

package main

import "golang.org/x/sys/unix"

// forbidCoreDumps keeps this process's memory, which holds the passwords
// once read, out of any core file: the core size limit goes to zero (see
// nocore_linux.go). A failure is ignored.
func forbidCoreDumps() {
	_ = unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{})
}
