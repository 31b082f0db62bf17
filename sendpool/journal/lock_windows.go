package journal

import (
	"errors"
	"os"
	"time"

	"golang.org/x/sys/windows"
)

// lockRange is where in a file the locks of this file take their byte,
// a new Overlapped for each call: LockFileEx's locks are mandatory (no
// other handle reads or writes a locked byte), so they lock one byte far
// past the end of any file tidings writes (offset 2⁶²), and others still
// read the holder's details from the start of the lock file (Holder, a
// refused AcquireLock). bounces locks the suppression list at the same
// byte, for the same reason (its lockList).
func lockRange() *windows.Overlapped { return &windows.Overlapped{OffsetHigh: 1 << 30} }

// lockFile takes an exclusive LockFileEx lock on f without waiting. held
// is true when another open handle (in this or another process) has it.
// Windows releases it when f is closed, also when the process ends in
// any way (a crash, End task), as flock(2) is on Unix.
func lockFile(f *os.File) (held bool, err error) { return tryLock(f, true) }

// unlockFile gives up the lock lockFile took.
func unlockFile(f *os.File) error { return untryLock(f) }

// tryLock takes a LockFileEx lock on f, exclusive or shared, without
// waiting. held is true when another open handle has it in a mode that
// excludes this one.
func tryLock(f *os.File, exclusive bool) (held bool, err error) {
	flags := uint32(windows.LOCKFILE_FAIL_IMMEDIATELY)
	if exclusive {
		flags |= windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	err = windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, 1, 0, lockRange())
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return true, nil
	}
	return false, err
}

// untryLock gives up the lock tryLock took.
func untryLock(f *os.File) error {
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, lockRange())
}

// stillActive is the exit code GetExitCodeProcess gives a process that
// has not ended (STILL_ACTIVE).
const stillActive = 259

// processRunning reports whether a process with this PID exists and has
// not ended: one that ended but whose handle another process keeps open
// still opens, with its exit code. Access denied means it exists under
// another user.
func processRunning(pid int) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return errors.Is(err, windows.ERROR_ACCESS_DENIED)
	}
	defer windows.CloseHandle(h)
	var code uint32
	return windows.GetExitCodeProcess(h, &code) != nil || code == stillActive
}

// stopped cannot tell here (Windows has no stopped processes to tell of):
// it says no.
func stopped(int) bool { return false }

// startedAfter says whether process pid began after t (GetProcessTimes):
// then it cannot be the one that wrote t into the lock file (Windows
// gives a PID again soon after its process ended). startSlack is allowed,
// as on Linux. False when it cannot be told.
func startedAfter(pid int, t time.Time) bool {
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, uint32(pid))
	if err != nil {
		return false
	}
	defer windows.CloseHandle(h)
	var created, exited, kernel, user windows.Filetime
	if windows.GetProcessTimes(h, &created, &exited, &kernel, &user) != nil {
		return false
	}
	return time.Unix(0, created.Nanoseconds()).After(t.Add(startSlack))
}

// pidNamespace: Windows has none to tell, "".
func pidNamespace() string { return "" }
