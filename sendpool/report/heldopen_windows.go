package report

import (
	"errors"

	"golang.org/x/sys/windows"
)

// heldOpenErrno says whether err, a rename's, is Windows refusing to
// replace a file another program has open: "Access is denied" when that
// program did not share the file for deleting (Excel), a sharing
// violation when it shares no access at all.
func heldOpenErrno(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION)
}
