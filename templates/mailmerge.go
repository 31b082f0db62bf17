package templates

import (
	"errors"
	"fmt"
	"path/filepath"
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
// that takes it and its value; key "content-type" for a Content-Type
// line, which says what kind of body it is (bodyKind).
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
	to, mailish, known := false, false, 0
	for i, line := range strings.Split(strings.TrimPrefix(src, "\ufeff"), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			if i > 0 && mailish && (to || known >= 2) {
				return found
			}
			return nil
		}
		name, value, ok := strings.Cut(line, ":")
		name = strings.ToLower(name)
		key, isKey := bodyHeaderKey(name)
		switch {
		case i >= 10 || !ok:
			return nil
		case isKey:
			found, known = append(found, bodyHeader{key, strings.TrimSpace(value)}), known+1
			to = to || key == "to"
			mailish = mailish || strings.Contains(value, "@") || strings.Contains(value, "{{")
		case name == "content-type":
			found = append(found, bodyHeader{name, strings.TrimSpace(value)})
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
	kind := ""
	for _, h := range found {
		if h.key == "content-type" {
			kind = bodyKind(t, h.value)
			continue
		}
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
		Err: fmt.Errorf("templates: %s: %w, which tidings would send as text: move them to the campaign file (%s) and delete them, and the blank line after them, from the body%s; "+
			"if they are the letter's own text (a memo's To: and From:), start the body with %s, which prints nothing",
			t.name, ErrBodyHeaders, strings.Join(lines, ", "), kind, keepAsText),
	})
}

// bodyKind says which setting names body t when its Content-Type line
// (value) says it is another kind than the setting t is read as: a
// mailmerge template's text/html is html:, text/markdown markdown:,
// multipart/alternative a text: and an html: file of their own. It is ""
// when the kind is t's own.
func bodyKind(t *Template, value string) string {
	mediaType, _, _ := strings.Cut(strings.ToLower(value), ";")
	key, kind := "", ""
	switch strings.TrimSpace(mediaType) {
	case "text/html":
		key, kind = "html", "HTML"
	case "text/markdown":
		key, kind = "markdown", "Markdown"
	case "multipart/alternative":
		return fmt.Sprintf("; its Content-Type (%s) says it holds two bodies: put the plain text part in a file for text: and the HTML part in one for html:, without the boundary lines and part headers", value)
	default:
		return ""
	}
	if key == t.name {
		return ""
	}
	return fmt.Sprintf("; its Content-Type (%s) says it is %s: name the file with %s: %s, not %s:", value, kind, key, filepath.Base(t.file), t.name)
}
