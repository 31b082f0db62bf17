package templates

import "text/template/parse"

// FieldsOnly says whether the template is only text and columns printed
// as they are ({{.First}} {{.Last}} <{{.E_Mail}}>): no function, no
// branch, no variable, so every row's output is made the same way. It is
// false for an HTML template.
func (t *Template) FieldsOnly() bool {
	if t.text == nil || t.text.Tree == nil {
		return false
	}
	for _, n := range t.text.Tree.Root.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
		case *parse.ActionNode:
			if !printsField(n.Pipe) {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// printsField says whether p is one field of dot, unchanged (.Name).
func printsField(p *parse.PipeNode) bool {
	if len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	f, ok := p.Cmds[0].Args[0].(*parse.FieldNode)
	return ok && len(f.Ident) == 1
}
