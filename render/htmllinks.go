package render

import (
	"bytes"
	"fmt"
	"html"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// A link of an HTML body goes nowhere in a mail program when its href is
// empty or a URL without a scheme ("/pay", "pay.example/p", "www.…"):
// a message has no address of its own to resolve it against (unless the
// HTML gives one with <base href>). html/template lets such a value from
// the sheet through, so the rendered HTML is looked at.
//
// The links are found by a small scan of the start tags <a>, <area> and
// <base> (written here rather than with golang.org/x/net/html's
// tokenizer, which would cost every message about as much as its
// rendering): their attributes up to '>', quoted or not. Comments are
// passed over (html/template drops those of a template; Outlook's
// conditional comments included).

// deadLinks calls yield with the href of each link of doc (an HTML
// document or template text) that goes nowhere, character references
// resolved, its value as written, and where that starts in doc, until
// yield returns false. With a <base href> of an absolute URL (or, in a
// template, one a value gives), only empty hrefs go nowhere. It allocates
// nothing for a link that has a scheme.
func deadLinks(doc []byte, yield func(href string, raw []byte, at int) bool) {
	based := false
	if bytes.Contains(doc, []byte("base")) || bytes.Contains(doc, []byte("BASE")) || bytes.Contains(doc, []byte("Base")) {
		for name, i := nextTag(doc, 0); name != nil && !based; name, i = nextTag(doc, i) {
			if bytes.EqualFold(name, []byte("base")) {
				value, _, ok := hrefOf(doc, i)
				based = ok && (hasScheme(value) || bytes.Contains(value, []byte("{{")))
			}
		}
	}
	for name, i := nextTag(doc, 0); name != nil; name, i = nextTag(doc, i) {
		if !bytes.EqualFold(name, []byte("a")) && !bytes.EqualFold(name, []byte("area")) {
			continue
		}
		value, at, ok := hrefOf(doc, i)
		trimmed := bytes.TrimSpace(value)
		if !ok || hasScheme(value) || len(trimmed) > 0 && (based || trimmed[0] == '#') {
			continue
		}
		href := strings.TrimSpace(html.UnescapeString(string(value)))
		if (href == "" || !based && !urlScheme.MatchString(href) && !strings.HasPrefix(href, "#")) && !yield(href, value, at) {
			return
		}
	}
}

// nextTag finds the next start tag of doc from i on (outside comments)
// and returns its name and where the name ends; a nil name when there is
// none.
func nextTag(doc []byte, i int) (name []byte, end int) {
	for i < len(doc) {
		j := bytes.IndexByte(doc[i:], '<')
		if j < 0 {
			return nil, len(doc)
		}
		i += j + 1
		if bytes.HasPrefix(doc[i:], []byte("!--")) {
			k := bytes.Index(doc[i+3:], []byte("-->"))
			if k < 0 {
				return nil, len(doc)
			}
			i += 3 + k + 3
			continue
		}
		if name = tagName(doc[i:]); len(name) > 0 {
			return name, i + len(name)
		}
	}
	return nil, len(doc)
}

// tagName is the tag name at the start of b (letters and digits).
func tagName(b []byte) []byte {
	n := 0
	for n < len(b) && (b[n] >= 'a' && b[n] <= 'z' || b[n] >= 'A' && b[n] <= 'Z' || n > 0 && b[n] >= '0' && b[n] <= '9') {
		n++
	}
	return b[:n]
}

// hrefOf reads the attributes of the start tag whose name ends at doc[i]
// and returns its href's value as written and where it starts; ok is
// false when it has none.
func hrefOf(doc []byte, i int) (value []byte, at int, ok bool) {
	for i < len(doc) {
		for i < len(doc) && (isSpace(doc[i]) || doc[i] == '/') {
			i++
		}
		if i >= len(doc) || doc[i] == '>' || doc[i] == '<' {
			return nil, 0, false
		}
		start := i
		for i < len(doc) && !isSpace(doc[i]) && doc[i] != '=' && doc[i] != '>' && doc[i] != '/' {
			i++
		}
		name := doc[start:i]
		for i < len(doc) && isSpace(doc[i]) {
			i++
		}
		if i >= len(doc) || doc[i] != '=' {
			continue // an attribute without a value
		}
		i++
		for i < len(doc) && isSpace(doc[i]) {
			i++
		}
		at = i
		if i < len(doc) && (doc[i] == '"' || doc[i] == '\'') {
			q := doc[i]
			end := bytes.IndexByte(doc[i+1:], q)
			if end < 0 {
				return nil, 0, false
			}
			at, value, i = i+1, doc[i+1:i+1+end], i+2+end
		} else {
			for i < len(doc) && !isSpace(doc[i]) && doc[i] != '>' {
				i++
			}
			value = doc[at:i]
		}
		if bytes.EqualFold(name, []byte("href")) {
			return value, at, true
		}
	}
	return nil, 0, false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// hasScheme reports whether u, as written (spaces around it, no
// character reference in its scheme), starts with a URL scheme (RFC 3986
// 3.1: a letter, then letters, digits, '+', '-' or '.', then ':').
func hasScheme(u []byte) bool {
	u = bytes.TrimLeft(u, " \t\r\n\f")
	for i, c := range u {
		switch {
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.'):
		case i > 0 && c == ':':
			return true
		default:
			return false
		}
	}
	return false
}

// literalDeadLink checks the links the HTML template t (the HTML body, or
// the Markdown body's layout) writes itself: one whose href has no
// template action and goes nowhere is an error of the template at its
// line, not a problem of every row.
func literalDeadLink(t *templates.Template) error {
	src := []byte(t.Source())
	var err error
	deadLinks(src, func(href string, raw []byte, at int) bool {
		if bytes.Contains(raw, []byte("{{")) {
			return true // a value gives it: the rows are checked
		}
		err = &campaign.FileError{File: t.File(), Line: max(t.Line(), 1) + bytes.Count(src[:at], []byte("\n")), Err: deadLinkError(href)}
		return false
	})
	return err
}

// deadLinkRow is the row problem of an HTML body (from t) with a link
// that goes nowhere, href: the column is the one (among t's) whose value
// is href, when one alone is.
func (r *Renderer) deadLinkRow(row campaign.Row, t *templates.Template, href string) error {
	col := ""
	for _, c := range t.Columns() {
		if strings.TrimSpace(row.Values[c]) != href {
			continue
		}
		if col != "" {
			col = "" // several hold it (empty ones): which one is not known
			break
		}
		col = c
	}
	return r.rowErr(row, col, fmt.Errorf("render: %s: %w", t.File(), deadLinkError(href)))
}

// deadLinkError says why the link to href goes nowhere.
func deadLinkError(href string) error {
	if href == "" {
		return fmt.Errorf("a link has no URL (href=\"\"), so it would open nothing")
	}
	return fmt.Errorf("a link goes to %q, not an absolute URL (https://…, mailto:…), so it would open nothing in a mail program; write the URL in full", href)
}
