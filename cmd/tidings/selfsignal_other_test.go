//go:build !unix

package main

import (
	"os"
	"testing"
)

// interruptSelf skips the test here: a process cannot send itself the
// Ctrl-C a console gives it.
func interruptSelf(t *testing.T) {
	t.Helper()
	t.Skip("an interrupt of the test process itself needs a Unix signal")
}

// pauseProcess kills p here, where it cannot be stopped: nothing it does
// moves after either.
func pauseProcess(p *os.Process) { p.Kill() }
