package markdown

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// plain writes the text rendering of a Markdown document (see the package
// documentation). It is written by hand: goldmark renders HTML only.
type plain struct {
	out *bytes.Buffer
	src []byte
	// indent is the stack of line prefixes of the blocks being written:
	// "> " for a quote, a list item's marker on its first line and spaces
	// on the others.
	indent []prefix
	// inline is scratch space for a block's inline content.
	inline strings.Builder
}

// prefix is one level of indent: first on the first line written under it
// (a list item's marker), rest on the others.
type prefix struct {
	first, rest string
	used        bool
}

// writeText appends the text rendering of doc (parsed from src) to out.
func writeText(out *bytes.Buffer, src []byte, doc ast.Node) {
	p := &plain{out: out, src: src}
	p.blocks(doc, false)
}

// blocks writes the block children of n, a blank line between two of them
// unless tight (the items of a tight list).
func (p *plain) blocks(n ast.Node, tight bool) {
	first := true
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if _, ok := c.(*ast.HTMLBlock); ok {
			continue
		}
		if !first && !tight {
			p.blank()
		}
		first = false
		p.block(c)
	}
}

func (p *plain) block(n ast.Node) {
	switch n := n.(type) {
	case *ast.Paragraph, *ast.TextBlock:
		p.lines(p.inlineText(n))
	case *ast.Heading:
		p.heading(n)
	case *ast.ThematicBreak:
		p.line("------------------------------")
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		p.code(n)
	case *ast.Blockquote:
		p.indent = append(p.indent, prefix{first: "> ", rest: "> "})
		p.blocks(n, false)
		p.indent = p.indent[:len(p.indent)-1]
	case *ast.List:
		p.list(n)
	case *east.Table:
		p.table(n)
	default:
		p.blocks(n, false)
	}
}

// heading writes a heading's text, underlined with '=' (level 1) or '-'
// (level 2) as wide as its widest line.
func (p *plain) heading(n *ast.Heading) {
	s := p.inlineText(n)
	p.lines(s)
	if n.Level > 2 {
		return
	}
	w := 0
	for _, l := range strings.Split(s, "\n") {
		w = max(w, displayWidth(l))
	}
	ch := "="
	if n.Level == 2 {
		ch = "-"
	}
	p.line(strings.Repeat(ch, max(w, 3)))
}

// code writes a code block's lines as they are, indented four spaces.
func (p *plain) code(n ast.Node) {
	lines := n.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		p.line("    " + strings.TrimRight(string(seg.Value(p.src)), "\r\n"))
	}
}

// list writes the items of list n, each under its marker.
func (p *plain) list(n *ast.List) {
	num := n.Start
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if c != n.FirstChild() && !n.IsTight {
			p.blank()
		}
		marker := "- "
		if n.IsOrdered() {
			marker = strconv.Itoa(num) + string(n.Marker) + " "
			num++
		}
		p.indent = append(p.indent, prefix{first: marker, rest: strings.Repeat(" ", len(marker))})
		if c.FirstChild() == nil {
			p.line("")
		}
		p.blocks(c, n.IsTight)
		p.indent = p.indent[:len(p.indent)-1]
	}
}

// lines writes s, which may hold line breaks, one line at a time.
func (p *plain) lines(s string) {
	for {
		l, rest, more := strings.Cut(s, "\n")
		p.line(l)
		if !more {
			return
		}
		s = rest
	}
}

// line writes one line under the current indent, without trailing
// spaces.
func (p *plain) line(s string) {
	start := p.out.Len()
	for i := range p.indent {
		in := &p.indent[i]
		if in.used {
			p.out.WriteString(in.rest)
		} else {
			p.out.WriteString(in.first)
			in.used = true
		}
	}
	p.out.WriteString(s)
	p.endLine(start)
}

// blank writes an empty line: the indent's quote marks, no spaces.
func (p *plain) blank() {
	start := p.out.Len()
	for _, in := range p.indent {
		p.out.WriteString(in.rest)
	}
	p.endLine(start)
}

