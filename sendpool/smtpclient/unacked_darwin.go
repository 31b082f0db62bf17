//go:build darwin

package smtpclient

import (
	"errors"

	"golang.org/x/sys/unix"
)

// socketUnacked returns how many of the bytes written to the TCP socket fd
// the server has not acknowledged yet, sent or still queued here.
func socketUnacked(fd int) (int, error) {
	return unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_NWRITE)
}

// socketUnsent cannot ask the socket here: an error (see the linux
// version).
func socketUnsent(int) (int, error) { return 0, errors.ErrUnsupported }
