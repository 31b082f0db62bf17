package templates

import (
	"fmt"
	"reflect"
	"strings"
	"text/template/parse"

	"github.com/tidings/tidings/campaign"
)

// templateFuncs are the functions every template runs with: funcs, and
// printf in place of text/template's own (see printf); those that can
// return more than they are given fail past maxSize bytes
// (resultCap.capResults), a template's max_message_size.
func templateFuncs(r campaign.Recipients, maxSize int64) map[string]any {
	fm := funcs(r)
	fm["printf"] = printf
	resultCap{max: maxSize}.capResults(fm)
	return fm
}

// printf is text/template's printf (fmt.Sprintf), except that a format
// that does not fit its values, where fmt would write a marker such as
// %!d(string=Ann), %!s(MISSING), %!(EXTRA …) or, for a * given a width
// or precision fmt refuses, %!(BADWIDTH) or %!(BADPREC), into the
// message, is an error: the row fails instead of a customer reading the
// marker. The values' own text ("100%!", "%!(BADWIDTH)") is no marker:
// the format is read again, with the values (checkFormat), only when the
// output holds a "%!".
func printf(format string, values ...any) (string, error) {
	s := fmt.Sprintf(format, values...)
	if !strings.Contains(s, "%!") {
		return s, nil
	}
	vals := make([]printfValue, len(values))
	for i, v := range values {
		vals[i] = printfValue{typ: reflect.TypeOf(v), known: true, name: quoteValue(v), value: reflect.ValueOf(v)}
	}
	if f := checkFormat(format, vals); f != nil {
		return "", fmt.Errorf("templates: printf: %w: %s", f.kind, f.msg)
	}
	return s, nil
}

// quoteValue is how a row's problem names a value printf got: quoted
// text, cut after 40 characters.
func quoteValue(v any) string {
	s, ok := v.(string)
	if !ok {
		return fmt.Sprintf("the value %v", v)
	}
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return fmt.Sprintf("the value %q", s)
}

// checkPrintf reports the calls of printf whose format, a quoted string,
// does not fit the values after it whatever the row ({{printf "%d"
// .name}}: a column is text; {{printf "%s %s" .a}}; {{printf "%z" .a}}),
// at their line, once per template: the checks go vet makes of a Go
// printf, with the types argtypes knows before running. Values whose
// type only running tells (a variable, index) still count; printf
// refuses the rest as the row runs.
func (cp *compiler) checkPrintf(t *Template, calls []call) {
	fm := funcs(cp.c.Recipients)
	for _, c := range calls {
		if c.name != "printf" || len(c.node.Args) < 2 {
			continue
		}
		format, ok := c.node.Args[1].(*parse.StringNode)
		if !ok {
			continue
		}
		f := checkFormat(format.Text, printfValues(c, fm))
		if f == nil {
			continue
		}
		if f.kind == ErrFuncArgs {
			f.msg += " (a value piped in with | counts as the last)"
		}
		cp.errs = append(cp.errs, &campaign.FileError{
			File: t.file, Line: cp.line(t, c.node),
			Err: fmt.Errorf("templates: %s: {{%s}}: %w: %s; tidings help templates shows printf's verbs", t.name, c.node, f.kind, f.msg),
		})
	}
}

// printfValues are what is known of the values c, a call of printf,
// passes after its format: the piped one last.
func printfValues(c call, fm map[string]any) []printfValue {
	var vals []printfValue
	for _, a := range c.node.Args[2:] {
		_, field := a.(*parse.FieldNode)
		vals = append(vals, known(operandOf(a, c.dot, fm), written(a), field))
	}
	if c.piped != nil {
		_, field := c.piped.Args[0].(*parse.FieldNode)
		vals = append(vals, known(commandResult(c.piped, c.dot, fm), "the value piped in, "+c.piped.String()+",", field && len(c.piped.Args) == 1))
	}
	return vals
}

// known is the printfValue of operand o, written name; field tells
// whether it is written as a field (a column when its type is text).
func known(o operand, name string, field bool) printfValue {
	v := printfValue{typ: o.typ, known: o.typ != nil, name: name, column: field && o.typ == textType}
	switch n := o.constant.(type) {
	case *parse.NumberNode:
		v.typ = constantType(n)
		v.known = v.typ != nil
		if n.IsInt && v.typ == numberType {
			v.value = reflect.ValueOf(n.Int64)
		}
	case *parse.BoolNode:
		v.typ, v.known = truthType, true
	case *parse.NilNode:
		v.typ, v.known = nil, true
	}
	return v
}
