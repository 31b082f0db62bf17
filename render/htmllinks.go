package render

import (
	"bytes"
	"cmp"
	"fmt"
	"html"
	"path/filepath"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/templates"
)

// A link of an HTML body goes nowhere in a mail program when its href is
// empty or a URL without a scheme ("/pay", "pay.example/p", "www.…"):
// a message has no address of its own to resolve it against (unless the
// HTML gives one with <base href>). An image (<img src>, the background
// of <body>, <table>, <tr>, <td>, <th>) given as a file path ("logo.png",
// "C:\logo.png", "file:///…") does not load either: only cid: (a part of
// the message), data: and http(s): images do. html/template lets such a
// value from the sheet through, so the rendered HTML is looked at.
//
// They are found by a small scan of those start tags (and <base>)
// (written here rather than with golang.org/x/net/html's tokenizer, which
// would cost every message about as much as its rendering): their
// attributes up to '>', quoted or not. Comments are passed over
// (html/template drops those of a template), but not what Outlook's
// conditional comments hold, which templates keeps
// (keepConditionalComments): HTML Outlook shows, whose links and images
// must load there too.

// deadLink is a reference of an HTML document that a mail program cannot
// follow.
type deadLink struct {
	// tag and attr are the element and attribute, lower case: "a" or
	// "area" and "href" for a link; "img" and "src", or "body", "table",
	// "tr", "td" or "th" and "background" for an image.
	tag, attr string
	// url is the value, character references resolved, spaces trimmed.
	url string
	// raw is the value as written in the document, at is where it starts.
	raw []byte
	at  int
}

// image reports whether l is an image rather than a link.
func (l deadLink) image() bool { return l.attr != "href" }

// deadLinks calls yield with each dead link of doc (an HTML document or
// template text), until yield returns false: a link that goes nowhere, an
// image given as a file path (an empty one is passed over: a column gave
// none). With a <base href> of an absolute URL (or, in a template, one a
// value gives), only empty hrefs go nowhere. It allocates nothing for a
// link or image that has a scheme.
func deadLinks(doc []byte, yield func(l deadLink) bool) { scanLinks(doc, nil, yield) }

// scanLinks is deadLinks, in the same pass calling href, when not nil,
// with the href of every <a> and <area> of doc as written (the
// unsubscribe link is looked for among them: unsubLink.inHref); yield
// nil looks for links alone.
func scanLinks(doc []byte, href func(value []byte), yield func(l deadLink) bool) {
	based, backgrounds := false, false
	if yield != nil {
		based, backgrounds = isBased(doc), hasBackground(doc)
	}
	for name, i := nextTag(doc, 0); name != nil; name, i = nextTag(doc, i) {
		tag, attr := watched(name, backgrounds)
		if yield != nil && (tag == "img" || tag == "" && len(name) == 6 && bytes.EqualFold(name, []byte("source"))) {
			if !deadSrcset(doc, i, cmp.Or(tag, "source"), based, yield) {
				return
			}
		}
		if tag == "" || yield == nil && attr != "href" {
			continue
		}
		value, at, ok := attrOf(doc, i, attr)
		if !ok {
			continue
		}
		if href != nil && attr == "href" {
			href(value)
		}
		if yield == nil {
			continue
		}
		judged := value
		if bytes.IndexByte(value, '&') >= 0 {
			// A character reference may write the scheme (&#104;ttps:).
			judged = []byte(html.UnescapeString(string(value)))
		}
		dead := false
		if attr == "href" {
			dead = deadHref(judged, based)
		} else {
			dead = imagePath(judged, based)
		}
		if !dead {
			continue
		}
		l := deadLink{tag: tag, attr: attr, url: strings.TrimSpace(html.UnescapeString(string(value))), raw: value, at: at}
		if (l.image() || l.url == "" || !based && !urlScheme.MatchString(l.url) && !strings.HasPrefix(l.url, "#")) && !yield(l) {
			return
		}
	}
}

