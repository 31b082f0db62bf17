package templates

import (
	"errors"
	htmltemplate "html/template"
	"io"
	"maps"
	"strings"
	"sync"
	texttemplate "text/template"
	"text/template/parse"

	"github.com/tidings/tidings/campaign"
)

// A template stops at the first function that returns an error, so a
// row with two bad cells in one template would be told one a round. To
// tell them all, a row whose execution failed is executed again (the
// row's lot only: a row that renders pays nothing) with functions that
// record instead of stopping: run k gives the first k failing calls a
// placeholder (failedValue) and stops at call k+1, whose error, as
// text/template words it (action, line), is the row's next problem. The
// functions are pure, so every run fails at the same calls.
//
// Only calls that fail because of a cell's value are passed over: number,
// date, address and printf. A template bug or the output cap
// (ErrOutputTooLarge) ends the gathering, and is told only when it is the
// first failure (a later one may be the placeholder's doing). A call
// given a placeholder returns one and fails no more, so a failed value
// piped on is told once. A template whose condition ({{if}}, {{with}},
// {{range}}, a {{template}}'s data) reads a function's result, directly
// or through a variable, is not executed again: which branch a failed
// value would take is unknown, and the problems of a branch the row may
// never take would be told. The row is a row with problems whatever a
// run gives: no placeholder reaches a message.

// maxRunsPerRow bounds the runs one template makes for a row: at most
// this many problems after the first are told.
const maxRunsPerRow = 20

// failedValue is what a passed-over call returns: text no cell holds (a
// NUL is a row problem of its own), so a call given it knows it. It is
// NULs only, so that what a function makes of it (slice, upper, a
// printf's padding) still holds a NUL: a cell function given "tidi", a
// slice of words, would fail as no cell does.
const failedValue = "\x00\x00\x00\x00\x00\x00\x00\x00"

// cellFunc reports whether the function name fails because of the value
// it is given, so that a row's later calls are worth executing.
func cellFunc(name string) bool {
	switch name {
	case "number", "date", "address", "printf":
		return true
	}
	return false
}

// rerun is how a template executes a row again to tell all of its
// failing calls; nil for a template that is not (see above).
type rerun struct {
	fm   map[string]any         // the functions the template was compiled with
	text *texttemplate.Template // the template, for a text template
	html *htmltemplate.Template // a clone never executed, for an HTML one
	runs sync.Pool              // *execution, kept for the next row
}

// execution is one execution state of a rerun: its own copy of the
// template, whose functions report to rec. It serves one row at a time.
type execution struct {
	rec  *recorder
	text *texttemplate.Template
	html *htmltemplate.Template
}

// recorder counts the failing calls of one execution: those up to skip
// return failedValue, the next fails.
type recorder struct {
	skip, seen int
}

// note passes on the result s, err of a call: a cell's failure is
// counted, and passed over with failedValue while within skip.
func (r *recorder) note(s string, err error) (string, error) {
	if err == nil || errors.Is(err, ErrOutputTooLarge) {
		return s, err
	}
	r.seen++
	if r.seen <= r.skip {
		return failedValue, nil
	}
	return "", err
}

// newRerun is the rerun of a template compiled with the functions fm:
// text, or html (which must not have been executed: it is cloned before
// its escaping), whose trees are roots. It is nil when a condition reads
// a function's result (testsResult) or html cannot be cloned.
func newRerun(fm map[string]any, text *texttemplate.Template, html *htmltemplate.Template, roots []*parse.Tree) *rerun {
	if testsResult(roots) {
		return nil
	}
	if html != nil {
		h, err := html.Clone()
		if err != nil {
			return nil
		}
		return &rerun{fm: fm, html: h}
	}
	return &rerun{fm: fm, text: text}
}

// rest executes row again with t to find the failing calls after the
// first (see above), each as text/template's error; none when row has
// no other.
func (rr *rerun) rest(t *Template, row campaign.Row) []error {
	ex := rr.get()
	if ex == nil {
		return nil
	}
	defer rr.runs.Put(ex)
	var errs []error
	for k := 1; k <= maxRunsPerRow; k++ {
		ex.rec.skip, ex.rec.seen = k, 0
		err := t.execCapped(io.Discard, func(w io.Writer) error { return ex.exec(w, row) })
		if err == nil || ex.rec.seen <= k {
			break // no other call fails, or what stopped is no cell's
		}
		errs = append(errs, err)
	}
	return errs
}

