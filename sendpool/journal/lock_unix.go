//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package journal

import (
	"bytes"
	"errors"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// lockFile takes an exclusive flock(2) on f without waiting. held is true
// when another open file (in this or another process) has it.
func lockFile(f *os.File) (held bool, err error) {
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if errors.Is(err, unix.EWOULDBLOCK) {
		return true, nil
	}
	return false, err
}

func unlockFile(f *os.File) error {
	return unix.Flock(int(f.Fd()), unix.LOCK_UN)
}

// processRunning reports whether a process with this PID exists (kill(2)
// with signal 0; EPERM means it exists under another user) and, where
// /proc tells, is not a zombie: a process that ended (a send killed) and
// that its parent has not reaped yet holds no lock. (Linux shows Z too for
// a process whose main thread ended while others run, which tidings, a Go
// program, does not do.)
func processRunning(pid int) bool {
	if err := unix.Kill(pid, 0); err != nil && !errors.Is(err, unix.EPERM) {
		return false
	}
	return !zombie(pid)
}

// zombie says whether /proc/PID/stat gives the process's state as Z;
// false where there is no /proc.
func zombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// "PID (COMMAND) STATE …": the command may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	return i >= 0 && i+2 < len(b) && b[i+2] == 'Z'
}
