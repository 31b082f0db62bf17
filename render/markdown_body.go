package render

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"regexp"
	"strings"

	"github.com/tidings/tidings/campaign"
	"github.com/tidings/tidings/render/markdown"
	"github.com/tidings/tidings/templates"
)

// mdBody turns a row's Markdown (the output of the markdown template, its
// values escaped) into the HTML part, in the campaign's layout or the
// built-in one, and the text part, unless the campaign has a text
// template.
type mdBody struct {
	conv   *markdown.Converter
	layout *templates.Template // nil: markdown.Layout
}

// fixMarkdown prepares the Markdown body of set, if it has one: the
// converter (with the built-in layout's inline styles when the campaign
// has no layout of its own) and the inline images the Markdown and the
// layout show.
func (r *Renderer) fixMarkdown(c *campaign.Campaign, set *templates.Set, fe *fileErrors) {
	if set.Markdown == nil {
		return
	}
	r.md = &mdBody{conv: markdown.New(markdown.Options{Styled: set.Layout == nil}), layout: set.Layout}
	if err := r.md.literalLink(set.Markdown); err != nil {
		fe.errs = append(fe.errs, err)
	}
	if err := valueAutolink(set.Markdown); err != nil {
		fe.errs = append(fe.errs, err)
	}
	if err := r.md.literalRawHTML(set.Markdown); err != nil {
		fe.errs = append(fe.errs, err)
	}
	if set.Layout != nil {
		if err := literalDeadLink(set.Layout); err != nil {
			fe.errs = append(fe.errs, err)
		}
		if err := literalCharset(set.Layout); err != nil {
			fe.errs = append(fe.errs, err)
		}
	}
	for _, t := range []*templates.Template{set.Markdown, set.Layout} {
		if t == nil {
			continue
		}
		imgs, err := inlineImages(t, c.Name, false)
		if err != nil {
			fe.errs = append(fe.errs, err)
		}
		r.images = mergeImages(r.images, imgs, t, fe)
	}
}

// valueMark stands for a value in the skeleton of the Markdown template
// (templates.Template.Skeleton): an absolute URL that any link and image
// allows, so that only what the template writes itself is judged.
const valueMark = "https:{{…}}"

// literalLink checks the links and images the Markdown template t writes
// itself, the same for every row: one whose URL would be lost whatever
// the row holds ("[About](/about)", "[Pay](/pay?id={{.id}})") is one
// error of the template, naming its line, not a problem of every row.
// One whose scheme a value may give ("[a]({{.url}})") is left to the
// rows.
func (m *mdBody) literalLink(t *templates.Template) error {
	var le *markdown.LinkError
	err := m.conv.Convert([]byte(t.Skeleton(valueMark)), new(bytes.Buffer), nil)
	if !errors.As(err, &le) || le.Broken {
		return nil // goldmark's own failures show on the rows
	}
	if at := strings.Index(le.URL, valueMark); at >= 0 && !strings.ContainsAny(le.URL[:at], ":/?#") {
		return nil // the URL starts with a value
	}
	e := *le
	e.Text = strings.ReplaceAll(e.Text, valueMark, "{{…}}")
	e.URL = strings.ReplaceAll(e.URL, valueMark, "{{…}}")
	return &campaign.FileError{File: t.File(), Line: lineOf(t, le.URL), Err: fmt.Errorf("render: %w", &e)}
}

// literalRawHTML refuses raw HTML the Markdown template t writes itself
// ("<img src=…>", "<br>", "<p align=center>"): Markdown bodies leave it
// out, so every message would lose it unseen (an image gone, two lines
// run together). An error of the template at its line; an HTML comment
// is left out as meant.
func (m *mdBody) literalRawHTML(t *templates.Template) error {
	skel := t.Skeleton(valueMark)
	raw, at, ok := m.conv.RawHTML([]byte(skel))
	if !ok {
		return nil
	}
	return &campaign.FileError{File: t.File(), Line: skeletonLine(t, skel, at),
		Err: fmt.Errorf("render: markdown: %s: raw HTML is left out of a Markdown body, so no reader would see it; write it in Markdown (an image ![text](https://…), a line break a backslash at the end of the line, \\< for a < that shows), or make the body an html: template instead", strings.ReplaceAll(raw, valueMark, "{{…}}"))}
}

