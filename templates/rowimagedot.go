package templates

import (
	"errors"
	"fmt"
	"strings"
	"text/template/parse"

	"github.com/tidings/tidings/campaign"
)

// ErrImageDot is wrapped by the FileError of an inline image of each
// row's own whose path reads dot ({{.qr_file}}, {{.}}) where the HTML
// body names it inside a {{range}} or a {{with}}, where dot is not the
// row: see rowDotErrors.
var ErrImageDot = errors.New("an inline image's path is made from the row, not from the dot of a {{range}} or {{with}} around it: write $ for the row (cid:{{$.qr_file}})")

// rowDotErrors are the errors of the inline images of each row's own
// (images, Set.Images) whose path reads dot where html, the HTML body
// (compiled), names one where dot is not the row: within a {{range}}, or
// a {{with}} of anything but the row. A path is made from the row
// whatever dot is at its place, so {{with .qr_file}}<img
// src="cid:{{.}}">{{end}} looked for a file named after the whole row
// (map[email:… qr_file:…]), in every row. Each error is at the line of
// the place.
func rowDotErrors(html *Template, images []*Template) []error {
	if html == nil || html.html == nil || html.html.Tree == nil {
		return nil
	}
	var errs []error
	for i, t := range images {
		if t.text == nil || !listReadsDot(t.text.Tree.Root) {
			continue
		}
		pos := markerOffDot(html.html.Tree.Root, true, RowImageMarker(i, len(t.source)))
		if pos < 0 {
			continue
		}
		line := 1 + strings.Count(html.source[:min(pos, len(html.source))], "\n")
		errs = append(errs, &campaign.FileError{File: html.file, Line: line, Err: fmt.Errorf("templates: html: %s: %w", clipLine(t.name), ErrImageDot)})
	}
	return errs
}

// markerOffDot is the position in the body's source of the first place
// in l that writes marker where dot is not the row (dot tells whether it
// is at l); -1 when there is none.
func markerOffDot(l *parse.ListNode, dot bool, marker string) int {
	if l == nil {
		return -1
	}
	for _, n := range l.Nodes {
		pos := -1
		switch n := n.(type) {
		case *parse.TextNode:
			if i := strings.Index(string(n.Text), marker); !dot && i >= 0 {
				pos = int(n.Pos) + i
			}
		case *parse.IfNode:
			pos = firstPos(markerOffDot(n.List, dot, marker), markerOffDot(n.ElseList, dot, marker))
		case *parse.WithNode:
			pos = firstPos(markerOffDot(n.List, dot && passesRow(n.Pipe, dot), marker), markerOffDot(n.ElseList, dot, marker))
		case *parse.RangeNode:
			pos = firstPos(markerOffDot(n.List, false, marker), markerOffDot(n.ElseList, dot, marker))
		}
		if pos >= 0 {
			return pos
		}
	}
	return -1
}

// firstPos is the smaller of two positions, -1 meaning none.
func firstPos(a, b int) int {
	if a < 0 || b >= 0 && b < a {
		return b
	}
	return a
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
