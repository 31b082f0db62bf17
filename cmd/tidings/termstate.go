package main

import (
	"os"

	"golang.org/x/term"
)

// terminalRestorer returns a function that puts f, when it is a
// terminal, back in the state it is in now (a no-op otherwise): a quit
// at the third interrupt (os.Exit) skips what would restore it, and a
// password prompt (term.ReadPassword, which no context reaches) has
// turned its echo off.
func terminalRestorer(f *os.File) func() {
	fd := int(f.Fd())
	st, err := term.GetState(fd)
	if err != nil {
		return func() {}
	}
	return func() { term.Restore(fd, st) }
}
