package campaign

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

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
