package campaign

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
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
		fe.Line, fe.Column = position(data, key)
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

// yamlEscapes writes back the characters a YAML double-quoted value made
// of a backslash and the letter after it ("neu\neu.csv": a line break).
var yamlEscapes = strings.NewReplacer("\n", `\n`, "\t", `\t`, "\r", `\r`, "\b", `\b`, "\f", `\f`, "\v", `\v`, "\a", `\a`, "\x1b", `\e`, "\x00", `\0`)

// backslashHint is the hint of a missing file whose path shown (relative
// to dir, or absolute) holds a backslash, Windows' folder separator,
// which separates no folders here, or a character a YAML double-quoted
// value made of one (path: "data\new.csv" reads \n as a line break):
// the path with / to write, and whether it is there; "" otherwise.
func backslashHint(dir, shown string) string {
	written := yamlEscapes.Replace(shown)
	if !strings.Contains(written, `\`) || windowsDriveRE.MatchString(written) {
		return ""
	}
	slashed := strings.ReplaceAll(written, `\`, "/")
	hint := `a \ separates no folders here: write / between folders: ` + slashed
	if written != shown {
		hint = `in double quotes YAML reads a \ and the letter after it as one character (\n a line break, \b a backspace), and a \ separates no folders here anyway: write / between folders: ` + slashed
	}
	full := filepath.FromSlash(slashed)
	if !filepath.IsAbs(full) {
		full = filepath.Join(dir, full)
	}
	if _, err := os.Stat(full); err == nil {
		hint += ", which is there"
	}
	return hint
}

// windowsDriveRE matches a path starting with a Windows drive letter or
// a network share: C:\Users, D:/invoices, \\server\share.
var windowsDriveRE = regexp.MustCompile(`^(?:[A-Za-z]:[\\/]|\\\\)`)

// attachmentsDirError is the problem of dir, an attachments_dir that is
// not absolute here: a Windows folder (C:\Users\anna\invoices) is on the
// computer the campaign was written on.
func attachmentsDirError(dir string) error {
	if filepath.Separator != '\\' && windowsDriveRE.MatchString(dir) {
		return fmt.Errorf("attachments_dir: %s is a Windows folder, on the computer the campaign was written on: copy the files to this machine and write that folder's absolute path (/home/…/invoices), or copy them into the campaign folder and leave attachments_dir out", dir)
	}
	return errors.New("attachments_dir: must be an absolute folder (relative attachment paths already resolve inside the campaign folder)")
}

// windowsPaths are the problems of the campaign's file settings written as
// Windows paths (C:\Users\anna\people.csv, \\server\share\body.txt),
// which name files on the computer the campaign was written on and would
// be read here as names inside the campaign folder (state_dir: D:\state
// would make a folder named so there).
func (c *Campaign) windowsPaths() []error {
	if filepath.Separator == '\\' {
		return nil
	}
	var errs []error
	for _, s := range []struct{ setting, value string }{
		{"text", c.Text}, {"html", c.HTML}, {"markdown", c.Markdown}, {"layout", c.Layout},
		{"recipients.path", c.Recipients.Path}, {"suppress", c.Suppress},
		{"smtp.ca_file", c.SMTP.CAFile}, {"mailbox.ca_file", c.Mailbox.CAFile},
	} {
		if windowsDriveRE.MatchString(s.value) {
			base := path.Base(strings.ReplaceAll(s.value, `\`, "/"))
			errs = append(errs, fmt.Errorf("%s: %s is a Windows path, on the computer the campaign was written on: copy %s into the campaign folder and write its path from there, with / between folders (%s: %s)", s.setting, s.value, base, s.setting, base))
		}
	}
	if windowsDriveRE.MatchString(c.StateDir) {
		errs = append(errs, fmt.Errorf("state_dir: %s is a Windows folder, on the computer the campaign was written on: leave state_dir out (the state goes in .tidings beside the campaign file), or write a folder of this machine", c.StateDir))
	}
	return errs
}
