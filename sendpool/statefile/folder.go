package statefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// The modes of what tidings keeps: its owner's only.
const (
	FileMode   fs.FileMode = 0o600
	FolderMode fs.FileMode = 0o700
)

// Tighten makes what tidings writes in the campaign's state folder dir
// its owner's only, as tidings creates it: each file Own names 0600 and
// each such folder 0700, when looser and the user owns them. The folder
// dir itself is made 0700 only when it holds nothing but what tidings
// writes and the user owns it: state_dir may name a folder the user keeps
// other things in (the campaign's own, or a shared one like /tmp), whose
// mode is theirs; it is then left as it is, with a warning when others may
// read it. Setuid, setgid and sticky bits are kept.
//
// It returns a line for each path it tightened and each warning, for the
// user to read. A file tidings writes that is looser and another user's
// is an error: its owner can read what tidings would write there. All is
// decided before anything is changed, so an error leaves everything as it
// was. Symbolic links in dir are never changed (the writers refuse them,
// OpenFile); below its folders nothing is looked at, since a 0700 folder
// keeps others out of all it holds. dir itself may be a link (a state
// folder moved to a bigger disk): its target is what is looked at. A
// missing dir is no error. It is called once a run, where a command
// starts using the state folder, not by each writer.
func Tighten(dir string) ([]string, error) {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("statefile: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("statefile: %s is not a folder", dir)
	}
	changes, others, err := ownChanges(dir)
	if err != nil {
		return nil, err
	}
	note := ""
	if loose(fi, FolderMode) {
		note, changes = folderChange(dir, fi, others, changes)
	}
	return applyChanges(appendNote(nil, note), changes)
}

// folderChange adds the state folder dir (described by fi, looser than
// FolderMode) to changes when tidings may tighten it: nothing but its own
// is in it (others false) and the user owns it. Otherwise it returns the
// warning to give instead, and changes as they were.
func folderChange(dir string, fi fs.FileInfo, others bool, changes []change) (string, []change) {
	switch {
	case others:
		return fmt.Sprintf("%s is readable by others (mode %04o) and holds other files: tidings writes recipients' addresses there; chmod 700 it or choose another state_dir", dir, unixMode(fi)), changes
	case !owned(fi):
		return fmt.Sprintf("%s is readable by others (mode %04o) and another user's: tidings writes recipients' addresses there; have it made 700 or choose another state_dir", dir, unixMode(fi)), changes
	}
	return "", append([]change{{path: dir, fi: fi, want: FolderMode}}, changes...)
}

// ownChanges looks at what is directly in dir: it returns the files and
// folders tidings writes (Own) that are looser than they should be, and
// whether anything else is there. One of them another user owns is an
// error.
func ownChanges(dir string) ([]change, bool, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, false, fmt.Errorf("statefile: %w", err)
	}
	var changes []change
	others := false
	for _, e := range entries {
		if !Own(e.Name()) {
			others = true
			continue
		}
		c, ok, err := entryChange(filepath.Join(dir, e.Name()), e)
		if err != nil {
			return nil, false, err
		}
		if ok {
			changes = append(changes, c)
		}
	}
	return changes, others, nil
}

// entryChange says how the file or folder e at path should change, if it
// is looser than it should be; a link or anything else is left as it is.
func entryChange(path string, e fs.DirEntry) (change, bool, error) {
	want := FileMode
	switch {
	case e.IsDir():
		want = FolderMode
	case !e.Type().IsRegular():
		return change{}, false, nil
	}
	fi, err := e.Info() // Lstat
	if errors.Is(err, fs.ErrNotExist) {
		return change{}, false, nil // removed meanwhile (a send's temporary file)
	}
	if err != nil {
		return change{}, false, fmt.Errorf("statefile: %w", err)
	}
	if !loose(fi, want) {
		return change{}, false, nil
	}
	if !owned(fi) {
		return change{}, false, fmt.Errorf("statefile: %s is readable by others (mode %04o) and another user's: tidings keeps what it writes about recipients its owner's only (make it yours, or remove it)", path, unixMode(fi))
	}
	return change{path: path, fi: fi, want: want}, true, nil
}

// appendNote adds note to notes when there is one.
func appendNote(notes []string, note string) []string {
	if note == "" {
		return notes
	}
	return append(notes, note)
}
