package templates

import (
	"fmt"
	"text/template/parse"

	"github.com/tidings/tidings/campaign"
)

// comparisons are text/template's builtins that refuse to compare values
// of two kinds (text with a number: "incompatible types for comparison").
var comparisons = map[string]bool{"eq": true, "ne": true, "lt": true, "le": true, "gt": true, "ge": true}

// checkComparisons reports the comparisons that text/template would
// refuse on every row, text with a number or with true or false ({{if ge
// .score 50}}: a column is text), at their line, once per template,
// rather than as a problem of every row. eq compares its first value
// with each other; the rest compare their two. Calls with the wrong
// number of arguments were reported already and are left out.
func (cp *compiler) checkComparisons(t *Template, calls []call) {
	fm := funcs(cp.c.Recipients)
	for _, c := range calls {
		if _, mine := fm[c.name]; mine || !comparisons[c.name] {
			continue
		}
		if least, most, _ := arity(fm, c.name); c.args < least || most >= 0 && c.args > most {
			continue
		}
		if msg := badComparison(c, fm); msg != "" {
			cp.errs = append(cp.errs, &campaign.FileError{
				File: t.file, Line: cp.line(t, c.node),
				Err: fmt.Errorf("templates: %s: {{%s}}: %w: %s", t.name, c.node, ErrFuncArgType, msg),
			})
		}
	}
}

// badComparison says why c, a comparison, fails whatever the row: its
// first value and another are text and a number (or true or false); ""
// when it may not.
func badComparison(c call, fm map[string]any) string {
	type value struct {
		written, kind string
		column        bool
	}
	var vals []value
	for _, a := range c.node.Args[1:] {
		vals = append(vals, value{written(a), operandKind(operandOf(a, c.dot, fm)), isColumn(a, c.dot)})
	}
	if p := c.piped; p != nil {
		vals = append(vals, value{"the value piped in, " + p.String() + ",", operandKind(commandResult(p, c.dot, fm)), len(p.Args) == 1 && isColumn(p.Args[0], c.dot)})
	}
	first := vals[0]
	for _, v := range vals[1:] {
		text, other := first, v
		if v.kind == "text" {
			text, other = v, first
		}
		if text.kind != "text" || other.kind == "" || other.kind == "text" {
			continue
		}
		column := ""
		if text.column {
			column = " (a column always is)"
		}
		return fmt.Sprintf("%s compares values of one kind, and %s is text%s where %s is %s; quoted (\"50\"), a value compares as text, in text order (\"100\" before \"50\"): to compare amounts, let the sheet compute a column to test ({{if eq .passed \"yes\"}})",
			c.name, text.written, column, other.written, other.kind)
	}
	return ""
}

// isColumn reports whether n, an argument, is a column of the row
// (rowColumn).
func isColumn(n parse.Node, dot bool) bool {
	_, ok := rowColumn(n, dot)
	return ok
}

// rowColumn reports whether n, an argument, reads a column of the row:
// {{.score}} while dot is the row, {{$.score}} anywhere, alone or in
// parentheses, or the row indexed, (index . "Final score") or, in a loop
// over column names, (index $ .). name is the column as the template
// writes it; "" where it does not ((index $ .)).
func rowColumn(n parse.Node, dot bool) (name string, ok bool) {
	if p, pipe := n.(*parse.PipeNode); pipe && len(p.Decl) == 0 && len(p.Cmds) == 1 {
		a := p.Cmds[0].Args
		if len(a) == 3 && isIdent(a[0], "index") && isRow(a[1], dot) {
			if s, text := a[2].(*parse.StringNode); text {
				return s.Text, true
			}
			return "", true
		}
		if len(a) == 1 {
			n = a[0]
		}
	}
	switch a := n.(type) {
	case *parse.FieldNode:
		if dot && len(a.Ident) == 1 {
			return a.Ident[0], true
		}
	case *parse.VariableNode:
		if len(a.Ident) == 2 && a.Ident[0] == "$" {
			return a.Ident[1], true
		}
	}
	return "", false
}

// operandKind is what o is as a comparison sees it: "text", "a number",
// "true or false", or "" when only running can tell (or it is neither).
func operandKind(o operand) string {
	switch o.constant.(type) {
	case *parse.NumberNode:
		return "a number"
	case *parse.BoolNode:
		return "true or false"
	}
	switch o.typ {
	case textType:
		return "text"
	case numberType:
		return "a number"
	case truthType:
		return "true or false"
	}
	return ""
}
