package render

import (
	"bytes"
	"fmt"
	"html"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// An HTML body goes out as UTF-8 (a template file is UTF-8, and the part
// says charset=utf-8). A meta tag of the template naming another charset
// (<meta charset="shift_jis">, <meta http-equiv="Content-Type"
// content="text/html; charset=iso-8859-1">, kept from an old page or an
// editor's export) contradicts that in every message, and the mail
// programs that follow the tag rather than the header (Outlook, some
// webmails) show every letter beyond ASCII garbled. A charset a template
// action writes is the row's, and not judged here.

// literalCharset checks the meta tags the HTML template t (the HTML body,
// or the Markdown body's layout) writes itself: one declaring a charset
// other than UTF-8 is an error of the template at its line, saying to
// write <meta charset="utf-8">. What the template's comments hold is not
// written, and not looked at.
func literalCharset(t *templates.Template) error {
	src := blankComments([]byte(t.Source()))
	for name, i := nextTag(src, 0); name != nil; name, i = nextTag(src, i) {
		if !bytes.EqualFold(name, []byte("meta")) {
			continue
		}
		tag, charset, at, ok := metaCharset(src, i)
		if !ok || bytes.Contains(charset, []byte("{{")) {
			continue // a value writes it: it is the row's
		}
		label := strings.TrimSpace(html.UnescapeString(string(charset)))
		if label == "" || isUTF8Label(label) {
			continue // an empty one names no charset: mail programs pass it over
		}
		line := max(t.Line(), 1) + bytes.Count(src[:at], []byte("\n"))
		return &campaign.FileError{File: t.File(), Line: line, Err: fmt.Errorf(
			"render: %s declares the charset %s, but the HTML is sent as UTF-8 (its header says charset=utf-8): mail programs that follow the tag (Outlook, some webmails) would show every letter beyond ASCII garbled; write <meta charset=\"utf-8\"> instead (or remove the tag)", tag, label)}
	}
	return nil
}

// metaCharset reads the meta tag whose name ends at doc[i] and returns
// the charset it declares as written, where that starts, and the tag to
// name in a message: from its charset attribute, or from the content of
// an http-equiv="Content-Type" tag. ok is false when it declares none.
func metaCharset(doc []byte, i int) (tag string, charset []byte, at int, ok bool) {
	if v, at, ok := attrOf(doc, i, "charset"); ok {
		return fmt.Sprintf("<meta charset=%q>", v), v, at, true
	}
	equiv, _, ok := attrOf(doc, i, "http-equiv")
	if !ok || !strings.EqualFold(strings.TrimSpace(html.UnescapeString(string(equiv))), "content-type") {
		return "", nil, 0, false
	}
	content, at, ok := attrOf(doc, i, "content")
	if !ok {
		return "", nil, 0, false
	}
	v, off, ok := contentCharset(content)
	if !ok {
		return "", nil, 0, false
	}
	return fmt.Sprintf("<meta http-equiv=%q content=%q>", equiv, content), v, at + off, true
}

// contentCharset extracts the charset of a meta tag's content value
// ("text/html; charset=iso-8859-1"), as the HTML standard does: after the
// word charset (any case), spaces, '=' and spaces, a quoted value or one
// up to a space or ';'. off is where it starts in content.
func contentCharset(content []byte) (v []byte, off int, ok bool) {
	lower := bytes.ToLower(content)
	for from := 0; ; {
		j := bytes.Index(lower[from:], []byte("charset"))
		if j < 0 {
			return nil, 0, false
		}
		k := from + j + len("charset")
		from = k
		for k < len(content) && isSpace(content[k]) {
			k++
		}
		if k >= len(content) || content[k] != '=' {
			continue
		}
		k++
		for k < len(content) && isSpace(content[k]) {
			k++
		}
		if k < len(content) && (content[k] == '"' || content[k] == '\'') {
			end := bytes.IndexByte(content[k+1:], content[k])
			if end < 0 {
				return nil, 0, false
			}
			return content[k+1 : k+1+end], k + 1, true
		}
		end := k
		for end < len(content) && !isSpace(content[end]) && content[end] != ';' {
			end++
		}
		return content[k:end], k, true
	}
}

// isUTF8Label reports whether label is a name of UTF-8 an HTML document
// may give (the WHATWG Encoding Standard's labels), in any case.
func isUTF8Label(label string) bool {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8":
		return true
	}
	return false
}
