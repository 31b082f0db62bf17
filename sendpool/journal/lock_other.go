//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd || windows)

package journal

import (
	"errors"
	"os"
	"time"
)

// lockFile is the plain fallback where flock(2) is missing: an exclusively
// created marker file beside the lock file. Unlike flock it survives a
// crashed holder, so after a crash the marker must be removed by hand.
func lockFile(f *os.File) (held bool, err error) {
	m, err := os.OpenFile(f.Name()+".held", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return false, m.Close()
}

func unlockFile(f *os.File) error {
	return os.Remove(f.Name() + ".held")
}

// processRunning cannot tell here: it says no, so callers fall back to
// what they would say without a running holder.
func processRunning(int) bool { return false }

// stopped cannot tell here: it says no.
func stopped(int) bool { return false }

// startedAfter cannot tell here: it says no.
func startedAfter(int, time.Time) bool { return false }

// tryLock cannot share a lock here: it takes none, so report writers go
// unordered, as before there was a report lock.
func tryLock(*os.File, bool) (held bool, err error) { return false, nil }

// untryLock gives up what tryLock took here: nothing.
func untryLock(*os.File) error { return nil }

// pidNamespace cannot tell here: "".
func pidNamespace() string { return "" }
