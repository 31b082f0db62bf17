package templates

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/tidings/tidings/campaign"
)

// ErrBodyHeaders is wrapped by the FileError of a body file that starts
// with header lines, as a template of Python's mailmerge does (TO:,
// SUBJECT:, FROM:, ATTACHMENT:, a blank line, then the body): tidings would send them
// as the first lines of the text.
var ErrBodyHeaders = errors.New("the body starts with header lines, as a mailmerge template does")

// bodyHeaderKey is the campaign key that takes the header name (in lower
// case) a mailmerge template starts with; ok is false for another name.
func bodyHeaderKey(name string) (key string, ok bool) {
	switch name {
	case "to", "subject", "from", "cc", "bcc":
		return name, true
	case "reply-to":
		return "reply_to", true
	case "attachment":
		return "attachments", true
	}
	return "", false
}

// isMIMEHeader reports whether name (in lower case) is a header a
// mailmerge template may hold among its others (for an HTML or multipart
// body), which tidings writes itself.
func isMIMEHeader(name string) bool {
	switch name {
	case "content-type", "mime-version", "content-transfer-encoding":
		return true
	}
	return false
}

// keepAsText is what a body that starts with header lines meant as its
// text starts with instead: an action that prints nothing, after which
// the first line is no header line (bodyHeaders).
const keepAsText = `{{""}}`

// bodyHeader is one header line a body starts with: the campaign key
// that takes it and its value.
type bodyHeader struct{ key, value string }

// bodyHeaders returns the header lines src, a body template, starts with,
// or nil. It finds them only where a mistake is clear, so that a letter
// starting "Subject: your invoice" is no error: every line before the
// first blank line is a header bodyHeaderKey knows (any case) or a MIME
// one (isMIMEHeader), a blank line follows them, one of them holds an
// address or a template action ('@' or "{{"), and there is a TO: line or
// two or more of those bodyHeaderKey knows. A memo-like "To: all staff" with no address or
// action is text.
func bodyHeaders(src string) []bodyHeader {
	var found []bodyHeader
	to, mailish := false, false
	for i, line := range strings.Split(strings.TrimPrefix(src, "\ufeff"), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			if i > 0 && mailish && (to || len(found) >= 2) {
				return found
			}
			return nil
		}
		name, value, ok := strings.Cut(line, ":")
		name = strings.ToLower(name)
		key, known := bodyHeaderKey(name)
		switch {
		case i >= 10 || !ok:
			return nil
		case known:
			found = append(found, bodyHeader{key, strings.TrimSpace(value)})
			to = to || key == "to"
			mailish = mailish || strings.Contains(value, "@") || strings.Contains(value, "{{")
		case !isMIMEHeader(name):
			return nil
		}
	}
	return nil
}

// bareActionRE finds an action that is one bare name, {{email}}, as
// mailmerge writes a column.
var bareActionRE = regexp.MustCompile(`\{\{-?\s*(\w+)\s*-?\}\}`)

// checkBodyHeaders reports a body t whose source starts with mailmerge's
// header lines (see bodyHeaders), at its first line, with the campaign
// file's lines to write instead: {{email}} there written as the column
// it names ({{.email}}).
func (cp *compiler) checkBodyHeaders(t *Template) {
	found := bodyHeaders(t.source)
	if found == nil {
		return
	}
	var lines, attachments []string
	for _, h := range found {
		v := strconv.Quote(bareActionRE.ReplaceAllStringFunc(h.value, func(a string) string {
			if c := cp.columnLike(bareActionRE.FindStringSubmatch(a)[1]); c != "" {
				return "{{." + Identifier(c) + "}}"
			}
			return a
		}))
		if h.key == "attachments" { // one list, for every ATTACHMENT: line
			attachments = append(attachments, v)
			continue
		}
		lines = append(lines, h.key+": "+v)
	}
	if attachments != nil {
		lines = append(lines, "attachments: ["+strings.Join(attachments, ", ")+"]")
	}
	cp.errs = append(cp.errs, &campaign.FileError{
		File: t.file, Line: t.line,
		Err: fmt.Errorf("templates: %s: %w, which tidings would send as text: move them to the campaign file (%s) and delete them, and the blank line after them, from the body; "+
			"if they are the letter's own text (a memo's To: and From:), start the body with %s, which prints nothing",
			t.name, ErrBodyHeaders, strings.Join(lines, ", "), keepAsText),
	})
}
