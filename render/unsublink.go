package render

import (
	"bytes"
	"fmt"
	"html"
	"net/url"
	"strings"
)

// Gmail's and Yahoo's bulk-sender rules ask for a visible unsubscribe
// link in the body besides the List-Unsubscribe headers (RFC 2369, RFC
// 8058). A body carries one when it links to the row's own target as
// the header gives it: its https URL (an HTML body's <a> or <area> href,
// character references and percent-encoding read; the text body's text
// holding the URL, which mail programs make a link of), or, for a row
// whose header gives only a mailto, that address (a mailto: href; the
// address written in the text body). A link to another page (a
// preferences page, even the row's own) is not taken for it: nothing
// tells that it unsubscribes. Each body the message has is looked at.

// Bodies says which bodies of a message.
type Bodies uint8

// The bodies.
const (
	BodyHTML Bodies = 1 << iota
	BodyText
)

// Unlinked is the note of a message whose bodies, or one of them, carry
// no link to the row's List-Unsubscribe target. The Renderer makes one
// of each kind (UnlinkedNote): messages share them.
type Unlinked struct {
	// Bodies are the bodies without the link.
	Bodies Bodies
	// Mailto says that the target is the mailto: the row's
	// List-Unsubscribe has no URL.
	Mailto bool
	// Text says, for a warning naming the rows, which bodies lack which
	// link and what to write.
	Text string
}

// Code is u as a byte (Bodies, 4 added for Mailto), what a spool keeps of
// it; 0 for nil. UnlinkedNote reads it back.
func (u *Unlinked) Code() uint8 {
	if u == nil {
		return 0
	}
	code := uint8(u.Bodies)
	if u.Mailto {
		code |= 4
	}
	return code
}

// UnlinkedNote is r's note of code (Unlinked.Code); nil for 0, for a
// code no note has, and for a campaign without unsubscribe targets.
func (r *Renderer) UnlinkedNote(code uint8) *Unlinked {
	if int(code) >= len(r.unlinked) {
		return nil
	}
	return r.unlinked[code]
}

// fixUnlinked makes the notes of messages that do not link to their
// unsubscribe target (Unlinked), each kind once, for a campaign with
// one; their text names the template to write (url and mailto, the
// unsubscribe: settings as written).
func (r *Renderer) fixUnlinked(url, mailto string) {
	if url == "" && mailto == "" {
		return
	}
	for _, b := range []Bodies{BodyHTML, BodyText, BodyHTML | BodyText} {
		if url != "" {
			r.unlinked[b] = &Unlinked{Bodies: b, Text: unlinkedText(b, false, url)}
		}
		if mailto != "" {
			if !strings.HasPrefix(strings.ToLower(mailto), "mailto:") {
				mailto = "mailto:" + mailto
			}
			r.unlinked[b|4] = &Unlinked{Bodies: b, Mailto: true, Text: unlinkedText(b, true, mailto)}
		}
	}
}

// unlinkedText words the note of bodies b without a link to the URL
// template (or mailto: URL, when mailto) target.
func unlinkedText(b Bodies, mailto bool, target string) string {
	which := map[Bodies]string{BodyHTML: "the HTML body has no", BodyText: "the text body has no", BodyHTML | BodyText: "neither the HTML nor the text body has a"}[b]
	what, setting, inText := "the unsubscribe URL", "unsubscribe.url", "the URL itself, "+target
	if mailto {
		what, setting, inText = "the unsubscribe address", "unsubscribe.mailto", "the address, "+target[len("mailto:"):]
		if i := strings.IndexByte(inText, '?'); i >= 0 {
			inText = inText[:i]
		}
	}
	var write []string
	if b&BodyHTML != 0 {
		write = append(write, fmt.Sprintf("<a href=\"%s\">Unsubscribe</a> in the HTML body", target))
	}
	if b&BodyText != 0 {
		write = append(write, inText+", in the text body")
	}
	return fmt.Sprintf("%s link to %s List-Unsubscribe gives (%s); Gmail and Yahoo ask bulk mail for one in the body too, "+
		"and a link to another page (preferences) is not taken for it: write %s",
		which, what, setting, strings.Join(write, ", and "))
}

// unsubLink is what a body's link to a row's List-Unsubscribe target is
// told by: the target (the https URL as the header has it, or the
// mailto's address when the header has no URL), "" for a row without
// one.
type unsubLink struct {
	target string
	mailto bool
}

// unsubLinkOf is the unsubLink of a row whose List-Unsubscribe tokens
// are toks ("<https://…>,", "<mailto:…>").
func unsubLinkOf(toks []string) unsubLink {
	for _, t := range toks {
		t = strings.TrimSuffix(strings.TrimSuffix(t, ","), ">")
		t = strings.TrimPrefix(t, "<")
		if len(t) > 7 && strings.EqualFold(t[:7], "mailto:") {
			addr, _, _ := strings.Cut(t[7:], "?")
			if strings.IndexByte(addr, '%') >= 0 {
				if unq, err := url.PathUnescape(addr); err == nil {
					addr = unq
				}
			}
			return unsubLink{target: addr, mailto: true}
		}
		if t != "" {
			return unsubLink{target: t}
		}
	}
	return unsubLink{}
}

