//go:build !unix

package main

import "os"

// awaitReaderGone cannot tell here that f lost its reader: the command
// finds out at its next write.
func awaitReaderGone(f *os.File, gone func()) (end func()) { return func() {} }
