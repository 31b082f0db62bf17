package bounces

import (
	"os"

	"golang.org/x/sys/windows"
)

// lockList takes an exclusive LockFileEx lock on the suppression list f,
// waiting while another holds it: a bounces run of another campaign that
// shares the list, appending. Closing f releases it, as does the end of
// the process in any way. The lock is mandatory on Windows, so it is
// taken on one byte far past the list's end (offset 2⁶²), which no read
// or append of the list touches (listByte).
func lockList(f *os.File) error {
	return windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK, 0, 1, 0, listByte())
}

// listByte is the byte of the suppression list lockList locks, a new
// Overlapped for each call: offset 2⁶², as journal's locks take theirs.
func listByte() *windows.Overlapped { return &windows.Overlapped{OffsetHigh: 1 << 30} }