// skeletonLine is the line of template t that holds what its skeleton
// skel has at offset at: the first line of the source holding the
// skeleton's line up to there, as written up to its first value; t's
// first line when none does.
func skeletonLine(t *templates.Template, skel string, at int) int {
	first := max(t.Line(), 1)
	start := strings.LastIndexByte(skel[:at], '\n') + 1
	end := strings.IndexByte(skel[at:], '\n')
	if end < 0 {
		end = len(skel) - at
	}
	lit, _, _ := strings.Cut(skel[start:at+end], valueMark)
	if i := strings.Index(t.Source(), lit); strings.TrimSpace(lit) != "" && i >= 0 {
		return first + strings.Count(t.Source()[:i], "\n")
	}
	return first
}

// autolinkValue finds an autolink around a template action: "<{{.url}}>".
var autolinkValue = regexp.MustCompile(`<\s*\{\{[^}]*\}\}\s*>`)

// valueAutolink refuses an autolink whose URL a value gives ("<{{.url}}>"):
// the value is escaped for Markdown, and an autolink shows escapes as they
// are, so the message would show the URL with backslashes in it, and no
// link. An error of the template at its line. A link destination in
// angle brackets ("[Pay](<{{.url}}>)") is no autolink, nor is one in a
// code span or a code block, fenced or indented (written as it is).
func valueAutolink(t *templates.Template) error {
	var b codeBlocks
	for n, line := range strings.Split(t.Source(), "\n") {
		if b.code(line) {
			continue
		}
		for _, loc := range autolinkValue.FindAllStringIndex(line, -1) {
			before := strings.TrimRight(line[:loc[0]], " ")
			if strings.HasSuffix(before, "](") || strings.Count(line[:loc[0]], "`")%2 == 1 {
				continue
			}
			a := line[loc[0]:loc[1]]
			inner := strings.TrimSpace(a[1 : len(a)-1])
			return &campaign.FileError{File: t.File(), Line: max(t.Line(), 1) + n,
				Err: fmt.Errorf("render: markdown: %s: an autolink around a value shows it with Markdown's escapes and links nowhere; write [%s](%s) for a URL, or [%s](mailto:%s) for an address", a, inner, inner, inner, inner)}
		}
	}
	return nil
}

// codeBlocks tells, line after line, the lines of Markdown's code blocks
// (CommonMark 4.4, 4.5): a fence opens and closes one; an indented line
// (four spaces or a tab) is one after a blank line, or after another such
// line, unless it goes on a list item (a nested list, a paragraph of the
// item). A rough reading, enough to pass over code.
type codeBlocks struct {
	fenced, indented bool
	written          bool // a line that is not blank came before
	blank            bool // the line before was blank
	list             bool // the latest line not indented nor blank started a list item
}

// listItem matches the start of a list item.
var listItem = regexp.MustCompile(`^\s{0,3}([-*+]|\d{1,9}[.)])(\s|$)`)

// code reports whether line is in a code block, or opens or closes one.
func (b *codeBlocks) code(line string) bool {
	trimmed := strings.TrimLeft(line, " ")
	if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
		b.fenced, b.blank, b.written = !b.fenced, false, true
		return true
	}
	if b.fenced {
		return true
	}
	if strings.TrimSpace(line) == "" {
		b.blank = true
		return false
	}
	indented := strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t")
	b.indented = indented && (b.indented || (b.blank || !b.written) && !b.list)
	if !indented {
		b.list = listItem.MatchString(line)
	}
	b.blank, b.written = false, true
	return b.indented
}

// lineOf is the line of t's file where its link to url (from the
// skeleton) is: where the URL's text up to its first value first follows
// "](", else t's first line.
func lineOf(t *templates.Template, url string) int {
	first := max(t.Line(), 1)
	lit, _, _ := strings.Cut(url, valueMark)
	src := t.Source()
	at := strings.Index(src, "]("+lit)
	if at < 0 {
		return first
	}
	return first + strings.Count(src[:at], "\n")
}

