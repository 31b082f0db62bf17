package templates

import (
	"strconv"
	"strings"
)

// besideText reports whether the action at pos of l's source (a node's
// Pos: inside its {{…}}) shares its source line with text a reader sees: anything but
// white space outside the line's {{…}} actions, or another action there
// that prints a word (printsWord), and in an HTML template outside its
// <…> tags too, and within the tags that break the line or set an
// element apart (htmlLine: a paragraph, a table cell, <br>).
// "Dear {{.name}}," and "{{.first}} {{.last}}" are beside text; a
// {{.note}} or <p>{{.note}}</p> line of its own is not: a blank there
// leaves an empty line or element, not a hole in a sentence. l's is a
// template's source as joinTrimmed gives it, so that the line is the one
// the message prints, and actionBreaks' lines.
func besideText(l *srcLines, pos int, html bool) bool {
	if pos < 0 || pos > len(l.src) {
		return true // not known: as if beside text
	}
	start, end := l.lineAround(pos, html)
	text := strings.ReplaceAll(otherActions(l.src[start:end], pos-start), string(filler), "")
	if html {
		text = cutBetween(text, "<", ">")
	}
	return strings.TrimSpace(text) != ""
}

// inTag reports whether the action at pos of the HTML source src stands
// within a tag (<a title="{{.name}}">, or an attribute on a line of its
// own of a tag written over several: <img⏎  alt="{{.name}}">): an
// attribute's value, which a reader does not read as the message's text.
// The nearest < or > before it, other actions skipped, tells.
func inTag(src string, pos int) bool {
	if pos < 0 || pos > len(src) {
		return false
	}
	before := src[:pos]
	if i := strings.LastIndex(before, "{{"); i >= 0 {
		before = before[:i]
	}
	for {
		j := strings.LastIndexAny(before, "<>}")
		if j < 0 {
			return false
		}
		switch {
		case before[j] == '<':
			return true
		case before[j] == '>':
			return false
		case j > 0 && before[j-1] == '}':
			if k := strings.LastIndex(before[:j-1], "{{"); k >= 0 {
				before = before[:k] // an action before it: {{if .x}}
				continue
			}
		}
		before = before[:j]
	}
}

// cutBetween is s without the spans from each open to the next close
// after it (the rest of s when there is none).
func cutBetween(s, open, close string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, open)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		j := strings.Index(s[i+len(open):], close)
		if j < 0 {
			return b.String()
		}
		s = s[i+len(open)+j+len(close):]
	}
}

// otherActions is line with its actions cut out, but for those that print
// a word (printsWord), each of which stands as a letter; the action
// around at, an offset in line, is cut.
func otherActions(line string, at int) string {
	var b strings.Builder
	off := 0
	for i, j := range actionSpans(line) {
		b.WriteString(line[off:i])
		if (at < i || at >= j) && printsWord(line[i+2:j]) {
			b.WriteByte('x')
		}
		off = j + 2
	}
	b.WriteString(beforeOpen(line[off:]))
	return b.String()
}

// breakTag reports whether tag, the text between a tag's < and >, opens
// or closes one of breakTags.
func breakTag(tag string) bool {
	name := strings.TrimPrefix(tag, "/")
	if end := strings.IndexFunc(name, func(r rune) bool { return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') }); end >= 0 {
		name = name[:end]
	}
	return breakTags[strings.ToLower(name)]
}

// breakTags are the HTML elements that set what stands either side of
// them on lines, or in boxes, of their own.
var breakTags = map[string]bool{
	"br": true, "p": true, "div": true, "li": true, "ul": true, "ol": true, "td": true, "th": true, "tr": true,
	"table": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "hr": true,
	"blockquote": true, "pre": true, "dt": true, "dd": true, "section": true, "header": true, "footer": true,
}

// printsWord reports whether an action whose text between its braces is
// body prints something a reader reads as a word: a field, a variable or
// a call ({{.last}}, {{upper .city}}), a string literal with more than
// white space. A comment, a declaration and the words of if, range, with,
// define, template, block and the rest print none.
func printsWord(body string) bool {
	body = untrimmed(body)
	if s, err := strconv.Unquote(body); err == nil {
		return strings.TrimSpace(s) != ""
	}
	words := strings.Fields(body)
	if len(words) == 0 || strings.HasPrefix(body, "/*") || len(words) > 1 && (words[1] == ":=" || words[1] == "=") {
		return false
	}
	switch words[0] {
	case "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue":
		return false
	}
	return true
}

// untrimmed is body, the text between an action's braces, without its
// trim markers and the spaces around what it does: "- .name -" is ".name".
func untrimmed(body string) string {
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(body, "- "), " -"))
}

// joinTrimmed is src with the white space a trim marker takes out ("{{- "
// before it, " -}}" after it) on one line: its line breaks written as
// spaces. A column the marker joins to the text of the line before or
// after ("Dear\n{{- " " -}}\n{{.name}}") stands on one line with it, as
// the message prints it. It is as long as src: a node's Pos holds.
func joinTrimmed(src string) string {
	b := []byte(src)
	for i := 0; i+4 <= len(b); i++ {
		switch {
		case string(b[i:i+3]) == "{{-" && isTrimSpace(b[i+3]):
			for j := i - 1; j >= 0 && isTrimSpace(b[j]); j-- {
				b[j] = ' '
			}
		case isTrimSpace(b[i]) && string(b[i+1:i+4]) == "-}}":
			for j := i + 4; j < len(b) && isTrimSpace(b[j]); j++ {
				b[j] = ' '
			}
		}
	}
	return string(b)
}

// isTrimSpace reports whether c is white space a trim marker takes out,
// as text/template's lexer has it.
func isTrimSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
