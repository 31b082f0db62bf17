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
		err = fmt.Errorf("%w: %s is a mailmerge template: the campaign file is YAML, with its TO:, SUBJECT: and FROM: lines as to:, subject: and from:, and %s; tidings init DIR writes one to start from", ErrNotCampaign, name, mailmergeBody(data))
	default:
		return nil
	}
	return &FileError{File: file, Line: 1, Err: err}
}

// mailmergeBody says which setting names the body of data, a mailmerge
// template, as its Content-Type header line says what it is: text: for
// none or text/plain, html: for text/html, markdown: for text/markdown,
// a text: and an html: file for multipart/alternative (its two parts).
// Told text: for HTML, the body would go out as text, its tags showing.
func mailmergeBody(data []byte) string {
	const after = "the body after the blank line"
	kind := ""
	for _, line := range strings.Split(string(data), "\n") {
		name, value, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			break // the blank line, or the body
		}
		if strings.EqualFold(strings.TrimSpace(name), "content-type") {
			kind, _, _ = strings.Cut(strings.ToLower(value), ";")
			kind = strings.TrimSpace(kind)
		}
	}
	switch kind {
	case "text/html":
		return "html: naming a file that holds " + after + " (its Content-Type says HTML)"
	case "text/markdown":
		return "markdown: naming a file that holds " + after + " (its Content-Type says Markdown)"
	case "multipart/alternative":
		return "text: and html: naming a file each for the plain text and the HTML part of " + after + " (its Content-Type says multipart/alternative), without the boundary lines and part headers"
	}
	return "text: naming a file that holds " + after
}
