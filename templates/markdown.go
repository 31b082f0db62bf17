package templates

import (
	"fmt"
	"path/filepath"
	"strings"
	texttemplate "text/template"
	"text/template/parse"

	"github.com/tidings/tidings/campaign"
)

// escapeFunc is the name under which the Markdown escaper is called at the
// end of every output action of a Markdown template. It is no identifier a
// template author would write.
const escapeFunc = "_tidings_markdown_escape"

// rawMarkdown is a value the template marks as Markdown with raw: the
// escaper lets it through as it is.
type rawMarkdown string

// markdownFuncs are the functions of a Markdown template: templateFuncs,
// raw, and the escaper the compiler adds to every output action.
func markdownFuncs(r campaign.Recipients, maxSize int64) map[string]any {
	fm := templateFuncs(r, maxSize)
	fm["raw"] = func(s string) rawMarkdown { return rawMarkdown(s) }
	fm[escapeFunc] = escapeValue
	return fm
}

// escapeValue is the escaper of Markdown templates: the value an action
// prints (a string, or anything else as text/template prints it) as
// Markdown that reads as the value itself, except a raw value.
func escapeValue(args ...any) string {
	if len(args) == 1 {
		switch v := args[0].(type) {
		case string:
			return EscapeMarkdown(v)
		case rawMarkdown:
			return string(v)
		}
	}
	return EscapeMarkdown(fmt.Sprint(args...))
}

// EscapeMarkdown returns s written as Markdown (CommonMark with tables and
// autolinks) whose rendering is the text s, wherever in a line or a block
// it stands, except in a code span, a code block or an <autolink>, which
// show backslash escapes as they are:
//
//   - every ASCII punctuation character gets a backslash before it (any
//     of them may be escaped, CommonMark 2.4), so no value opens
//     emphasis, a link, a code span, raw HTML, an entity, a table cell, a
//     list, a heading or a quote, and no URL or address in it becomes a
//     link; a backslash itself is written &#92;, since goldmark takes a
//     backslash after an escaped one for an escape (a\\\ before a line
//     break is no hard break there);
//   - the spaces and tabs that start or end one of its lines are written
//     as character references (&#32;, &#9;), so they make no code block
//     and no hard line break (and a URL with spaces around it still
//     makes a link);
//   - line breaks inside it are hard line breaks (a backslash at the end
//     of the line), so a value never starts a block of its own; line
//     breaks at either end are dropped. A heading or a table row is one
//     line, so a line break in a value there ends it (the rest is text).
func EscapeMarkdown(s string) string {
	if !needsEscape(s) {
		return s
	}
	s = strings.Trim(s, "\r\n")
	var b strings.Builder
	b.Grow(len(s) + len(s)/4 + 8)
	for i := 0; ; i++ {
		end := strings.IndexAny(s, "\r\n")
		line := s
		if end >= 0 {
			line = s[:end]
		}
		if i > 0 {
			b.WriteString("\\\n")
		}
		writeEscapedLine(&b, line)
		if end < 0 {
			return b.String()
		}
		if s[end] == '\r' && end+1 < len(s) && s[end+1] == '\n' {
			end++
		}
		s = s[end+1:]
	}
}

// writeEscapedLine writes one line of a value (no line break in it) for
// EscapeMarkdown.
func writeEscapedLine(b *strings.Builder, line string) {
	first := len(line) - len(strings.TrimLeft(line, " \t")) // the spaces before it
	last := len(strings.TrimRight(line, " \t"))             // and from where they end it
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case (c == ' ' || c == '\t') && (i < first || i >= last), c == '\\':
			fmt.Fprintf(b, "&#%d;", c)
		case isASCIIPunct(c):
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
}

// needsEscape reports whether EscapeMarkdown changes s.
func needsEscape(s string) bool {
	if s == "" {
		return false
	}
	if c := s[0]; c == ' ' || c == '\t' {
		return true
	}
	if c := s[len(s)-1]; c == ' ' || c == '\t' {
		return true
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '\r' || c == '\n' || isASCIIPunct(c) {
			return true
		}
	}
	return false
}

// isASCIIPunct reports whether c is ASCII punctuation (CommonMark 2.1):
// the characters a backslash escapes.
func isASCIIPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

// markdown compiles the Markdown body template at path: a text/template
// whose every output action is escaped with EscapeMarkdown (see
// escapeActions).
func (cp *compiler) markdown(key, path string) *Template {
	if path == "" {
		return nil
	}
	t := cp.readFile(key, path)
	if t == nil {
		return nil
	}
	cp.checkBodyHeaders(t)
	fm := markdownFuncs(cp.c.Recipients, t.max)
	tt, err := texttemplate.New(filepath.Base(path)).Option("missingkey=error").Funcs(fm).Parse(t.source)
	if err != nil {
		cp.noteParseError(t, err, markdownFuncs(cp.c.Recipients, t.max))
		return nil
	}
	t.text = tt
	cp.walk(t, func(n string) *parse.Tree {
		if x := tt.Lookup(n); x != nil {
			return x.Tree
		}
		return nil
	}, tt.Tree)
	for _, x := range tt.Templates() {
		if x.Tree != nil {
			escapeActions(x.Tree.Root)
		}
	}
	t.again = newRerun(fm, tt, nil, textRoots(tt))
	return t
}

// escapeActions appends the escaper to the pipeline of every action under
// n that prints, as html/template does with its own escapers: whatever a
// pipeline makes of the row ({{.name}}, {{.name | upper}}, {{printf "%s"
// .a}}) is escaped once, at the end. Actions that only declare or assign
// a variable print nothing and are left alone. text/template has no
// contextual escaping of its own, hence this pass.
func escapeActions(n parse.Node) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			escapeActions(c)
		}
	case *parse.ActionNode:
		if len(n.Pipe.Decl) > 0 {
			return
		}
		id := parse.NewIdentifier(escapeFunc).SetTree(nil).SetPos(n.Pos)
		n.Pipe.Cmds = append(n.Pipe.Cmds, &parse.CommandNode{NodeType: parse.NodeCommand, Pos: n.Pos, Args: []parse.Node{id}})
	case *parse.IfNode:
		escapeActions(n.List)
		escapeActions(n.ElseList)
	case *parse.RangeNode:
		escapeActions(n.List)
		escapeActions(n.ElseList)
	case *parse.WithNode:
		escapeActions(n.List)
		escapeActions(n.ElseList)
	}
}
