package campaign

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// loadPathError is Load's error for a campaign file it could not read at
// path (abs): a folder given for its campaign file ("tidings check news"
// after "tidings init news") names the campaign files in it; a file not
// there names those of its folder, or how to write one. Other errors are
// as they are.
func loadPathError(path, abs string, err error) error {
	var hint string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if found := campaignFiles(filepath.Dir(abs)); len(found) > 0 {
			hint = fmt.Sprintf(" (the campaign files in its folder: %s)", joinIn(filepath.Dir(path), found))
		} else {
			hint = " (tidings init DIR writes a campaign to start from)"
		}
	case isDir(abs):
		if found := campaignFiles(abs); len(found) > 0 {
			which := "the one in it"
			if len(found) > 1 {
				which = "one of those in it"
			}
			err = fmt.Errorf("campaign: a folder, not a campaign file: give %s: %s", which, joinIn(path, found))
		} else {
			err = errors.New("campaign: a folder, not a campaign file, and it holds none (.yaml): give a campaign file (tidings init DIR writes one)")
		}
	}
	if hint != "" {
		err = fmt.Errorf("%w%s", err, hint)
	}
	return &FileError{File: path, Err: err}
}

// isDir says whether p is a folder.
func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// campaignFiles are the names of the .yaml and .yml files in dir, three at
// most.
func campaignFiles(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if !e.IsDir() && (ext == ".yaml" || ext == ".yml") && len(names) < 3 {
			names = append(names, e.Name())
		}
	}
	return names
}

// joinIn joins names, each as a path in dir as the user wrote it.
func joinIn(dir string, names []string) string {
	for i, n := range names {
		if dir != "." && dir != "" {
			names[i] = filepath.Join(dir, n)
		}
	}
	return strings.Join(names, ", ")
}