// mergeImages adds the inline images of template t to have; the same
// name for two different files (one beside the Markdown, one beside the
// layout) is an error.
func mergeImages(have, add []*blob, t *templates.Template, fe *fileErrors) []*blob {
next:
	for _, b := range add {
		for _, h := range have {
			if h.name == b.name {
				if h.path != b.path {
					fe.add(t, fmt.Errorf("render: inline image cid:%s: %s and %s share the name; rename one", b.name, h.path, b.path))
				}
				continue next
			}
		}
		have = append(have, b)
	}
	return have
}

// rowMarkdown runs the Markdown template of row and fills in body's HTML
// and, when the campaign has no text template, its text, in st's buffers.
func (r *Renderer) rowMarkdown(st *state, row campaign.Row, subject string, body *content) error {
	st.md.Reset()
	if err := r.set.Markdown.Execute(&st.md, row); err != nil {
		return err
	}
	st.frag.Reset()
	var text *bytes.Buffer
	if r.set.Text == nil {
		st.text.Reset()
		text = &st.text
	}
	if err := r.md.conv.Convert(st.md.Bytes(), &st.frag, text); err != nil {
		return r.markdownErr(row, st.md.Bytes(), err)
	}
	st.html.Reset()
	var err error
	if r.md.layout != nil {
		data := templates.LayoutData{Body: htmltemplate.HTML(st.frag.String()), Subject: subject}
		err = r.md.layout.ExecuteLayout(&st.html, data)
	} else {
		err = markdown.Layout(&st.html, st.frag.Bytes(), subject)
	}
	if err != nil {
		return r.rowErr(row, "", err)
	}
	body.html = st.html.Bytes()
	body.images = r.images
	st.linked = false
	if st.link.target != "" {
		scanLinks(body.html, func(v []byte) { st.linked = st.linked || st.link.inHref(v) }, nil)
	}
	if text != nil {
		body.text = st.text.Bytes()
		if body.text == nil { // an empty body is still a body
			body.text = []byte{}
		}
	}
	return nil
}

// markdownErr is the row problem of a Markdown body that did not convert:
// a link or image that would lose its URL (*markdown.LinkError, naming the
// column whose value is that URL when one is), raw HTML a value marked raw
// brings (rawValueErr), or a failure of goldmark.
func (r *Renderer) markdownErr(row campaign.Row, src []byte, err error) error {
	t := r.set.Markdown
	var le *markdown.LinkError
	var he *markdown.RawHTMLError
	if errors.As(err, &he) {
		return r.rawValueErr(row, src, he)
	}
	if !errors.As(err, &le) {
		return r.rowErr(row, "", fmt.Errorf("render: %s: %w", t.Location(), err))
	}
	var col string
	for _, c := range t.Columns() {
		if strings.TrimSpace(row.Values[c]) != le.URL {
			continue
		}
		if col != "" {
			col = "" // several columns hold it (empty ones): which is the URL's is not known
			break
		}
		col = c
	}
	return r.rowErr(row, col, fmt.Errorf("render: %s: %w", campaign.ShownPath(t.File()), err))
}

// rawValueErr is the row problem of raw HTML in row's Markdown (he), src
// the Markdown the template made: the template's own is refused before
// any row (literalRawHTML), so a value marked raw brought it ("{{.intro |
// raw}}" holding "Line one<br>line two"), and every message of such rows
// would lose it unseen. It names the first column whose value holds it
// and stands in src as it is (a value not marked raw stands there
// escaped, "\<br\>"), else the first whose value holds it.
func (r *Renderer) rawValueErr(row campaign.Row, src []byte, he *markdown.RawHTMLError) error {
	col := rawColumn(r.set.Markdown.Columns(), row, src, he.HTML)
	return r.rowErr(row, col, fmt.Errorf("render: %s: %w; a value marked raw is Markdown: write it in Markdown there (a line break a backslash at the end of the line, \\< for a < that shows), or make the body an html: template", campaign.ShownPath(r.set.Markdown.File()), he))
}

// rawColumn is the column of cols whose value in row holds html and
// stands in src as it is, else the first whose value holds html ("" for
// none).
func rawColumn(cols []string, row campaign.Row, src []byte, html string) string {
	var first string
	for _, c := range cols {
		v := row.Values[c]
		if !strings.Contains(v, html) {
			continue
		}
		if bytes.Contains(src, []byte(v)) {
			return c
		}
		if first == "" {
			first = c
		}
	}
	return first
}
