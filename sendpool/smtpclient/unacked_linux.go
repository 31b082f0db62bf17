//go:build linux

package smtpclient

import "golang.org/x/sys/unix"

// socketUnacked returns how many of the bytes written to the TCP socket fd
// the server has not acknowledged yet, sent or still queued here.
func socketUnacked(fd int) (int, error) { return unix.IoctlGetInt(fd, unix.SIOCOUTQ) }
