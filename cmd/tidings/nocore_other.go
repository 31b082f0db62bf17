//go:build !unix

package main

// forbidCoreDumps does nothing where there are no core files to forbid.
func forbidCoreDumps() {}
