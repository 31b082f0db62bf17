package markdown

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// linkSchemes and imageSchemes are the URL schemes a link goes to and an
// image comes from. goldmark itself refuses only javascript:, vbscript:,
// file: and most data: URLs (leaving the link with an empty href); a
// list of what is allowed is the safer rule, and a refused link is better
// shown as its text than as a link to nowhere.
var (
	linkSchemes  = []string{"http", "https", "mailto", "tel"}
	imageSchemes = []string{"http", "https", "cid"}
)

// LinkError says that a link or an image of the Markdown goes to a
// destination that is not allowed (see the package documentation): the
// message would show its text alone, the URL lost. Convert returns the
// first one.
type LinkError struct {
	Text  string // the link's text, an image's alt text
	URL   string // its destination as a browser would get it
	Image bool
	// Broken is set for a link whose Markdown did not parse as one (a
	// space or a line break in its URL): it shows as written; Text is
	// then empty.
	Broken bool
}

func (e *LinkError) Error() string {
	if e.Broken {
		return fmt.Sprintf("markdown: a link's URL %q has a space or a line break in it, so it is no link: the message would show its Markdown as written", e.URL)
	}
	what, schemes := "link", "http, https, mailto or tel"
	if e.Image {
		what, schemes = "image", "http, https or cid"
	}
	if e.URL == "" {
		return fmt.Sprintf("markdown: the %s %q has no URL, so it would show as plain text", what, e.Text)
	}
	return fmt.Sprintf("markdown: the %s %q goes to %q, not an absolute %s URL, so it would show as plain text; write the URL in full (https://…)", what, e.Text, e.URL, schemes)
}

// refusedKey keeps a parse's first refused link (*LinkError) in its
// parser.Context.
var refusedKey = parser.NewContextKey()

// linkFilter is the parser step that turns links and images whose
// destination is not allowed into their text (see allowed), noting the
// first in the parse's context (refusedKey). A destination's spaces at
// either end (a value of the sheet, which the template's escaper writes
// as &#32;) are dropped first, as a browser drops them.
type linkFilter struct{}

// Transform implements parser.ASTTransformer.
func (linkFilter) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	var refused []ast.Node
	note := func(n ast.Node, dest string, image bool) {
		refused = append(refused, n)
		if pc.Get(refusedKey) == nil {
			var sub strings.Builder
			(&inlineWriter{b: &sub, src: src}).children(n)
			pc.Set(refusedKey, &LinkError{Text: strings.TrimSpace(sub.String()), URL: dest, Image: image})
		}
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.CodeSpan:
			return ast.WalkSkipChildren, nil // shows "](" as it is
		case *ast.Text:
			if url, ok := brokenLink(src, n.Segment); ok && pc.Get(refusedKey) == nil {
				pc.Set(refusedKey, &LinkError{URL: url, Broken: true})
			}
		case *ast.Link:
			n.Destination = trimSpaceRefs(n.Destination)
			if dest := resolve(n.Destination); !allowed(dest, linkSchemes) {
				note(n, dest, false)
			}
		case *ast.Image:
			n.Destination = trimSpaceRefs(n.Destination)
			if dest := resolve(n.Destination); !allowed(dest, imageSchemes) {
				note(n, dest, true)
			}
		case *ast.AutoLink:
			u := string(n.URL(src))
			if n.AutoLinkType == ast.AutoLinkEmail {
				u = "mailto:" + u
			} else if strings.HasPrefix(strings.ToLower(u), "www.") {
				u = "http://" + u
			}
			if !allowed(u, linkSchemes) {
				refused = append(refused, n)
			}
		}
		return ast.WalkContinue, nil
	})
	for _, n := range refused {
		unlink(n, src)
	}
}

// unlink replaces link, image or autolink n by what it shows: its
// children (an image's alt text) or an autolink's label.
func unlink(n ast.Node, src []byte) {
	parent := n.Parent()
	if a, ok := n.(*ast.AutoLink); ok {
		s := ast.NewString(a.Label(src))
		s.SetRaw(true)
		parent.ReplaceChild(parent, n, s)
		return
	}
	for c := n.FirstChild(); c != nil; {
		next := c.NextSibling()
		parent.InsertBefore(parent, n, c)
		c = next
	}
	parent.RemoveChild(parent, n)
}

// brokenLink finds in the text seg of src a "](" that no backslash
// escapes: the middle of a link the template wrote ("[Pay]({{.url}})")
// that did not parse as one, since what followed is no link destination
// (a value with a space inside). url is what followed, up to ")" or the
// end of the line, as a browser would get it.
func brokenLink(src []byte, seg text.Segment) (url string, ok bool) {
	for i := seg.Start; i < seg.Stop && i+1 < len(src); i++ {
		if src[i] != ']' || src[i+1] != '(' || i > 0 && src[i-1] == '\\' {
			continue
		}
		rest := src[i+2:]
		end := len(rest)
		for j := 0; j < len(rest); j++ {
			if rest[j] == '\n' || rest[j] == ')' && (j == 0 || rest[j-1] != '\\') {
				end = j
				break
			}
		}
		return strings.TrimSpace(resolve(trimSpaceRefs(rest[:end]))), true
	}
	return "", false
}

// trimSpaceRefs drops the spaces and tabs at either end of a link
// destination, also written as character references (&#32;, &#9;).
func trimSpaceRefs(dest []byte) []byte {
	for {
		switch {
		case bytes.HasPrefix(dest, []byte("&#32;")), bytes.HasPrefix(dest, []byte("&#9;")):
			dest = dest[bytes.IndexByte(dest, ';')+1:]
		case bytes.HasSuffix(dest, []byte("&#32;")):
			dest = dest[:len(dest)-5]
		case bytes.HasSuffix(dest, []byte("&#9;")):
			dest = dest[:len(dest)-4]
		case len(dest) > 0 && (dest[0] == ' ' || dest[0] == '\t'):
			dest = dest[1:]
		case len(dest) > 0 && (dest[len(dest)-1] == ' ' || dest[len(dest)-1] == '\t'):
			dest = dest[:len(dest)-1]
		default:
			return dest
		}
	}
}

// resolve is a link destination as the browser gets it: backslash escapes
// and character references resolved.
func resolve(dest []byte) string {
	return string(util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(dest))))
}

// allowed reports whether u is a "#fragment" or an absolute URL with one
// of schemes (RFC 3986 3.1: letters, digits, '+', '-', '.'; compared
// without case).
func allowed(u string, schemes []string) bool {
	if strings.HasPrefix(u, "#") {
		return true
	}
	scheme, _, ok := strings.Cut(u, ":")
	if !ok || scheme == "" {
		return false
	}
	for _, s := range schemes {
		if strings.EqualFold(scheme, s) {
			return true
		}
	}
	return false
}
