package templates

import (
	"strconv"
	"text/template/parse"
)

// colRef is one place a template names a sheet column.
type colRef struct {
	name string
	node parse.Node
	tree *parse.Tree
	// looped: a {{range}} loops over the column ({{range .Courses}});
	// item: the name is an item of a range's list (columnList).
	looped, item bool
}

// walker finds the sheet columns a template refers to by walking its parse
// trees: {{.col}}, {{$.col}} and {{index . "col"}} (with a string literal)
// while dot is the row. Inside range and with, dot is something else, so
// fields there are not columns; {{template "x" .}} walks "x" with the row.
// Columns reached only through variables ($r := .) are not found here; a
// missing one is then a row error at run time.
type walker struct {
	lookup  func(name string) *parse.Tree
	seen    map[string]bool
	refs    []colRef
	usesRow bool
	// wholeRow: the row itself is data somewhere ({{.}}, {{range $k, $v
	// := .}}, {{$r := .}}, {{index . $name}}), so every column may reach
	// the message.
	wholeRow bool
	// text is constant text (TextNode) seen while walking, for the check
	// that header templates hold no line breaks of their own.
	text []colRef
	// swapped are the calls of date whose arguments come the wrong way
	// round: a value first, a string literal second (its text in name).
	swapped []colRef
	// dated are the column references (FieldNode, VariableNode, the
	// StringNode of index) passed to date as its value: {{date "x" .due}},
	// {{.due | date "x"}}; datedAny: date gets a value that is neither a
	// column nor a literal ({{.due | trim | date "x"}}, {{date "x" $d}}),
	// which may be any column's.
	dated    []parse.Node
	datedAny bool
	// calls are the function calls, with the number of arguments each
	// gets (a pipeline's value counted), for the check of their number.
	calls []call
	tree  *parse.Tree
	// items are the column names the range being walked loops over
	// (columnList), each checked where {{index $ .}} reads it.
	items []*parse.StringNode
}

// call is a call of the function name with args arguments at node: the
// command, piped the value of the command before it (nil for none); dot
// tells whether dot is the row there.
type call struct {
	name  string
	args  int
	node  *parse.CommandNode
	piped *parse.CommandNode
	dot   bool
	tree  *parse.Tree
}

func (w *walker) walkTree(t *parse.Tree, dotIsRow bool) {
	if t == nil || t.Root == nil {
		return
	}
	prev := w.tree
	w.tree = t
	w.walk(t.Root, dotIsRow)
	w.tree = prev
}

// walk walks n, a node of a template's parse tree, dot telling whether
// the dot is the row there, gathering the columns it names (w.refs),
// its text and its calls.
func (w *walker) walk(n parse.Node, dot bool) {
	switch n := n.(type) {
	case nil:
	case *parse.ListNode:
		if n == nil {
			return
		}
		for _, c := range n.Nodes {
			w.walk(c, dot)
		}
	case *parse.TextNode:
		w.text = append(w.text, colRef{name: string(n.Text), node: n, tree: w.tree})
	case *parse.ActionNode:
		w.pipe(n.Pipe, dot)
	case *parse.IfNode:
		w.pipe(n.Pipe, dot)
		w.walk(n.List, dot)
		w.walk(n.ElseList, dot)
	case *parse.RangeNode:
		w.walkRange(n, dot)
	case *parse.WithNode:
		w.walkWith(n, dot)
	case *parse.TemplateNode:
		row := n.Pipe != nil && passesRow(n.Pipe, dot)
		if row {
			w.usesRow = true // {{template "x" .}} hands the row on: x is walked with it
		} else {
			w.pipe(n.Pipe, dot)
		}
		key := n.Name
		if row {
			key += "\x00row"
		}
		if w.seen[key] {
			return
		}
		w.seen[key] = true
		w.walkTree(w.lookup(n.Name), row)
	}
}

// walkRange walks a {{range}}: the columns its pipeline names are marked
// looped when it loops over a value ({{range .Courses}}), and its body,
// where the dot is the item, gets the range's list of column names
// (columnList) as w.items.
func (w *walker) walkRange(n *parse.RangeNode, dot bool) {
	from := len(w.refs)
	w.pipe(n.Pipe, dot)
	if loopsOverValue(n.Pipe) {
		for i := from; i < len(w.refs); i++ {
			w.refs[i].looped = true
		}
	}
	outer := w.items
	w.items = columnList(n.Pipe)
	w.walk(n.List, false)
	w.items = outer
	w.walk(n.ElseList, dot)
}

// walkWith walks a {{with}}: its body keeps the row as the dot when the
// pipeline passes it on (passesRow), and the loop's item when it is
// {{with .}}; any other value ends w.items there.
func (w *walker) walkWith(n *parse.WithNode, dot bool) {
	w.pipe(n.Pipe, dot)
	outer := w.items
	if !isDot(n.Pipe) {
		w.items = nil // {{with "x"}}: the dot is no longer the item
	}
	w.walk(n.List, dot && passesRow(n.Pipe, dot))
	w.items = outer
	w.walk(n.ElseList, dot)
}

// loopsOverValue reports whether p, a range's pipeline, is a value alone
// ({{range .Courses}}) or one split ({{range split ";" .Courses}}): a
// column named there is one the template takes for a list.
func loopsOverValue(p *parse.PipeNode) bool {
	if p == nil || len(p.Cmds) != 1 {
		return false
	}
	a := p.Cmds[0].Args
	return len(a) == 1 || len(a) == 3 && isIdent(a[0], "split")
}

