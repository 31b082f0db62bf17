package templates

import (
	"strings"
	"text/template/parse"
)

// Skeleton returns the text of a text template (the Markdown body) with
// every action that prints replaced by value, and the branches of an if,
// a range or a with written one after the other: the text every row's
// output is made around, for the checks that do not depend on the row
// (a link the template itself writes). An action that only declares or
// assigns a variable, and a comment, leave nothing. It is "" for an HTML
// template.
func (t *Template) Skeleton(value string) string {
	if t.text == nil || t.text.Tree == nil {
		return ""
	}
	var b strings.Builder
	writeSkeleton(&b, t.text.Tree.Root, value)
	return b.String()
}

// writeSkeleton writes the skeleton of n to b.
func writeSkeleton(b *strings.Builder, n parse.Node, value string) {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			writeSkeleton(b, c, value)
		}
	case *parse.TextNode:
		b.Write(n.Text)
	case *parse.ActionNode:
		if len(n.Pipe.Decl) == 0 {
			b.WriteString(value)
		}
	case *parse.TemplateNode:
		b.WriteString(value)
	case *parse.IfNode:
		writeSkeleton(b, n.List, value)
		writeSkeleton(b, n.ElseList, value)
	case *parse.RangeNode:
		writeSkeleton(b, n.List, value)
		writeSkeleton(b, n.ElseList, value)
	case *parse.WithNode:
		writeSkeleton(b, n.List, value)
		writeSkeleton(b, n.ElseList, value)
	}
}
