package templates

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/template/parse"

	"github.com/tidings/tidings/campaign"
)

// ErrImageDot is wrapped by the FileError of an inline image of each
// row's own whose path reads dot ({{.qr_file}}, {{.}}) where the HTML
// body names it inside a {{range}} or a {{with}}, where dot is not the
// row: see rowDotErrors.
var ErrImageDot = errors.New("an inline image's path is made from the row, not from the dot of a {{range}} or {{with}} around it: write $ for the row (cid:{{$.qr_file}})")

// ErrImageCallData is wrapped by the FileError of an inline image of each
// row's own whose path reads dot where the HTML body names it in a
// template a {{template}} call gives other data than the row ({{template
// "qr" .qr_file}} of <img src="cid:{{.}}">): see rowDotErrors.
var ErrImageCallData = errors.New("an inline image's path is made from the row, not from the data a {{template}} call gives the template it is in: write $ for the row (cid:{{$.qr_file}}), or call the template with the row ({{template \"NAME\" $}})")

// rowDotErrors are the errors of the inline images of each row's own
// (images, Set.Images) whose path reads dot where html, the HTML body
// (compiled), names one where dot is not the row: within a {{range}}, a
// {{with}} of anything but the row, or a {{define}}d template called with
// other data ({{template "qr" .qr_file}}), followed from the body's
// calls. A path is made from the row whatever dot is at its place, so
// {{with .qr_file}}<img src="cid:{{.}}">{{end}} looked for a file named
// after the whole row (map[email:… qr_file:…]), in every row. Each error
// is at the line of the place, and names the call's.
func rowDotErrors(html *Template, images []*Template) []error {
	if html == nil || html.html == nil || html.html.Tree == nil {
		return nil
	}
	var errs []error
	lines := newLineIndex(html.source)
	for i, t := range images {
		if t.text == nil || !listReadsDot(t.text.Tree.Root) {
			continue
		}
		w := &dotWalk{t: html, marker: RowImageMarker(i, len(t.source)), seen: map[string]bool{}}
		pos, call := w.off(html.html.Tree.Root, true, true, -1)
		if pos < 0 {
			continue
		}
		err := fmt.Errorf("templates: html: %s: %w", clipLine(t.name), ErrImageDot)
		if call >= 0 {
			err = fmt.Errorf("templates: html: %s (the template called at line %d): %w", clipLine(t.name), lines.lineOf(call), ErrImageCallData)
		}
		errs = append(errs, &campaign.FileError{File: html.file, Line: lines.lineOf(min(pos, len(html.source))), Err: err})
	}
	return errs
}

// dotWalk looks in the HTML body t, from its root through the templates
// it calls, for the first place that writes marker where dot is not the
// row.
type dotWalk struct {
	t      *Template
	marker string
	seen   map[string]bool // templates walked, by name and whether their data is the row
}

// off is the position in the body's source of the first place in l that
// writes the marker where dot is not the row, -1 when there is none; dot
// and dollar tell whether dot and $ are the row at l, call is where the
// {{template}} call that gave l's template other data than the row
// stands (-1: none). call is that of the place found.
func (w *dotWalk) off(l *parse.ListNode, dot, dollar bool, call int) (pos, at int) {
	if l == nil {
		return -1, -1
	}
	for _, n := range l.Nodes {
		pos, at = -1, -1
		switch n := n.(type) {
		case *parse.TextNode:
			if i := strings.Index(string(n.Text), w.marker); !dot && i >= 0 {
				pos, at = int(n.Pos)+i, call
			}
		case *parse.IfNode:
			pos, at = w.branch(n.List, dot, n.ElseList, dot, dollar, call)
		case *parse.WithNode:
			pos, at = w.branch(n.List, givesRow(n.Pipe, dot, dollar), n.ElseList, dot, dollar, call)
		case *parse.RangeNode:
			pos, at = w.branch(n.List, false, n.ElseList, dot, dollar, call)
		case *parse.TemplateNode:
			pos, at = w.call(n, dot, dollar, call)
		}
		if pos >= 0 {
			return pos, at
		}
	}
	return -1, -1
}

// call is off in the template n calls, once for each name and data.
func (w *dotWalk) call(n *parse.TemplateNode, dot, dollar bool, call int) (pos, at int) {
	row := givesRow(n.Pipe, dot, dollar)
	if !row && call < 0 {
		call = int(n.Pos)
	}
	tree := w.t.calledTree(n, w.seen, strconv.FormatBool(row))
	if tree == nil {
		return -1, -1
	}
	return w.off(tree.Root, row, row, call)
}

// givesRow reports whether p, a {{with}}'s or a {{template}} call's
// pipeline, is the row: dot where dot is, $ where $ is (in a template
// called with other data, $ is that data).
func givesRow(p *parse.PipeNode, dot, dollar bool) bool {
	if p == nil || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	switch a := p.Cmds[0].Args[0].(type) {
	case *parse.DotNode:
		return dot
	case *parse.VariableNode:
		return len(a.Ident) == 1 && a.Ident[0] == "$" && dollar
	}
	return false
}

// branch is off of a block's list, where dot is the row as listDot
// tells, and of its {{else}} list, where as dot does: the place first in
// the source.
func (w *dotWalk) branch(list *parse.ListNode, listDot bool, elseList *parse.ListNode, dot, dollar bool, call int) (pos, at int) {
	p, pc := w.off(list, listDot, dollar, call)
	q, qc := w.off(elseList, dot, dollar, call)
	if p < 0 || q >= 0 && q < p {
		return q, qc
	}
	return p, pc
}

// listReadsDot reports whether the template l reads dot where dot is its
// data: a field ({{.qr_file}}) or dot itself, not $.
func listReadsDot(l *parse.ListNode) bool {
	if l == nil {
		return false
	}
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.ActionNode:
			if pipeReadsDot(n.Pipe) {
				return true
			}
		case *parse.IfNode:
			if pipeReadsDot(n.Pipe) || listReadsDot(n.List) || listReadsDot(n.ElseList) {
				return true
			}
		case *parse.WithNode:
			if pipeReadsDot(n.Pipe) || listReadsDot(n.ElseList) {
				return true
			}
		case *parse.RangeNode:
			if pipeReadsDot(n.Pipe) || listReadsDot(n.ElseList) {
				return true
			}
		}
	}
	return false
}

// pipeReadsDot is listReadsDot of a pipeline.
func pipeReadsDot(p *parse.PipeNode) bool {
	if p == nil {
		return false
	}
	for _, c := range p.Cmds {
		for _, a := range c.Args {
			switch a := a.(type) {
			case *parse.FieldNode, *parse.DotNode:
				return true
			case *parse.ChainNode:
				if _, ok := a.Node.(*parse.DotNode); ok {
					return true
				}
				if p, ok := a.Node.(*parse.PipeNode); ok && pipeReadsDot(p) {
					return true
				}
			case *parse.PipeNode:
				if pipeReadsDot(a) {
					return true
				}
			}
		}
	}
	return false
}
