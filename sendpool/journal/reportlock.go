package journal

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/tidings/tidings/sendpool/statefile"
)

// ReportLockName is the file in a campaign's state folder whose lock
// orders the writers of its report files (report.csv, report.json and
// the page). A command that rebuilds them from the journal as it reads it
// (tidings report) holds the lock shared, from before it reads the
// journal until its files are in place; one that ends a change of the
// journal (send's last report, bounces' rewrite) holds it exclusively
// while it writes. So a rebuild that read the journal while a send ran
// never puts its older files over the report the send wrote as it ended,
// which a script reads once send exits.
const ReportLockName = "report.lock"

// reportLockPoll is how often HoldReport tries a lock another holds.
const reportLockPoll = 20 * time.Millisecond

// ReportLock is a held report lock of a state folder.
type ReportLock struct{ f *os.File }

// HoldReport takes the report lock of the state folder dir (creating the
// folder and the file), shared or exclusive, waiting until it is free or
// ctx is done. waiting, when not nil, is called once before a wait, when
// another process holds the lock. The lock is flock(2)'s, or LockFileEx's
// on Windows; where neither is there it holds nothing back. The caller
// releases it.
func HoldReport(ctx context.Context, dir string, exclusive bool, waiting func()) (*ReportLock, error) {
	f, path, err := openReportLock(dir)
	if err != nil {
		return nil, err
	}
	if err := waitLock(ctx, f, exclusive, waiting); err != nil {
		f.Close()
		return nil, fmt.Errorf("journal: report lock %s: %w", path, err)
	}
	return &ReportLock{f: f}, nil
}

// TryHoldReport is HoldReport without a wait: nil, and no error, when
// the lock is held so as to keep this one out, by another process or by
// this one (a lock it holds through another HoldReport counts: flock(2)
// tells each opening of the file apart).
func TryHoldReport(dir string, exclusive bool) (*ReportLock, error) {
	f, path, err := openReportLock(dir)
	if err != nil {
		return nil, err
	}
	other, err := tryLock(f, exclusive)
	if err != nil || other {
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("journal: report lock %s: %w", path, err)
		}
		return nil, nil
	}
	return &ReportLock{f: f}, nil
}

// openReportLock opens the report lock file of the state folder dir,
// creating the folder and the file, and returns it and its path.
func openReportLock(dir string) (*os.File, string, error) {
	if err := os.MkdirAll(dir, statefile.FolderMode); err != nil {
		return nil, "", fmt.Errorf("journal: report lock: %w", err)
	}
	path := filepath.Join(dir, ReportLockName)
	f, err := statefile.OpenFile(path, os.O_RDWR|os.O_CREATE, statefile.FileMode)
	if err != nil {
		return nil, "", fmt.Errorf("journal: report lock: %w", err)
	}
	return f, path, nil
}

// waitLock takes the lock of f, trying again every reportLockPoll while
// another holds it, until ctx is done.
func waitLock(ctx context.Context, f *os.File, exclusive bool, waiting func()) error {
	var tick *time.Ticker
	for {
		held, err := tryLock(f, exclusive)
		if err != nil || !held {
			return err
		}
		if tick == nil {
			if waiting != nil {
				waiting()
			}
			tick = time.NewTicker(reportLockPoll)
			defer tick.Stop()
		}
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-tick.C:
		}
	}
}

// Release gives the lock up. Calling it again does nothing.
func (l *ReportLock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	f := l.f
	l.f = nil
	if err := untryLock(f); err != nil {
		f.Close()
		return fmt.Errorf("journal: report lock: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("journal: report lock: %w", err)
	}
	return nil
}
