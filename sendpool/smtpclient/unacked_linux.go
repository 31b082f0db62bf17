//go:build linux

package smtpclient

import "golang.org/x/sys/unix"

// socketUnacked returns how many of the bytes written to the TCP socket fd
// the server has not acknowledged yet, sent or still queued here.
func socketUnacked(fd int) (int, error) { return unix.IoctlGetInt(fd, unix.SIOCOUTQ) }

// socketUnsent returns how many of the bytes written to the TCP socket fd
// have not been sent yet, not once: bytes the server cannot have had.
func socketUnsent(fd int) (int, error) { return unix.IoctlGetInt(fd, unix.SIOCOUTQNSD) }
