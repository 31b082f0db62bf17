package markdown

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Options configures a Converter. The zero value is ready to use.
type Options struct {
	// Styled gives every element the inline style of the built-in layout
	// (Layout). Leave it off for a layout of one's own, whose <style>
	// inline styles would override.
	Styled bool
}

// Converter converts Markdown to an HTML fragment and to plain text. It is
// immutable and safe for concurrent use.
type Converter struct {
	md goldmark.Markdown
}

// New returns a Converter with opts.
func New(opts Options) *Converter {
	transformers := []util.PrioritizedValue{util.Prioritized(linkFilter{}, 100)}
	var renderers []util.PrioritizedValue
	if opts.Styled {
		transformers = append(transformers, util.Prioritized(styler{}, 200))
		// Lower numbers win: this replaces goldmark's code block renderers.
		renderers = append(renderers, util.Prioritized(codeBlockRenderer{}, 100))
	}
	md := goldmark.New(
		goldmark.WithExtensions(
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.NewLinkify(extension.WithLinkifyAllowedProtocols([]string{"http:", "https:"})),
		),
		goldmark.WithParserOptions(parser.WithASTTransformers(transformers...)),
		goldmark.WithRendererOptions(
			html.WithEastAsianLineBreaks(html.EastAsianLineBreaksSimple),
			renderer.WithNodeRenderers(renderers...),
		),
	)
	return &Converter{md: md}
}

// Convert parses src once and appends its HTML to htmlOut and, when
// textOut is not nil, its plain-text rendering (see the package
// documentation) to textOut. Invalid UTF-8 in src is read as U+FFFD. A
// link or image whose destination is not allowed is written as its text,
// and the first one is returned as a *LinkError once both are written;
// else raw HTML, left out of both (an HTML comment aside), is returned as
// a *RawHTMLError.
func (c *Converter) Convert(src []byte, htmlOut, textOut *bytes.Buffer) (err error) {
	if !utf8.Valid(src) {
		// goldmark's East Asian line breaks read runes backwards and
		// panic on a stray continuation byte (yuin/goldmark#597).
		src = bytes.ToValidUTF8(src, []byte("\uFFFD"))
	}
	// A bug in goldmark must spoil one message, not the whole run.
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("markdown: goldmark failed: %v", v)
		}
	}()
	pc := parser.NewContext()
	doc := c.md.Parser().Parse(text.NewReader(src), parser.WithContext(pc))
	if err := c.md.Renderer().Render(htmlOut, src, doc); err != nil {
		return fmt.Errorf("markdown: %w", err)
	}
	if textOut != nil {
		writeText(textOut, src, doc)
	}
	if le, ok := pc.Get(refusedKey).(*LinkError); ok {
		return le
	}
	if raw, _, ok := firstRawHTML(doc, src); ok {
		return &RawHTMLError{HTML: raw}
	}
	return nil
}
