package main

import (
	"io"
	"os"
	"time"

	"github.com/tidings/tidings/sendpool/journal"
)

// testSeams are what tests put between the commands and their state
// files, through the seams the packages have, to meet a full disk or a
// report lock held too long; the zero value, all nil, is what runs in
// use. One place for every command (send, bounces, report), so no
// command's options carry test knobs of their own.
type testSeams struct {
	// journalFile is what a run's journal writes through
	// (journal.Lock.SetFile, set by openState).
	journalFile func(*os.File) journal.File
	// reportFile is what report.csv and report.json are written through
	// (report.ReporterOptions.File): send's, and those report and
	// bounces rebuild from the journal.
	reportFile func(*os.File) io.Writer
	// reportLockWait, when not 0, bounds the wait for the report lock
	// (holdReport) instead of reportLockWait.
	reportLockWait time.Duration
}
