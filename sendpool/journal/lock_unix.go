//go:build linux || darwin || dragonfly || freebsd || netbsd || openbsd

package journal

import (
	"bytes"
	"errors"
	"os"
	"strconv"
	"time"

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
func zombie(pid int) bool { return procState(pid) == 'Z' }

// stopped says whether /proc/PID/stat gives the process's state as T:
// stopped by a signal (Ctrl-Z, SIGSTOP), it does nothing until continued
// (fg, SIGCONT). False where there is no /proc (Linux has one).
func stopped(pid int) bool { return procState(pid) == 'T' }

// procState is the state letter /proc/PID/stat gives the process (R, S,
// T, Z, …); 0 where /proc does not tell.
func procState(pid int) byte {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// "PID (COMMAND) STATE …": the command may hold spaces and parentheses.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return 0
	}
	return b[i+2]
}

// startedAfter says whether /proc shows that process pid began after t:
// then it cannot be the one that wrote t into the lock file (its PID was
// taken again since the holder ended: a SIGKILL leaves the file's
// content). /proc gives the start in clock ticks since boot (USER_HZ, 100
// on Linux), and boot in whole seconds by the wall clock, which a step of
// the clock since moves: startSlack is allowed. False where /proc does
// not tell.
func startedAfter(pid int, t time.Time) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	i := bytes.LastIndexByte(stat, ')')
	// After "PID (COMMAND)": state is field 3, starttime field 22.
	f := bytes.Fields(stat[i+1:])
	if i < 0 || len(f) < 20 {
		return false
	}
	ticks, err := strconv.ParseInt(string(f[19]), 10, 64)
	boot, ok := bootTime()
	if err != nil || !ok {
		return false
	}
	start := boot.Add(time.Duration(ticks) * (time.Second / 100))
	return start.After(t.Add(startSlack))
}

// bootTime is the btime line of /proc/stat.
func bootTime() (time.Time, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return time.Time{}, false
	}
	for line := range bytes.Lines(b) {
		if v, ok := bytes.CutPrefix(line, []byte("btime ")); ok {
			n, err := strconv.ParseInt(string(bytes.TrimSpace(v)), 10, 64)
			return time.Unix(n, 0), err == nil
		}
	}
	return time.Time{}, false
}

// tryLock takes a flock(2) on f, exclusive or shared, without waiting.
// held is true when another open file has it in a mode that excludes
// this one.
func tryLock(f *os.File, exclusive bool) (held bool, err error) {
	how := unix.LOCK_SH
	if exclusive {
		how = unix.LOCK_EX
	}
	for {
		err = unix.Flock(int(f.Fd()), how|unix.LOCK_NB)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if errors.Is(err, unix.EWOULDBLOCK) {
		return true, nil
	}
	return false, err
}

// untryLock gives up the lock tryLock took.
func untryLock(f *os.File) error { return unlockFile(f) }

// pidNamespace names this process's PID namespace ("pid:[4026531836]"),
// "" where /proc does not tell.
func pidNamespace() string {
	ns, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		return ""
	}
	return ns
}
