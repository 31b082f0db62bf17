package templates

import (
	"strings"
	"text/template/parse"
)

// LeadingText is the text a text template writes before its first
// action (or comment), the same on every row: "http://acme.example/u?id="
// for http://acme.example/u?id={{.id}}; "" when it starts with an action,
// and for an HTML template.
func (t *Template) LeadingText() string {
	if t.text == nil || t.text.Tree == nil || t.text.Tree.Root == nil {
		return ""
	}
	var b strings.Builder
	for _, n := range t.text.Tree.Root.Nodes {
		tn, ok := n.(*parse.TextNode)
		if !ok {
			break
		}
		b.Write(tn.Text)
	}
	return b.String()
}
