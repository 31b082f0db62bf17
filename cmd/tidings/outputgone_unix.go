//go:build unix

package main

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// awaitReaderGone calls gone, from a goroutine of its own, once f, a pipe
// or a socket, reports an error or a hang-up (on Linux a pipe's writing
// end polls as POLLERR once its last reader closed); end stops the watch
// and returns once the goroutine has ended.
func awaitReaderGone(f *os.File, gone func()) (end func()) {
	rc, err := f.SyscallConn()
	var fd int
	if err == nil {
		err = rc.Control(func(d uintptr) { fd = int(d) })
	}
	var wake [2]int
	if err == nil {
		err = unix.Pipe(wake[:])
	}
	if err != nil {
		return func() {}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fds := []unix.PollFd{{Fd: int32(fd)}, {Fd: int32(wake[0]), Events: unix.POLLIN}}
		for {
			_, err := unix.Poll(fds, -1)
			switch {
			case errors.Is(err, unix.EINTR):
				continue
			case err != nil || fds[1].Revents != 0:
				return
			case fds[0].Revents != 0: // POLLNVAL too: nothing to watch
				if fds[0].Revents&(unix.POLLERR|unix.POLLHUP) != 0 {
					gone()
				}
				return
			}
		}
	}()
	return func() {
		unix.Close(wake[1])
		<-done
		unix.Close(wake[0])
	}
}
