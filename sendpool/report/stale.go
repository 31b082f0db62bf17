package report

import (
	"os"
	"path/filepath"
	"time"
)

// staleAge is how long a temporary file of a report stays untouched
// before a later write takes it for one a killed writer left behind: a
// writer alive touches its files as it writes them, and a report of a
// million rows is written in well under a minute.
const staleAge = time.Hour

// stateTemps returns the names (patterns) of the temporary files a report
// writes in a state folder (newFilesWriter, WriteAtomic of report.html)
// before it renames them into place.
func stateTemps() []string {
	return []string{"." + CSVFile + ".*.tmp", "." + JSONFile + ".*.tmp", "." + PageFile + ".*.tmp"}
}

// chunkTemps returns those WriteAtomic writes in the page's data folder.
func chunkTemps() []string { return []string{".rows-*.js.*.tmp"} }

// removeStale removes the files in dir whose names match one of patterns
// and that nobody wrote to for staleAge before now, the time by the clock
// of the file system that holds dir (the modification time of a file
// just written there: a file server's clock may be behind or ahead of
// this machine's): what a writer killed before its rename (SIGKILL, a
// power loss) left, which would otherwise stay in the state folder for
// good, a report's size each. A writer running beside (tidings report
// during a send) keeps its own files fresh. Best effort: a file that
// cannot be removed stays.
func removeStale(dir string, patterns []string, now time.Time) {
	for _, p := range patterns {
		names, _ := filepath.Glob(filepath.Join(dir, p)) // the patterns are well-formed
		for _, name := range names {
			st, err := os.Lstat(name)
			if err == nil && st.Mode().IsRegular() && now.Sub(st.ModTime()) > staleAge {
				_ = os.Remove(name)
			}
		}
	}
}

// writtenAt is the modification time of the file at path, just written:
// the time now by the clock of its file system; false when it cannot be
// told.
func writtenAt(path string) (time.Time, bool) {
	st, err := os.Stat(path)
	if err != nil {
		return time.Time{}, false
	}
	return st.ModTime(), true
}