// deadSrcset calls yield with each candidate of the srcset attribute of
// the start tag tag (<img>, <picture>'s <source>) whose name ends at
// doc[i] that is a file path (imagePath), until yield returns false; it
// returns false then. A mail program that reads srcset (Apple's) loads a
// candidate instead of the src, and shows nothing for a file path. The
// candidates are read as HTML reads them: a URL (a run of non-space
// characters, commas at its end cut off, so that a data: URL keeps its
// own), then descriptors ("2x", "300w") up to the next comma.
func deadSrcset(doc []byte, i int, tag string, based bool, yield func(deadLink) bool) bool {
	value, at, ok := attrOf(doc, i, "srcset")
	for pos := 0; ok && pos < len(value); {
		for pos < len(value) && (isSpace(value[pos]) || value[pos] == ',') {
			pos++
		}
		start := pos
		for pos < len(value) && !isSpace(value[pos]) {
			pos++
		}
		url := value[start:pos]
		if trimmed := bytes.TrimRight(url, ","); len(trimmed) < len(url) {
			url = trimmed
		} else if j := bytes.IndexByte(value[pos:], ','); j >= 0 {
			pos += j // past the descriptors
		} else {
			pos = len(value)
		}
		judged := url
		if bytes.IndexByte(url, '&') >= 0 {
			judged = []byte(html.UnescapeString(string(url)))
		}
		if !imagePath(judged, based) {
			continue
		}
		l := deadLink{tag: tag, attr: "srcset", url: strings.TrimSpace(html.UnescapeString(string(url))), raw: value, at: at + start}
		if !yield(l) {
			return false
		}
	}
	return true
}

// isBased reports whether doc has a <base href> of an absolute URL (or one
// a template's value gives).
func isBased(doc []byte) bool {
	if !bytes.Contains(doc, []byte("base")) && !bytes.Contains(doc, []byte("BASE")) && !bytes.Contains(doc, []byte("Base")) {
		return false
	}
	for name, i := nextTag(doc, 0); name != nil; name, i = nextTag(doc, i) {
		if bytes.EqualFold(name, []byte("base")) {
			value, _, ok := attrOf(doc, i, "href")
			if ok && (hasScheme(value) || bytes.Contains(value, []byte("{{"))) {
				return true
			}
		}
	}
	return false
}

// watched returns the lower-case name of the tag name and the attribute
// of it deadLinks looks at; "" for a tag it passes over. The tags whose
// background it looks at count only when backgrounds is true.
func watched(name []byte, backgrounds bool) (tag, attr string) {
	var w string
	switch len(name) {
	case 1:
		w = "a"
	case 3:
		w = "img"
	case 4:
		w = "area"
		if name[0]|0x20 == 'b' {
			w = "body"
		}
	case 2:
		w = "td"
		switch name[1] | 0x20 {
		case 'r':
			w = "tr"
		case 'h':
			w = "th"
		}
	case 5:
		w = "table"
	default:
		return "", ""
	}
	for i := range len(w) {
		if name[i]|0x20 != w[i] {
			return "", ""
		}
	}
	switch w {
	case "a", "area":
		return w, "href"
	case "img":
		return w, "src"
	}
	if !backgrounds {
		return "", ""
	}
	return w, "background"
}

// hasBackground reports whether doc may have a background attribute: the
// word (in any case) followed by '=' (not CSS's "background:"), so that
// most documents' table cells need not be read. The word is looked for
// from its rare 'k' on, which bytes.Index finds fastest.
func hasBackground(doc []byte) bool {
	for _, word := range [...]string{"kground", "KGROUND"} {
		for rest := doc; ; {
			i := bytes.Index(rest, []byte(word))
			if i < 0 {
				break
			}
			rest = rest[i+len(word):]
			j := 0
			for j < len(rest) && isSpace(rest[j]) {
				j++
			}
			if j < len(rest) && rest[j] == '=' {
				return true
			}
		}
	}
	return false
}

