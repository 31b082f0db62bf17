package templates

import (
	"slices"
	"strings"
	"text/template/parse"

	"github.com/tidings/tidings/campaign"
)

// pathPrintings are the places an attachment's path template t is one
// column alone ({{.ticket_file}}, {{trim .file}}), so that a blank cell
// empties the path and its message goes without the file, which
// rowAttachments passes over as an attachment the row has not: the
// column, and the columns of an {{if}} or {{with}} around it (with no
// {{else}}) that must be filled for it to print ({{if .file}}{{.file}}{{end}}
// prints only when it is filled: the author's way to say some rows have
// no file). A path with text of its own ("tickets/{{.no}}.pdf") is none:
// a blank cell there makes a path that is not found, a row problem.
func (t *Template) pathPrintings() []printing {
	if t.text == nil || t.text.Tree == nil {
		return nil
	}
	w := &printWalk{t: t, src: t.source, seen: map[string]bool{}}
	var out []printing
	l, dot, guards := t.text.Tree.Root, true, []string(nil)
	for l != nil {
		switch n := onlyNode(l).(type) {
		case *parse.ActionNode:
			if cols, text := w.pipe(n.Pipe, dot); len(cols) == 1 && strings.TrimSpace(text) == "" {
				out = append(out, printing{column: cols[0], guards: guards})
			}
			return out
		case *parse.IfNode:
			g, ok := w.condition(n.Pipe, dot)
			if !ok || n.ElseList != nil {
				return out
			}
			l, guards = n.List, join(guards, g)
		case *parse.WithNode:
			g, ok := w.condition(n.Pipe, dot)
			if !ok || n.ElseList != nil {
				return out
			}
			l, dot, guards = n.List, dot && passesRow(n.Pipe, dot), join(guards, g)
		default:
			return out
		}
	}
	return out
}

// onlyNode is the one node of l that is not white space text; nil when
// l holds none or more than one.
func onlyNode(l *parse.ListNode) parse.Node {
	var only parse.Node
	for _, n := range l.Nodes {
		if tn, ok := n.(*parse.TextNode); ok && strings.TrimSpace(string(tn.Text)) == "" {
			continue
		}
		if only != nil {
			return nil
		}
		only = n
	}
	return only
}

// pathColumns collects the pathPrintings of the attachments, each once.
func (s *Set) pathColumns() []printing {
	var out []printing
	for _, t := range s.Attachments {
		for _, p := range t.pathPrintings() {
			out = addPrinting(out, p)
		}
	}
	return out
}

// EmptyPaths lists the columns that are blank in row (empty, or white
// space only) where an attachment's path is that column alone
// (pathPrintings), outside an {{if}} of it: the row's message goes
// without that file (rev-user17: a ticket campaign's rows with no ticket
// went without one, and nothing said so). In campaign order, each once;
// nil when none is.
func (s *Set) EmptyPaths(row campaign.Row) []string { return blankPaths(s.paths, row) }

// EmptyImages is EmptyPaths of the inline images of each row's own
// (Set.Images) that the HTML body shows to every row, or to those whose
// {{if}} columns are filled (imagePaths): the message goes without the
// image, and its reader sees a broken one where the body shows it
// (rev-user17's tickets, each with its QR code).
func (s *Set) EmptyImages(row campaign.Row) []string { return blankPaths(s.images, row) }

// blankPaths lists the columns of paths (places a column is printed)
// blank in row where they print (runs), each once, in their order; nil
// when none is. PrintedBlank and BlankPrinted list so too.
func blankPaths(paths []printing, row campaign.Row) []string {
	var blank []string
	for _, p := range paths {
		if isBlankCell(row.Values[p.column]) && !slices.Contains(blank, p.column) && p.runs(row) {
			blank = append(blank, p.column)
		}
	}
	return blank
}
