package templates

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/tidings/tidings/campaign"
)

// ErrFuncArgs: a call of a template function with too many or too few
// arguments, which text/template finds only when it runs: on every row.
var ErrFuncArgs = errors.New("wrong number of arguments")

// checkCalls reports the calls of tidings' functions and of the builtins
// whose number of arguments does not fit the function ({{default .name}}:
// default takes the default and the value; {{printf}}, {{eq .x}}), at
// their line, once per template, rather than as a problem of every row.
func (cp *compiler) checkCalls(t *Template, calls []call) {
	fm := funcs(cp.c.Recipients)
	for _, c := range calls {
		least, most, ok := arity(fm, c.name)
		if !ok || c.args >= least && (most < 0 || c.args <= most) {
			continue
		}
		takes := fmt.Sprint(least)
		switch {
		case most < 0:
			takes = fmt.Sprintf("at least %d", least)
		case most != least:
			takes = fmt.Sprintf("%d to %d", least, most)
		}
		cp.errs = append(cp.errs, &campaign.FileError{
			File: t.file, Line: cp.line(t, c.node),
			Err: fmt.Errorf("templates: %s: {{%s}}: %w: %s takes %s, this call gives %d%s; tidings help templates shows each function",
				t.name, c.node, ErrFuncArgs, usage(c.name), takes, c.args, cp.argsHint(c)),
		})
	}
}

// argsHint is what checkCalls adds to its error for c, a call with the
// wrong number of arguments: when c has none and a column has the
// function's name ({{title}} where the sheet has a title column), the
// column it likely means (columnHint); else that a piped value counts.
func (cp *compiler) argsHint(c call) string {
	if c.args == 0 {
		if hint := cp.columnHint(c.name); hint != "" {
			return hint
		}
	}
	return " (a value piped in with | counts as the last)"
}

// builtinArity is how many arguments text/template's builtins take (most
// -1: any more), those whose count it checks only as it runs.
var builtinArity = map[string][2]int{
	"not": {1, 1}, "len": {1, 1}, "index": {1, -1}, "slice": {1, -1}, "printf": {1, -1}, "call": {1, -1},
	"and": {1, -1}, "or": {1, -1}, "eq": {2, -1}, "ne": {2, 2}, "lt": {2, 2}, "le": {2, 2}, "gt": {2, 2}, "ge": {2, 2},
}

// arity is how many arguments the function name of fm, or the builtin,
// takes: least and most (-1: any more); ok is false for a name neither
// knows.
func arity(fm map[string]any, name string) (least, most int, ok bool) {
	if fn, mine := fm[name]; mine {
		ft := reflect.TypeOf(fn)
		if ft.IsVariadic() {
			return ft.NumIn() - 1, -1, true
		}
		return ft.NumIn(), ft.NumIn(), true
	}
	if a, builtin := builtinArity[name]; builtin {
		return a[0], a[1], true
	}
	return 0, 0, false
}

// usage is the function's use as help.txt gives it ("default DEF
// VALUE"), its name alone when help.txt has no line for it.
func usage(name string) string {
	for line := range strings.Lines(Help) {
		if strings.HasPrefix(line, "  "+name+" ") {
			use, _, _ := strings.Cut(strings.TrimSpace(line), "  ")
			return use
		}
	}
	return name
}
