package markdown

import (
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

// linkFilter is the parser step that turns links and images whose
// destination is not allowed into their text (see allowed).
type linkFilter struct{}

// Transform implements parser.ASTTransformer.
func (linkFilter) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	var refused []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if !allowed(resolve(n.Destination), linkSchemes) {
				refused = append(refused, n)
			}
		case *ast.Image:
			if !allowed(resolve(n.Destination), imageSchemes) {
				refused = append(refused, n)
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
