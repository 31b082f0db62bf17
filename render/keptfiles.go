package render

import (
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/cases"

	"github.com/tidings/tidings/campaign"
)

// keptFile returns the folder in which real is (or is below) a file
// tidings wrote there and keeps, looking at each folder from real's own
// up to root (root included), the nearest first: a file preview wrote
// (PreviewWrote) in a folder holding a PreviewMarker, preview true, whose
// messages are every recipient's; or one tidings keeps in a state folder
// (StateWrote) in a folder holding a stateMarks file, whose journal,
// report and spool are (another campaign's beside this one's: state_dir:
// st2). It walks up once for both, and looks for a folder's marks (an
// Lstat or so) only when real's name in it is one tidings writes there,
// compared without case (foldedName).
func keptFile(root, real string) (dir string, preview, ok bool) {
	for dir := filepath.Dir(real); campaign.Inside(root, dir); dir = filepath.Dir(dir) {
		if rel, err := filepath.Rel(dir, real); err == nil {
			first, _, _ := strings.Cut(rel, string(filepath.Separator))
			first = foldedName(first)
			if PreviewWrote(first) && exists(filepath.Join(dir, PreviewMarker)) {
				return dir, true, true
			}
			if StateWrote(first) && stateFolder(dir) {
				return dir, false, true
			}
		}
		if dir == root {
			break
		}
	}
	return "", false, false
}

// foldedName is name case-folded (JOURNAL.JSONL is journal.jsonl, ſpool
// is spool): on a file system that compares names without case (macOS's,
// by default), a path row data writes ST2/JOURNAL.JSONL opens
// st2/journal.jsonl, and symlinks resolved keep the path's own case.
func foldedName(name string) string {
	for i := range len(name) {
		if name[i] >= utf8.RuneSelf {
			return cases.Fold().String(name)
		}
	}
	return strings.ToLower(name)
}

// stateFolder reports whether dir holds a file only tidings writes in a
// state folder (stateMarks).
func stateFolder(dir string) bool {
	for _, m := range stateMarks {
		if exists(filepath.Join(dir, m)) {
			return true
		}
	}
	return false
}

// exists reports whether p names anything (Lstat: a symlink itself).
func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// topFolder is the highest folder whose marks count for a file in the
// attachment folder rootReal (symlinks resolved), of the campaign in
// dir: dir (symlinks resolved) when it holds rootReal, so that a state
// folder above an attachments_dir inside the campaign folder
// (attachments_dir: st2/spool) counts; the file system's root when
// rootReal lies elsewhere.
func topFolder(dir, rootReal string) string {
	if real, err := filepath.EvalSymlinks(dir); err == nil {
		dir = real
	}
	if campaign.Inside(dir, rootReal) {
		return dir
	}
	return filepath.VolumeName(rootReal) + string(filepath.Separator)
}
