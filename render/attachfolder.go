package render

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// folderHint is the hint of a missing attachment full (an absolute path)
// whose folder is missing too: the first folder on its way that is not
// there, from the attachment folder (`the folder "Rechnung" is not
// there`, for Rechnung/Beitrag_1001.pdf beside a rechnungen folder), so
// that the reader looks for the folder, not for the file. "" when the
// file's folder is there, or when earlier hints (backslashHint,
// spaceHint, caseHint) said what is wrong with the path already.
func (a *attacher) folderHint(full, earlier string) string {
	if earlier != "" {
		return ""
	}
	missing := missingFolder(full)
	if missing == "" {
		return ""
	}
	return fmt.Sprintf(" (the folder %q is not there)", a.fromRoot(missing))
}

// missingFolder is the first folder on the way to full that does not
// exist, its parent existing; "" when full's own folder exists or
// cannot be looked at.
func missingFolder(full string) string {
	dir := filepath.Dir(full)
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		return ""
	}
	for {
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		if _, err := os.Stat(parent); err == nil {
			return dir
		}
		dir = parent
	}
}
