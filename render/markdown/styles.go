package markdown

import (
	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// The built-in layout's palette and type, shared by layout.html's
// <style> (dark mode) and the inline styles below.
const (
	monoFont = `Menlo,Consolas,'Courier New',monospace`
	border   = `#d0d7de`
	codeBg   = `#f6f8fa`
)

// Inline styles of the elements of a Styled Converter's HTML. Mail
// clients that drop <style> keep these; the layout's <style> overrides
// the colours in dark mode. A list's indent and a quote's bar are written
// for left-to-right text, then as logical properties (padding-inline,
// border-inline-start), which put them on the right of a right-to-left
// block where a client knows them.
var (
	styleParagraph = []byte(`margin:0 0 16px 0;`)
	styleHeadings  = [6][]byte{
		[]byte(`margin:0 0 16px 0;font-size:26px;line-height:1.25;font-weight:700;`),
		[]byte(`margin:24px 0 12px 0;font-size:21px;line-height:1.3;font-weight:700;`),
		[]byte(`margin:20px 0 8px 0;font-size:18px;line-height:1.35;font-weight:700;`),
		[]byte(`margin:16px 0 8px 0;font-size:16px;line-height:1.4;font-weight:700;`),
		[]byte(`margin:16px 0 8px 0;font-size:15px;line-height:1.4;font-weight:700;`),
		[]byte(`margin:16px 0 8px 0;font-size:14px;line-height:1.4;font-weight:700;`),
	}
	styleLink       = []byte(`color:#0b57d0;text-decoration:underline;`)
	styleList       = []byte(`margin:0 0 16px 0;padding:0 0 0 24px;padding-inline:24px 0;`)
	styleListItem   = []byte(`margin:0 0 4px 0;`)
	styleBlockquote = []byte(`margin:0 0 16px 0;padding:0 0 0 14px;padding-inline:14px 0;border-left:4px solid ` + border + `;border-inline-start:4px solid ` + border + `;border-inline-end:0;color:#57606a;`)
	styleCode       = []byte(`font-family:` + monoFont + `;font-size:14px;background-color:` + codeBg + `;padding:1px 4px;border-radius:4px;`)
	stylePre        = `margin:0 0 16px 0;padding:12px 14px;background-color:` + codeBg + `;border-radius:6px;font-family:` + monoFont + `;font-size:14px;line-height:1.45;white-space:pre-wrap;word-wrap:break-word;`
	styleRule       = []byte(`border:0;border-top:1px solid ` + border + `;margin:24px 0;height:0;`)
	styleImage      = []byte(`max-width:100%;height:auto;border:0;`)
	styleTable      = []byte(`border-collapse:collapse;margin:0 0 16px 0;`)
	styleTh         = []byte(`border:1px solid ` + border + `;padding:6px 10px;background-color:` + codeBg + `;font-weight:700;`)
	styleTd         = []byte(`border:1px solid ` + border + `;padding:6px 10px;`)
)

var (
	styleAttr = []byte("style")
	dirAttr   = []byte("dir")
	dirAuto   = []byte("auto")
)

// styler is the parser step of a Styled Converter that gives every element
// its inline style, and every block of text dir="auto": a paragraph,
// heading, list, quote or table in Arabic or Hebrew then reads right to left (its
// full stop at its end, on the left; under the layout's text-align:start,
// set to the right) and one in a left-to-right script as before.
type styler struct{}

// Transform implements parser.ASTTransformer.
func (styler) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			if s := styleOf(n); s != nil {
				n.SetAttribute(styleAttr, s)
			}
			if textBlock(n) {
				n.SetAttribute(dirAttr, dirAuto)
			}
		}
		return ast.WalkContinue, nil
	})
}

// textBlock reports whether n is a block of the body's own (not one
// inside a list or quote, which takes its direction, as dir="auto" reads
// none from a child with a dir of its own) whose direction its text sets.
func textBlock(n ast.Node) bool {
	if _, top := n.Parent().(*ast.Document); !top {
		return false
	}
	switch n.(type) {
	case *ast.Paragraph, *ast.Heading, *ast.List, *ast.Blockquote, *east.Table:
		return true
	}
	return false
}

// styleOf is the inline style of node n, or nil.
func styleOf(n ast.Node) []byte {
	switch n := n.(type) {
	case *ast.Paragraph:
		return styleParagraph
	case *ast.Heading:
		return styleHeadings[min(max(n.Level, 1), 6)-1]
	case *ast.Link, *ast.AutoLink:
		return styleLink
	case *ast.List:
		return styleList
	case *ast.ListItem:
		return styleListItem
	case *ast.Blockquote:
		return styleBlockquote
	case *ast.CodeSpan:
		return styleCode
	case *ast.ThematicBreak:
		return styleRule
	case *ast.Image:
		return styleImage
	case *east.Table:
		return styleTable
	case *east.TableCell:
		if _, th := n.Parent().(*east.TableHeader); th {
			return styleTh
		}
		return styleTd
	}
	return nil
}

// codeBlockRenderer writes code blocks as goldmark does, with the <pre>
// styled: goldmark's own code block renderers write no attributes.
type codeBlockRenderer struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (codeBlockRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindCodeBlock, renderCodeBlock)
	reg.Register(ast.KindFencedCodeBlock, renderCodeBlock)
}

func renderCodeBlock(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		_, _ = w.WriteString("</code></pre>\n")
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString(`<pre style="` + stylePre + `"><code>`)
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		_, _ = w.Write(util.EscapeHTML(seg.Value(src)))
	}
	return ast.WalkContinue, nil
}
