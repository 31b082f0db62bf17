package campaign

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode"
)

// MissingFile turns err, an error opening the file at path that the
// campaign's setting key names ("text", "recipients.path"), into a
// FileError at that setting's line of the campaign file when the file
// does not exist, naming the file as the setting wrote it and, when the
// folder has one, the file probably meant ("bdy.txt": did you mean
// body.txt?). Any other error is returned as it is.
func (c *Campaign) MissingFile(key, path string, err error) error {
	if !errors.Is(err, fs.ErrNotExist) || c.File == "" {
		return err
	}
	fe := &FileError{File: c.File}
	if data, rerr := os.ReadFile(c.File); rerr == nil {
		if text, _, terr := UTF8Text(data); terr == nil {
			fe.Line, fe.Column = position(text, key)
		}
	}
	var hints []string
	shown := path
	if rel, rerr := filepath.Rel(c.Dir, path); rerr == nil && !strings.HasPrefix(rel, "..") {
		shown = rel
		hints = append(hints, "in "+c.Dir)
	}
	dir, base := filepath.Split(path)
	if entries, derr := os.ReadDir(dir); derr == nil {
		var names []string
		for _, e := range entries {
			if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), filepath.Ext(base)) {
				names = append(names, e.Name())
			}
		}
		if more := withExtension(base, entries); more != "" {
			hints = append(hints, "the folder holds "+filepath.Join(filepath.Dir(shown), more)+": Windows Explorer hides known extensions such as "+filepath.Ext(more)+", so a name is typed without its own or saved with it twice; write the name as it is, or rename the file")
		} else if near := Closest(base, names); near != "" {
			hints = append(hints, "did you mean "+filepath.Join(filepath.Dir(shown), near)+"?")
		}
	} else if errors.Is(derr, fs.ErrNotExist) {
		hints = append(hints, "the folder "+dir+" does not exist either")
	}
	if hint := backslashHint(c.Dir, shown); hint != "" {
		hints = append(hints, hint)
	}
	if strings.ContainsFunc(shown, unicode.IsControl) {
		shown = strconv.Quote(shown)
	}
	msg := fmt.Sprintf("campaign: %s: no such file: %s", key, shown)
	if len(hints) > 0 {
		msg += " (" + strings.Join(hints, "; ") + ")"
	}
	fe.Err = &missingFileError{msg: msg, err: err}
	return fe
}

// missingFileError is MissingFile's error: its words, and the error
// opening the file.
type missingFileError struct {
	msg string
	err error
}

func (e *missingFileError) Error() string { return e.msg }
func (e *missingFileError) Unwrap() error { return e.err }

// withExtension is the one file of entries whose name is base with an
// extension more (body.txt.txt for body.txt, people.csv for people), ""
// when there is none or several.
func withExtension(base string, entries []os.DirEntry) string {
	match := ""
	for _, e := range entries {
		ext, ok := strings.CutPrefix(e.Name(), base+".")
		if !ok || e.IsDir() || ext == "" || strings.Contains(ext, ".") {
			continue
		}
		if match != "" {
			return ""
		}
		match = e.Name()
	}
	return match
}
