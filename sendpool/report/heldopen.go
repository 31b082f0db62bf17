package report

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// HeldOpenError is a failure to put report.csv or report.json in place
// because another program has the file open and the system will not
// replace it then: Windows refuses the rename ("Access is denied") while
// Excel shows report.csv. Unix replaces an open file, so it is never
// this there.
type HeldOpenError struct {
	// File is the report file held open: report.csv or report.json.
	File string
	// Err is the system's error.
	Err error
}

func (e *HeldOpenError) Error() string {
	return fmt.Sprintf("%s is open in another program, which keeps it from being replaced (Excel does so with a file it shows): %v", e.File, e.Err)
}

func (e *HeldOpenError) Unwrap() error { return e.Err }

// heldOpen is err as a *HeldOpenError when it is a rename over a report
// file that the system refused for another program holding that file
// (heldOpenErrno); err itself otherwise.
func heldOpen(err error) error {
	var le *os.LinkError
	if !errors.As(err, &le) || le.Op != "rename" || !heldOpenErrno(le.Err) {
		return err
	}
	return &HeldOpenError{File: filepath.Base(le.New), Err: le.Err}
}