// isDot reports whether pipe p is the dot alone: {{with .}}.
func isDot(p *parse.PipeNode) bool {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	_, ok := p.Cmds[0].Args[0].(*parse.DotNode)
	return ok
}

// passesRow reports whether pipe p evaluates to the row itself: "." while
// dot is the row, or "$" (givesRow of a walk that follows only calls
// given the row, where $ is always the row).
func passesRow(p *parse.PipeNode, dot bool) bool { return givesRow(p, dot, true) }

func (w *walker) pipe(p *parse.PipeNode, dot bool) {
	if p == nil {
		return
	}
	for i, c := range p.Cmds {
		if i > 0 && len(c.Args) == 2 && isIdent(c.Args[0], "date") {
			prev := p.Cmds[i-1]
			if len(prev.Args) != 1 {
				w.datedAny = true // {{.due | trim | date "x"}}
			} else {
				w.datedArg(prev.Args[0], dot) // {{.due | date "x"}}
			}
		}
		if id, ok := c.Args[0].(*parse.IdentifierNode); ok {
			cl := call{name: id.Ident, args: len(c.Args) - 1, node: c, dot: dot, tree: w.tree}
			if i > 0 {
				cl.args++ // the value piped in comes last
				cl.piped = p.Cmds[i-1]
			}
			w.calls = append(w.calls, cl)
		}
		w.cmd(c, dot)
	}
}

// datedArg notes n, the value passed to date: a column (.due, $.due or
// (index . "Due Date")), a literal, or anything else (datedAny).
func (w *walker) datedArg(n parse.Node, dot bool) {
	switch a := n.(type) {
	case *parse.StringNode:
		return
	case *parse.PipeNode:
		if len(a.Decl) == 0 && len(a.Cmds) == 1 && len(a.Cmds[0].Args) == 3 && isIdent(a.Cmds[0].Args[0], "index") && isRow(a.Cmds[0].Args[1], dot) {
			if s, ok := a.Cmds[0].Args[2].(*parse.StringNode); ok {
				w.dated = append(w.dated, s)
				return
			}
		}
	case *parse.FieldNode:
		if dot && len(a.Ident) == 1 {
			w.dated = append(w.dated, a)
			return
		}
	case *parse.VariableNode:
		if a.Ident[0] == "$" && len(a.Ident) == 2 {
			w.dated = append(w.dated, a)
			return
		}
	}
	w.datedAny = true
}

// isIdent reports whether n is the function name name.
func isIdent(n parse.Node, name string) bool {
	id, ok := n.(*parse.IdentifierNode)
	return ok && id.Ident == name
}

func (w *walker) cmd(c *parse.CommandNode, dot bool) {
	if !dot && isItemColumn(c) {
		for _, it := range w.items {
			w.refs = append(w.refs, colRef{name: it.Text, node: it, tree: w.tree, item: true})
		}
	}
	if len(c.Args) == 3 && isIdent(c.Args[0], "date") {
		w.datedArg(c.Args[2], dot) // {{date "x" .due}}
	}
	if len(c.Args) == 3 {
		id, _ := c.Args[0].(*parse.IdentifierNode)
		s, literal := c.Args[2].(*parse.StringNode)
		switch {
		case id == nil || !literal:
		case id.Ident == "index" && isRow(c.Args[1], dot):
			w.usesRow = true
			w.refs = append(w.refs, colRef{name: s.Text, node: s, tree: w.tree})
			return // the row here is no data of its own
		case id.Ident == "date" && isValue(c.Args[1]) && !isDate(s.Text): // a date literal second is a value
			w.swapped = append(w.swapped, colRef{name: s.Text, node: c, tree: w.tree})
		}
	}
	for _, a := range c.Args {
		w.arg(a, dot)
	}
}

// isValue reports whether n is data rather than a layout: a field, a
// variable or a pipeline ({{date .due "2 Jan"}} passes the value first).
func isValue(n parse.Node) bool {
	switch n.(type) {
	case *parse.FieldNode, *parse.VariableNode, *parse.ChainNode, *parse.PipeNode, *parse.DotNode:
		return true
	}
	return false
}

func isRow(n parse.Node, dot bool) bool {
	switch a := n.(type) {
	case *parse.DotNode:
		return dot
	case *parse.VariableNode:
		return len(a.Ident) == 1 && a.Ident[0] == "$"
	}
	return false
}

func (w *walker) arg(n parse.Node, dot bool) {
	switch a := n.(type) {
	case *parse.FieldNode:
		if dot {
			w.usesRow = true
			w.refs = append(w.refs, colRef{name: a.Ident[0], node: a, tree: w.tree})
		}
	case *parse.DotNode:
		if dot {
			w.usesRow, w.wholeRow = true, true
		}
	case *parse.VariableNode:
		if a.Ident[0] == "$" {
			w.usesRow = true
			if len(a.Ident) > 1 {
				w.refs = append(w.refs, colRef{name: a.Ident[1], node: a, tree: w.tree})
			} else {
				w.wholeRow = true
			}
		}
	case *parse.ChainNode:
		w.arg(a.Node, dot)
	case *parse.PipeNode:
		w.pipe(a, dot)
	}
}

// rename makes the column reference n, found by the walker, name column:
// a template that wrote a column's Identifier ({{.First_Name}}) then reads
// the row's value under its header text ("First Name").
func rename(n parse.Node, column string) {
	switch a := n.(type) {
	case *parse.FieldNode:
		a.Ident[0] = column
	case *parse.VariableNode:
		a.Ident[1] = column
	case *parse.StringNode:
		a.Text, a.Quoted = column, strconv.Quote(column)
	}
}