// inHref reports whether the href value (as written in the HTML) links
// to l's target.
func (l unsubLink) inHref(href []byte) bool {
	href = bytes.TrimSpace(href)
	if !l.mailto {
		return sameURL(href, l.target)
	}
	if len(href) < 7 || !bytes.EqualFold(href[:7], []byte("mailto:")) {
		if bytes.IndexByte(href, '&') < 0 {
			return false
		}
		href = []byte(html.UnescapeString(string(href))) // &#109;ailto:
		if len(href) < 7 || !bytes.EqualFold(href[:7], []byte("mailto:")) {
			return false
		}
	}
	addr, _, _ := bytes.Cut(href[7:], []byte("?"))
	if bytes.EqualFold(addr, []byte(l.target)) {
		return true
	}
	if bytes.IndexByte(addr, '&') < 0 && bytes.IndexByte(addr, '%') < 0 {
		return false
	}
	unq, err := url.PathUnescape(html.UnescapeString(string(addr)))
	return err == nil && strings.EqualFold(unq, l.target)
}

// inText reports whether the text body text holds l's target: a URL as
// it is, an address in any case (Unsubscribe@Acme.example, as a mailto:
// href may write it). It allocates nothing (a []byte of the target
// would).
func (l unsubLink) inText(text []byte) bool {
	n := len(l.target)
	if l.mailto {
		for i := 0; n > 0 && i+n <= len(text); i++ {
			if equalFoldASCII(text[i:i+n], l.target) {
				return true
			}
		}
		return false
	}
	for i := 0; n > 0 && i+n <= len(text); i++ {
		j := bytes.IndexByte(text[i:len(text)-n+1], l.target[0])
		if j < 0 {
			return false
		}
		if i += j; string(text[i:i+n]) == l.target {
			return true
		}
	}
	return false
}

// sameURL reports whether href, a link's value as written in HTML (spaces
// trimmed), is the URL want: as it is, its scheme and host in any case
// (RFC 3986 6.2.2.1: HTTPS://Acme.example/u is https://acme.example/u),
// or once character references (&amp;) and percent-encoding (%2B for +,
// as html/template writes a value in a query; '+' for a space in the
// query) are read on both sides. Only an href that matches want up to a
// '&' or '%' a few bytes before they part is read again: others cost a
// comparison.
func sameURL(href []byte, want string) bool {
	if n := authorityEnd(want); n <= len(href) && equalFoldASCII(href[:n], want[:n]) {
		href, want = href[n:], want[n:]
	}
	if string(href) == want {
		return true
	}
	i := 0
	for i < len(href) && i < len(want) && href[i] == want[i] {
		i++
	}
	if !escapedNear(href, i) && !escapedNear(want, i) {
		return false
	}
	if ampEqual(href, want) {
		return true // the href as HTML should write it, allocating nothing
	}
	h, ok := readURL(html.UnescapeString(string(href)))
	w, ok2 := readURL(want)
	return ok && ok2 && h == w
}

// authorityEnd is the length of u's scheme and authority ("https://host:port"),
// the part of a URL read without case; 0 when u has no "://".
func authorityEnd(u string) int {
	i := strings.Index(u, "://")
	if i < 0 {
		return 0
	}
	i += len("://")
	if j := strings.IndexAny(u[i:], "/?#"); j >= 0 {
		return i + j
	}
	return len(u)
}

// equalFoldASCII reports whether b and s are the same but for the case of
// ASCII letters. It allocates nothing.
func equalFoldASCII(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range len(b) {
		x, y := b[i], s[i]
		if x != y && (x|0x20 != y|0x20 || x|0x20 < 'a' || x|0x20 > 'z') {
			return false
		}
	}
	return true
}

// ampEqual reports whether href is want with each '&' written "&amp;" (or
// left as it is), as HTML writes a URL's query. It allocates nothing.
func ampEqual(href []byte, want string) bool {
	i := 0
	for j := 0; j < len(want); j++ {
		if i < len(href) && href[i] == want[j] {
			i++
			if want[j] == '&' && bytes.HasPrefix(href[i:], []byte("amp;")) {
				i += len("amp;")
			}
			continue
		}
		return false
	}
	return i == len(href)
}

// escapedNear reports whether s has a '&' or '%' at i or in the few
// bytes before it (the longest character reference of '&' is
// "&#x00026;").
func escapedNear[S ~string | ~[]byte](s S, i int) bool {
	for k := max(0, i-10); k <= i && k < len(s); k++ {
		if s[k] == '&' || s[k] == '%' {
			return true
		}
	}
	return false
}

// readURL is u with its percent-encoding read: in its query, '+' as a
// space too; ok is false when an escape is malformed.
func readURL(u string) (string, bool) {
	path, query, hasQuery := strings.Cut(u, "?")
	p, err := url.PathUnescape(path)
	if err != nil || !hasQuery {
		return p, err == nil
	}
	q, err := url.QueryUnescape(query)
	return p + "?" + q, err == nil
}

// unlinkedBodies is the note of a message whose bodies (body; st.linked
// tells whether its HTML links) do not all link to the row's unsubscribe
// target, st.link: nil when they do, or when the row has none.
func (r *Renderer) unlinkedBodies(st *state, body content) *Unlinked {
	if st.link.target == "" {
		return nil
	}
	var b Bodies
	if body.html != nil && !st.linked {
		b |= BodyHTML
	}
	if body.text != nil && !st.link.inText(body.text) {
		b |= BodyText
	}
	if b == 0 {
		return nil
	}
	u := Unlinked{Bodies: b, Mailto: st.link.mailto}
	return r.unlinked[u.Code()]
}
