package markdown

import (
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// RawHTML returns the first line of the first raw HTML in src, an HTML
// block or an inline tag, which Convert leaves out of both parts (an
// <img>, a <br>, a <div align="center">), its offset in src, and whether
// src has one. An HTML comment is no such HTML: leaving it out loses
// nothing a reader would see.
func (c *Converter) RawHTML(src []byte) (html string, at int, ok bool) {
	doc := c.md.Parser().Parse(text.NewReader(src))
	var found string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var seg text.Segment
		switch v := n.(type) {
		case *ast.HTMLBlock:
			if v.Lines().Len() > 0 {
				seg = v.Lines().At(0)
			}
		case *ast.RawHTML:
			if v.Segments.Len() > 0 {
				seg = v.Segments.At(0)
			}
		}
		raw := string(seg.Value(src))
		raw, _, _ = strings.Cut(strings.TrimSpace(raw), "\n")
		if raw == "" || strings.HasPrefix(raw, "<!--") {
			return ast.WalkContinue, nil
		}
		found, at = raw, seg.Start
		return ast.WalkStop, nil
	})
	return found, at, found != ""
}
