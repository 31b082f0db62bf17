package templates

import (
	"slices"
	"strings"
	"text/template/parse"
)

// imagePaths are the pathPrintings of the inline images of each row's own
// (Set.Images) where the HTML body names them outside any condition but
// {{if}}s and {{with}}s of columns (markerGuards), those columns joined
// to the guards: a blank cell there empties the path of an image the
// message shows, and it goes without it. An image named only within an
// {{else}}, another condition or a range is none: the body deals with a
// blank there ({{if .qr_file}}<img src="cid:{{.qr_file}}">{{end}}).
func (s *Set) imagePaths() []printing {
	var out []printing
	for i, t := range s.Images {
		g, warn := s.HTML.markerGuards(RowImageMarker(i, len(t.source)))
		if !warn {
			continue
		}
		for _, p := range t.pathPrintings() {
			p.guards = join(p.guards, g)
			out = addPrinting(out, p)
		}
	}
	return out
}

// markerGuards are the columns of the {{if}}s and {{with}}s around the
// place t, the HTML body, writes marker (RowImageMarker); warn is false
// when the place is not found in t's own tree or stands where a blank may
// be dealt with (see imagePaths).
func (t *Template) markerGuards(marker string) (guards []string, warn bool) {
	if t == nil || t.html == nil || t.html.Tree == nil {
		return nil, false
	}
	w := &printWalk{t: t, src: t.source, seen: map[string]bool{}}
	guards, warn, _ = w.findMarker(t.html.Tree.Root, true, nil, marker)
	return guards, warn
}

// findMarker looks for marker in the text of l, whose guards are those
// given, dot telling whether dot is the row there.
func (w *printWalk) findMarker(l *parse.ListNode, dot bool, guards []string, marker string) (g []string, warn, found bool) {
	if l == nil {
		return nil, false, false
	}
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			if strings.Contains(string(n.Text), marker) {
				return guards, true, true
			}
		case *parse.IfNode:
			if g, warn, found := w.branchMarker(&n.BranchNode, false, dot, guards, marker); found {
				return g, warn, true
			}
		case *parse.WithNode:
			if g, warn, found := w.branchMarker(&n.BranchNode, true, dot, guards, marker); found {
				return g, warn, true
			}
		case *parse.RangeNode:
			if _, _, found := w.branchMarker(&n.BranchNode, true, dot, guards, marker); found {
				return nil, false, true
			}
		}
	}
	return nil, false, false
}

// branchMarker is findMarker in b, an {{if}}, {{with}} (with) or
// {{range}}: its body adds the columns its condition tests when that is
// all it tests (condition); found elsewhere in it, warn is false.
func (w *printWalk) branchMarker(b *parse.BranchNode, with, dot bool, guards []string, marker string) (g []string, warn, found bool) {
	cond, ok := w.condition(b.Pipe, dot)
	inner := dot && (!with || passesRow(b.Pipe, dot))
	if g, warn, found = w.findMarker(b.List, inner, join(guards, cond), marker); found {
		return g, warn && ok, true
	}
	if _, _, found = w.findMarker(b.ElseList, dot, guards, marker); found {
		return nil, false, true
	}
	return nil, false, false
}

// addPrinting appends p to out unless a place of the same column and
// guards is there.
func addPrinting(out []printing, p printing) []printing {
	if slices.ContainsFunc(out, func(q printing) bool { return q.column == p.column && slices.Equal(q.guards, p.guards) }) {
		return out
	}
	return append(out, p)
}
