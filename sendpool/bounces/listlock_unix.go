//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package bounces

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// lockList takes an exclusive flock(2) on the suppression list f, waiting
// while another holds it: a bounces run of another campaign that shares
// the list, appending. Closing f releases it. The wait is as long as that
// append, which holds the lock for one write and its sync.
func lockList(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}
