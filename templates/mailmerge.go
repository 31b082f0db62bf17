package templates

import (
	"errors"
	"fmt"
	"strings"

	"github.com/tidings/tidings/campaign"
)

// ErrBodyHeaders is wrapped by the FileError of a body file that starts
// with header lines, as a template of Python's mailmerge does (TO:,
// SUBJECT:, FROM:, a blank line, then the body): tidings would send them
// as the first lines of the text.
var ErrBodyHeaders = errors.New("the body starts with header lines, as a mailmerge template does")

// bodyHeaderKeys maps the header names a mailmerge template starts with
// (in lower case) to the campaign keys that take them.
var bodyHeaderKeys = map[string]string{"to": "to", "subject": "subject", "from": "from", "cc": "cc", "bcc": "bcc", "reply-to": "reply_to"}

// mimeHeaders are header lines a mailmerge template may hold among its
// others (for an HTML or multipart body), which tidings writes itself.
var mimeHeaders = map[string]bool{"content-type": true, "mime-version": true, "content-transfer-encoding": true}

// bodyHeaders returns the campaign keys of the header lines src, a body
// template, starts with, or nil. It finds them only where a mistake is
// clear, so that a letter starting "Subject: your invoice" is no error:
// every line before the first blank line is a header of bodyHeaderKeys
// (any case) or mimeHeaders, a blank line follows them, one of them holds
// an address or a template action ('@' or "{{"), and there is a TO: line
// or two or more of bodyHeaderKeys. A memo-like "To: all staff" with no
// address or action is text.
func bodyHeaders(src string) []string {
	var keys []string
	to, mailish := false, false
	for i, line := range strings.Split(strings.TrimPrefix(src, "\ufeff"), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			if i > 0 && mailish && (to || len(keys) >= 2) {
				return keys
			}
			return nil
		}
		name, value, ok := strings.Cut(line, ":")
		name = strings.ToLower(name)
		key, known := bodyHeaderKeys[name]
		switch {
		case i >= 10 || !ok:
			return nil
		case known:
			keys = append(keys, key)
			to = to || key == "to"
			mailish = mailish || strings.Contains(value, "@") || strings.Contains(value, "{{")
		case !mimeHeaders[name]:
			return nil
		}
	}
	return nil
}

// checkBodyHeaders reports a body t whose source starts with mailmerge's
// header lines (see bodyHeaders), at its first line.
func (cp *compiler) checkBodyHeaders(t *Template) {
	keys := bodyHeaders(t.source)
	if keys == nil {
		return
	}
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = k + ":"
	}
	cp.errs = append(cp.errs, &campaign.FileError{
		File: t.file, Line: t.line,
		Err: fmt.Errorf("templates: %s: %w, which tidings would send as text: move them to the campaign file's %s (a column written with a dot: to: \"{{.email}}\") and delete them, and the blank line after them, from the body",
			t.name, ErrBodyHeaders, strings.Join(names, ", ")),
	})
}