// get is an execution from the pool, or a new one; nil when the
// template cannot be copied.
func (rr *rerun) get() *execution {
	if ex, ok := rr.runs.Get().(*execution); ok {
		return ex
	}
	ex := &execution{rec: &recorder{}}
	fm := recordingFuncs(rr.fm, ex.rec)
	if rr.html != nil {
		h, err := rr.html.Clone()
		if err != nil {
			return nil
		}
		ex.html = h.Funcs(fm)
		return ex
	}
	x, err := rr.text.Clone()
	if err != nil {
		return nil
	}
	ex.text = x.Funcs(fm)
	return ex
}

func (ex *execution) exec(w io.Writer, row campaign.Row) error {
	if ex.html != nil {
		return ex.html.Execute(w, row.Values)
	}
	return ex.text.Execute(w, row.Values)
}

// recordingFuncs is fm with its cell functions (cellFunc) reporting to
// rec: a call given failedValue returns it, uncounted; a failing call is
// counted (recorder.note).
func recordingFuncs(fm map[string]any, rec *recorder) map[string]any {
	out := maps.Clone(fm)
	if f, ok := fm["number"].(func(int, string) (string, error)); ok {
		out["number"] = func(places int, value string) (string, error) {
			if isFailed(value) {
				return failedValue, nil
			}
			return rec.note(f(places, value))
		}
	}
	for _, name := range []string{"date", "address"} {
		if f, ok := fm[name].(func(string, string) (string, error)); ok {
			out[name] = func(a, b string) (string, error) {
				if isFailed(a) || isFailed(b) {
					return failedValue, nil
				}
				return rec.note(f(a, b))
			}
		}
	}
	if f, ok := fm["printf"].(func(string, ...any) (string, error)); ok {
		out["printf"] = func(format string, values ...any) (string, error) {
			if isFailed(format) {
				return failedValue, nil
			}
			for _, v := range values {
				if s, ok := v.(string); ok && isFailed(s) {
					return failedValue, nil
				}
			}
			return rec.note(f(format, values...))
		}
	}
	return out
}

// isFailed reports whether s holds a passed-over call's placeholder, or
// a piece of it: a NUL.
func isFailed(s string) bool { return strings.IndexByte(s, 0) >= 0 }

// testsResult reports whether a condition of the templates roots ({{if}},
// {{with}}, {{range}}, or the data a {{template}} gets) reads the result
// of a cell function, directly or through a variable set from one. A
// variable is known by its name, whatever its scope, and one set later
// in the text counts too (a {{range}} may come round to it).
func testsResult(roots []*parse.Tree) bool {
	d := &dependence{vars: map[string]bool{}}
	for n := -1; n != len(d.vars); {
		n = len(d.vars)
		for _, t := range roots {
			if t != nil && d.tests(t.Root) {
				return true
			}
		}
	}
	return false
}

// dependence tracks the variables set from a cell function's result.
type dependence struct{ vars map[string]bool }

// tests reports whether a condition under n reads a cell function's
// result, noting the variables set from one on the way.
func (d *dependence) tests(n parse.Node) bool {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return false
		}
		for _, c := range n.Nodes {
			if d.tests(c) {
				return true
			}
		}
	case *parse.ActionNode:
		d.reads(n.Pipe)
	case *parse.IfNode:
		return d.branch(&n.BranchNode)
	case *parse.WithNode:
		return d.branch(&n.BranchNode)
	case *parse.RangeNode:
		return d.branch(&n.BranchNode)
	case *parse.TemplateNode:
		return d.reads(n.Pipe)
	}
	return false
}

func (d *dependence) branch(b *parse.BranchNode) bool {
	return d.reads(b.Pipe) || d.tests(b.List) || d.tests(b.ElseList)
}

// reads reports whether pipe p reads a cell function's result; the
// variables p sets are noted when it does.
func (d *dependence) reads(p *parse.PipeNode) bool {
	if p == nil {
		return false
	}
	found := false
	for _, c := range p.Cmds {
		for _, a := range c.Args {
			found = d.readsArg(a) || found
		}
	}
	if found {
		for _, v := range p.Decl {
			d.vars[v.Ident[0]] = true
		}
	}
	return found
}

func (d *dependence) readsArg(n parse.Node) bool {
	switch a := n.(type) {
	case *parse.IdentifierNode:
		return cellFunc(a.Ident)
	case *parse.VariableNode:
		return d.vars[a.Ident[0]]
	case *parse.ChainNode:
		return d.readsArg(a.Node)
	case *parse.PipeNode:
		return d.reads(a)
	}
	return false
}
