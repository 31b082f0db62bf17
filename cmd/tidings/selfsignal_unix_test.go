//go:build unix

package main

import (
	"os"
	"syscall"
	"testing"
)

// interruptSelf sends this process a real SIGINT, as Ctrl-C in its
// terminal does.
func interruptSelf(t *testing.T) {
	t.Helper()
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
}

// pauseProcess stops p (SIGSTOP): nothing it does moves until it is
// continued or killed.
func pauseProcess(p *os.Process) { p.Signal(syscall.SIGSTOP) }
