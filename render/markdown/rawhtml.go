package markdown

import (
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// RawHTMLError is raw HTML that Convert left out of both parts (a value
// marked raw that holds "<br>" or "<img …>"): no reader would see it.
type RawHTMLError struct {
	// HTML is the first line of the first such HTML.
	HTML string
}

func (e *RawHTMLError) Error() string {
	return fmt.Sprintf("markdown: %s: raw HTML is left out of a Markdown body, so no reader would see it", e.HTML)
}

// RawHTML returns the first line of the first raw HTML in src, an HTML
// block or an inline tag, which Convert leaves out of both parts (an
// <img>, a <br>, a <div align="center">), its offset in src, and whether
// src has one. An HTML comment is no such HTML: leaving it out loses
// nothing a reader would see.
func (c *Converter) RawHTML(src []byte) (html string, at int, ok bool) {
	return firstRawHTML(c.md.Parser().Parse(text.NewReader(src)), src)
}

// firstRawHTML is RawHTML of doc, parsed from src.
func firstRawHTML(doc ast.Node, src []byte) (html string, at int, ok bool) {
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