// endLine ends the line begun at start, dropping its trailing spaces.
func (p *plain) endLine(start int) {
	b := p.out.Bytes()
	end := len(b)
	for end > start && (b[end-1] == ' ' || b[end-1] == '\t') {
		end--
	}
	p.out.Truncate(end)
	p.out.WriteByte('\n')
}

// inlineText is the text of n's inline content.
func (p *plain) inlineText(n ast.Node) string {
	p.inline.Reset()
	w := inlineWriter{b: &p.inline, src: p.src}
	w.children(n)
	return strings.TrimRight(p.inline.String(), " ")
}

// inlineWriter writes inline content as text.
type inlineWriter struct {
	b   *strings.Builder
	src []byte
	// soft: a soft line break is pending; it becomes a space unless both
	// characters around it are East Asian wide.
	soft bool
}

func (w *inlineWriter) children(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		w.node(c)
	}
}

func (w *inlineWriter) node(n ast.Node) {
	switch n := n.(type) {
	case *ast.Text:
		v := n.Segment.Value(w.src)
		if n.IsRaw() {
			w.write(string(v))
		} else {
			w.write(unescape(v))
		}
		switch {
		case n.HardLineBreak():
			w.soft = false
			w.b.WriteByte('\n')
		case n.SoftLineBreak():
			w.soft = true
		}
	case *ast.String:
		if n.IsRaw() || n.IsCode() {
			w.write(string(n.Value))
		} else {
			w.write(unescape(n.Value))
		}
	case *ast.CodeSpan:
		w.codeSpan(n)
	case *ast.Link:
		w.link(n, resolve(n.Destination))
	case *ast.AutoLink:
		w.write(string(n.Label(w.src)))
	case *ast.Image:
		w.image(n)
	case *ast.RawHTML:
	default:
		w.children(n)
	}
}

// write writes s, after a pending soft line break.
func (w *inlineWriter) write(s string) {
	if s == "" {
		return
	}
	if w.soft {
		w.soft = false
		last, _ := utf8.DecodeLastRuneInString(w.b.String())
		next, _ := utf8.DecodeRuneInString(s)
		if !(isWide(last) && isWide(next)) {
			w.b.WriteByte(' ')
		}
	}
	w.b.WriteString(s)
}

// codeSpan writes a code span's text as it is (its line breaks as spaces).
func (w *inlineWriter) codeSpan(n *ast.CodeSpan) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); ok {
			w.write(strings.ReplaceAll(string(t.Segment.Value(w.src)), "\n", " "))
		}
	}
}

// link writes "text (url)", or just the url when the text is the url.
func (w *inlineWriter) link(n ast.Node, url string) {
	var sub strings.Builder
	(&inlineWriter{b: &sub, src: w.src}).children(n)
	text := strings.TrimSpace(sub.String())
	shown := url
	if len(url) > 7 && strings.EqualFold(url[:7], "mailto:") {
		shown = url[7:]
	}
	switch {
	case text == "" || text == url || text == shown:
		w.write(shown)
	default:
		w.write(text + " (" + shown + ")")
	}
}

// image writes "alt (url)"; an inline (cid:) image is only its alt text.
func (w *inlineWriter) image(n *ast.Image) {
	url := resolve(n.Destination)
	if len(url) > 4 && strings.EqualFold(url[:4], "cid:") {
		w.children(n)
		return
	}
	w.link(n, url)
}

// unescape is Markdown text as it reads: backslash escapes and character
// references resolved, NUL made U+FFFD (CommonMark 2.3, 2.4, 2.5).
func unescape(v []byte) string {
	if bytes.IndexAny(v, "\\&\x00") < 0 {
		return string(v)
	}
	var b strings.Builder
	b.Grow(len(v))
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && i+1 < len(v) && isPunct(v[i+1]):
			b.WriteByte(v[i+1])
			i++
		case c == '&':
			if r, n := reference(v[i:]); n > 0 {
				b.WriteString(r)
				i += n - 1
			} else {
				b.WriteByte(c)
			}
		case c == 0:
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}
