package templates

import "text/template/parse"

// loopColumnsHint is the hint for a {{range}} over a column the sheet
// has not ({{range .Courses}}): a row has no lists, and how to print
// several of its columns alike.
const loopColumnsHint = `; a row is one message and each of its columns one value, so a template has no list of a row's courses or items to loop over: to print several columns alike (a student's grades, a column each), loop over their names, {{range split ";" "Maths;Physics"}}{{.}}: {{index $ .}}{{end}}, where {{.}} is the name and {{index $ .}} the row's value in that column`

// columnList is the list of column names a {{range}} loops over when its
// pipeline splits text written in the template, {{range split ";"
// "Fizyka;Ekonomia"}}: the way to print several columns alike (a
// student's courses, one column each, in a table). Each item is given as
// the string node that holds it, for its line; nil for any other range,
// or one that names its item in a variable.
func columnList(p *parse.PipeNode) []*parse.StringNode {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 3 || !isIdent(p.Cmds[0].Args[0], "split") {
		return nil
	}
	sep, ok1 := p.Cmds[0].Args[1].(*parse.StringNode)
	list, ok2 := p.Cmds[0].Args[2].(*parse.StringNode)
	if !ok1 || !ok2 {
		return nil
	}
	var items []*parse.StringNode
	for _, name := range fnSplit(sep.Text, list.Text) {
		items = append(items, &parse.StringNode{NodeType: parse.NodeString, Pos: list.Pos, Quoted: list.Quoted, Text: name})
	}
	return items
}

// isItemColumn reports whether c reads the row's column the loop's item
// names, {{index $ .}} within a range over columnList's items.
func isItemColumn(c *parse.CommandNode) bool {
	if len(c.Args) != 3 || !isIdent(c.Args[0], "index") {
		return false
	}
	v, ok := c.Args[1].(*parse.VariableNode)
	_, item := c.Args[2].(*parse.DotNode)
	return ok && len(v.Ident) == 1 && v.Ident[0] == "$" && item
}