// deadHref reports whether a link's href value, as written, may go
// nowhere (deadLinks looks closer, resolving character references).
func deadHref(value []byte, based bool) bool {
	trimmed := bytes.TrimSpace(value)
	return !hasScheme(value) && (len(trimmed) == 0 || !based && trimmed[0] != '#')
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
		if k := conditionalOpen(doc[i:]); k > 0 {
			i += k // what an Outlook block holds is HTML Outlook shows
			continue
		}
		if bytes.HasPrefix(doc[i:], []byte("!--")) {
			// From the first '-': <!--> and <!---> are empty comments.
			k := bytes.Index(doc[i+1:], []byte("-->"))
			if k < 0 {
				return nil, len(doc)
			}
			i += 1 + k + 3
			continue
		}
		if name = tagName(doc[i:]); len(name) > 0 {
			return name, i + len(name)
		}
	}
	return nil, len(doc)
}

// conditionalOpen is the length of the opening marker of an Outlook
// conditional comment at the start of b, "!--[if mso]>" (b follows its
// '<'), 0 when none is there: what follows it, up to <![endif]-->, is
// HTML that Outlook shows (templates keeps those comments), its links and
// images followed there as anywhere.
func conditionalOpen(b []byte) int {
	if len(b) < 8 || !bytes.EqualFold(b[:7], []byte("!--[if ")) {
		return 0
	}
	k := bytes.IndexByte(b, '\n')
	if k < 0 {
		k = len(b)
	}
	end := bytes.Index(b[:k], []byte("]>"))
	if end < 0 {
		return 0
	}
	return end + 2
}

// tagName is the tag name at the start of b (letters and digits).
func tagName(b []byte) []byte {
	n := 0
	for n < len(b) && (b[n] >= 'a' && b[n] <= 'z' || b[n] >= 'A' && b[n] <= 'Z' || n > 0 && b[n] >= '0' && b[n] <= '9') {
		n++
	}
	return b[:n]
}

// attrOf reads the attributes of the start tag whose name ends at doc[i]
// and returns the value of its attribute attr (lower case) as written and
// where it starts; ok is false when it has none.
func attrOf(doc []byte, i int, attr string) (value []byte, at int, ok bool) {
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
		if len(name) == len(attr) && bytes.EqualFold(name, []byte(attr)) {
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

// literalDeadLink checks the links and images the HTML template t (the
// HTML body, or the Markdown body's layout) writes itself: one whose value
// has no template action and goes nowhere (a file path, for an image) is
// an error of the template at its line, not a problem of every row. What
// the template's comments hold ({{/* … */}}) is not written, and not
// looked at.
func literalDeadLink(t *templates.Template) error {
	src := blankComments([]byte(t.Source()))
	var err error
	deadLinks(src, func(l deadLink) bool {
		if bytes.Contains(l.raw, []byte("{{")) {
			return true // a value gives it: the rows are checked
		}
		why := deadLinkError(l.url)
		if l.image() {
			why = imageError(l, filepath.Dir(t.File()))
		}
		err = &campaign.FileError{File: t.File(), Line: max(t.Line(), 1) + bytes.Count(src[:l.at], []byte("\n")), Err: why}
		return false
	})
	return err
}

// deadLinkRow is the row problem of an HTML body (from t) with a dead
// link l: the column is the one (among t's) whose value is l's, when one
// alone is.
func (r *Renderer) deadLinkRow(row campaign.Row, t *templates.Template, l deadLink) error {
	col := ""
	for _, c := range t.Columns() {
		if strings.TrimSpace(row.Values[c]) != l.url {
			continue
		}
		if col != "" {
			col = "" // several hold it (empty ones): which one is not known
			break
		}
		col = c
	}
	why := deadLinkError(l.url)
	if l.image() {
		why = imageValueError(l)
	}
	return r.rowErr(row, col, fmt.Errorf("render: %s: %w", campaign.ShownPath(t.File()), why))
}

// deadLinkError says why the link to href goes nowhere.
func deadLinkError(href string) error {
	if href == "" {
		return fmt.Errorf("a link has no URL (href=\"\"), so it would open nothing")
	}
	return fmt.Errorf("a link goes to %q, not an absolute URL (https://…, mailto:…), so it would open nothing in a mail program; write the URL in full", href)
}
