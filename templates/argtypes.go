package templates

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"text/template/parse"

	"github.com/tidings/tidings/campaign"
)

// ErrFuncArgType: a call of one of tidings' functions with an argument of
// a type it cannot take ({{upper 3}}, {{join .name ","}}), which
// text/template finds only when it runs: on every row.
var ErrFuncArgType = errors.New("wrong type of argument")

// The types the type check knows a value to have.
var (
	textType   = reflect.TypeFor[string]()
	rowType    = reflect.TypeFor[map[string]string]()
	numberType = reflect.TypeFor[int]()
	truthType  = reflect.TypeFor[bool]()
	rawType    = reflect.TypeFor[rawMarkdown]()
)

// builtinResults are the types of what text/template's builtins (and a
// Markdown body's raw) give, those whose result's type does not depend on
// their arguments' ("and", "or" and "index" do).
var builtinResults = map[string]reflect.Type{
	"len": numberType,
	"not": truthType, "eq": truthType, "ne": truthType, "lt": truthType, "le": truthType, "gt": truthType, "ge": truthType,
	"print": textType, "printf": textType, "println": textType, "urlquery": textType, "html": textType, "js": textType,
	"raw": rawType,
}

// operand is what the type check knows of a value before the template
// runs: its Go type, or for a constant other than a string (a number,
// true, false, nil) its text. Neither set: only running can tell (a
// variable, a builtin's result).
type operand struct {
	typ      reflect.Type
	constant parse.Node
}

// checkArgTypes reports the calls of tidings' functions whose arguments
// text/template would refuse on every row, at their line, once per
// template. Only what is certain before running counts: a column
// ({{.name}} while dot is the row) is text, as is a quoted string, and a
// call of a tidings function gives its result's type; a variable or a
// builtin's result is left to the run. calls with the wrong number of
// arguments were reported already and are left out.
func (cp *compiler) checkArgTypes(t *Template, calls []call) {
	fm := funcs(cp.c.Recipients)
	for _, c := range calls {
		fn, mine := fm[c.name]
		if !mine {
			continue
		}
		ft := reflect.TypeOf(fn)
		if least, most, _ := arity(fm, c.name); c.args < least || most >= 0 && c.args > most {
			continue
		}
		if msg := badArgument(ft, c, fm); msg != "" {
			cp.errs = append(cp.errs, &campaign.FileError{
				File: t.file, Line: cp.line(t, c.node),
				Err: fmt.Errorf("templates: %s: {{%s}}: %w: %s; tidings help templates shows each function",
					t.name, c.node, ErrFuncArgType, msg),
			})
		}
	}
}

// badArgument says why c, a call of the function of type ft, fails
// whatever the row; "" when it may not.
func badArgument(ft reflect.Type, c call, fm map[string]any) string {
	names := strings.Fields(usage(c.name))
	for i, a := range c.node.Args[1:] {
		if why := refused(paramType(ft, i), operandOf(a, c.dot, fm)); why != "" {
			return fmt.Sprintf("%s takes %s as %s; %s is %s", usage(c.name), describe(paramType(ft, i)), paramName(names, i), written(a), why)
		}
	}
	if c.piped == nil {
		return ""
	}
	last := c.args - 1
	if why := refused(paramType(ft, last), commandResult(c.piped, c.dot, fm)); why != "" {
		return fmt.Sprintf("%s takes %s as %s; the value piped in, %s, is %s", usage(c.name), describe(paramType(ft, last)), paramName(names, last), c.piped, why)
	}
	return ""
}

// refused says what the value o is when text/template would not pass it
// as a parameter of type pt ("a number"), "" when it would or it cannot
// tell. It follows text/template's rules: a constant other than a string
// converts only to a number or bool parameter (nil to a slice too); a
// value must be assignable to the parameter.
func refused(pt reflect.Type, o operand) string {
	if pt.Kind() == reflect.Interface {
		return ""
	}
	switch o.constant.(type) {
	case *parse.NumberNode:
		if pt.Kind() == reflect.String || pt.Kind() == reflect.Slice {
			return "a number"
		}
	case *parse.BoolNode:
		if pt.Kind() == reflect.String || pt.Kind() == reflect.Slice {
			return "true or false"
		}
	case *parse.NilNode:
		if pt.Kind() == reflect.String {
			return "nil"
		}
	case nil:
		if o.typ != nil && !o.typ.AssignableTo(pt) {
			return describe(o.typ)
		}
	}
	return ""
}

// operandOf is what is known of the argument n, a node of a command;
// dot tells whether dot is the row.
func operandOf(n parse.Node, dot bool, fm map[string]any) operand {
	switch a := n.(type) {
	case *parse.StringNode:
		return operand{typ: textType}
	case *parse.NumberNode, *parse.BoolNode, *parse.NilNode:
		return operand{constant: a}
	case *parse.FieldNode:
		if dot && len(a.Ident) == 1 {
			return operand{typ: textType}
		}
	case *parse.DotNode:
		if dot {
			return operand{typ: rowType}
		}
	case *parse.PipeNode:
		if len(a.Decl) == 0 && len(a.Cmds) == 1 {
			return commandResult(a.Cmds[0], dot, fm)
		}
	}
	return operand{}
}

// commandResult is what is known of the value of command c: a tidings
// function's or a builtin's result type (builtinResults), or the value of
// a lone operand.
func commandResult(c *parse.CommandNode, dot bool, fm map[string]any) operand {
	if id, ok := c.Args[0].(*parse.IdentifierNode); ok {
		if fn, mine := fm[id.Ident]; mine {
			return operand{typ: reflect.TypeOf(fn).Out(0)}
		}
		return operand{typ: builtinResults[id.Ident]}
	}
	if len(c.Args) == 1 {
		return operandOf(c.Args[0], dot, fm)
	}
	return operand{}
}

// written is argument n as the template writes it: a pipeline in its
// parentheses.
func written(n parse.Node) string {
	if p, ok := n.(*parse.PipeNode); ok {
		return "(" + p.String() + ")"
	}
	return n.String()
}

// paramType is the type of the function's parameter i (a variadic's
// element for those past its last).
func paramType(ft reflect.Type, i int) reflect.Type {
	if ft.IsVariadic() && i >= ft.NumIn()-1 {
		return ft.In(ft.NumIn() - 1).Elem()
	}
	return ft.In(i)
}

// paramName is the name help.txt gives parameter i (usage's words after
// the function's name), or its position when help has none.
func paramName(usageWords []string, i int) string {
	if i+1 < len(usageWords) {
		return usageWords[i+1]
	}
	return fmt.Sprintf("argument %d", i+1)
}

// describe names a type as the help text speaks of it.
func describe(t reflect.Type) string {
	switch {
	case t == textType:
		return "text"
	case t == rowType:
		return "the whole row"
	case t.Kind() == reflect.Slice && t.Elem() == textType:
		return "a list (split gives one)"
	case t == numberType:
		return "a number"
	case t == truthType:
		return "true or false"
	case t == rawType:
		return "raw Markdown (raw gives it: put raw last)"
	}
	return t.String()
}
