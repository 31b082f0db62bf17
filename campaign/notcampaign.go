package campaign

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// ErrNotCampaign is wrapped by the FileError of a file given as the
// campaign file that is another tool's instead: a mailmerge template or
// an INI file such as mailmerge_server.conf, which YAML reads as
// "unexpected directive value" or "value is not allowed in this context".
var ErrNotCampaign = errors.New("not a campaign file")

// mailmergeHeaderRE matches the first line of a mailmerge template: a
// TO:, SUBJECT: or FROM: header line, in capitals as mailmerge writes
// them (a campaign file's to: is a key of its own, and its YAML error
// the one to tell).
var mailmergeHeaderRE = regexp.MustCompile(`^(TO|SUBJECT|FROM)\s*:`)

// iniSectionRE matches an INI file's section line: [smtp_server].
var iniSectionRE = regexp.MustCompile(`^\[[\w .-]+\]\s*$`)

// notCampaign is the error for data, which YAML could not decode into a
// campaign, when its first line shows it is a mailmerge template or an
// INI file; nil otherwise, the YAML error then being the one to tell.
func notCampaign(file string, data []byte) error {
	first := ""
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, ";") {
			first = line
			break
		}
	}
	name := filepath.Base(file)
	var err error
	switch {
	case iniSectionRE.MatchString(first):
		err = fmt.Errorf("%w: %s is an INI file (%s), as mailmerge writes its server settings: the campaign file is YAML, its server settings under smtp: (host, port, security, username, password_env); tidings init DIR writes one to start from", ErrNotCampaign, name, first)
	case mailmergeHeaderRE.MatchString(first):
		err = fmt.Errorf("%w: %s is a mailmerge template: the campaign file is YAML, with its TO:, SUBJECT: and FROM: lines as to:, subject: and from:, and text: naming a file that holds the body after the blank line; tidings init DIR writes one to start from", ErrNotCampaign, name)
	default:
		return nil
	}
	return &FileError{File: file, Line: 1, Err: err}
}
