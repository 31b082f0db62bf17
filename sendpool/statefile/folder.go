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

// Tighten makes the campaign's state folder dir its owner's only, as
// tidings creates it: the folder 0700 and what is directly in it 0600
// (files) or 0700 (folders), when they are looser and the user owns them.
// It returns a line for each path it tightened, for the user to read. One
// looser and owned by another user is an error: its owner can read what
// tidings would write there. Symbolic links in dir are left alone (the
// writers refuse them, OpenFile); below its folders nothing is looked at,
// since a 0700 folder keeps others out of all it holds. dir itself may be
// a link (a state folder moved to a bigger disk): its target is tightened.
// A missing dir is no error. It is called once a run, where a command
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
	note, err := tighten(dir, fi, FolderMode)
	if err != nil {
		return nil, err
	}
	notes := appendNote(nil, note)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return notes, fmt.Errorf("statefile: %w", err)
	}
	for _, e := range entries {
		note, err := tightenEntry(filepath.Join(dir, e.Name()), e)
		if err != nil {
			return notes, err
		}
		notes = appendNote(notes, note)
	}
	return notes, nil
}

// appendNote adds note to notes when there is one.
func appendNote(notes []string, note string) []string {
	if note == "" {
		return notes
	}
	return append(notes, note)
}

// tightenEntry tightens a file or folder e at path in the state folder;
// a link or anything else is left as it is.
func tightenEntry(path string, e fs.DirEntry) (string, error) {
	want := FileMode
	switch {
	case e.IsDir():
		want = FolderMode
	case !e.Type().IsRegular():
		return "", nil
	}
	fi, err := e.Info() // Lstat
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil // removed meanwhile (a send's temporary file)
	}
	if err != nil {
		return "", fmt.Errorf("statefile: %w", err)
	}
	return tighten(path, fi, want)
}

// tighten drops from path (described by fi) the permissions want does not
// have, when it has any, and says so; an error when another user owns it.
func tighten(path string, fi fs.FileInfo, want fs.FileMode) (string, error) {
	if !loose(fi, want) {
		return "", nil
	}
	if !owned(fi) {
		return "", fmt.Errorf("statefile: %s is readable by others (mode %04o) and another user's: tidings keeps what it writes about recipients its owner's only (make it yours, or remove it)", path, fi.Mode().Perm())
	}
	mode := fi.Mode().Perm() & want
	if err := os.Chmod(path, mode); err != nil {
		return "", fmt.Errorf("statefile: %w", err)
	}
	return fmt.Sprintf("%s was mode %04o, readable by others: made %04o (the state folder is its owner's only)", path, fi.Mode().Perm(), mode), nil
}
