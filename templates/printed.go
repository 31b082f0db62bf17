package templates

import (
	"slices"
	"strings"
	"text/template/parse"

	"github.com/tidings/tidings/campaign"
)

// Printed lists the columns t prints as they are wherever it runs: an
// action at the template's top level whose value is the column's
// ({{.Name}}, {{.Name | upper}}, {{title .Name}}), not one inside {{if}},
// {{with}} or {{range}}, nor one piped to default, which may be how the
// template deals with a blank. In template order, each once; nil for
// none.
func (t *Template) Printed() []string {
	var root *parse.ListNode
	switch {
	case t.html != nil && t.html.Tree != nil:
		root = t.html.Tree.Root
	case t.text != nil && t.text.Tree != nil:
		root = t.text.Tree.Root
	}
	if root == nil {
		return nil
	}
	var cols []string
	for _, n := range root.Nodes {
		a, ok := n.(*parse.ActionNode)
		if !ok || len(a.Pipe.Decl) > 0 || len(a.Pipe.Cmds) == 0 {
			continue
		}
		if f, ok := printedField(a.Pipe.Cmds[0]); ok && len(f.Ident) == 1 && !defaulted(a.Pipe) &&
			slices.Contains(t.columns, f.Ident[0]) && !slices.Contains(cols, f.Ident[0]) {
			cols = append(cols, f.Ident[0])
		}
	}
	return cols
}

// blankKeeping reports whether fn prints a blank value as blank: a
// column given to it ({{title .name}}) prints as it does piped to it
// ({{.name | title}}).
func blankKeeping(fn string) bool {
	switch fn {
	case "upper", "lower", "title", "trim":
		return true
	}
	return false
}

// printedField is the field whose value cmd, a pipeline's first command,
// prints as it is: the field alone ({{.name}}), or given alone to a
// function that keeps a blank (blankKeeping: {{title .name}}).
func printedField(cmd *parse.CommandNode) (*parse.FieldNode, bool) {
	args := cmd.Args
	if len(args) == 2 {
		if id, ok := args[0].(*parse.IdentifierNode); ok && blankKeeping(id.Ident) {
			args = args[1:]
		}
	}
	if len(args) != 1 {
		return nil, false
	}
	f, ok := args[0].(*parse.FieldNode)
	return f, ok
}

// defaulted reports whether pipe gives its value to default
// ({{.name | default "friend"}}), which prints something for a blank.
func defaulted(pipe *parse.PipeNode) bool {
	for _, c := range pipe.Cmds[1:] {
		if id, ok := c.Args[0].(*parse.IdentifierNode); ok && id.Ident == "default" {
			return true
		}
	}
	return false
}

// printedColumns collects Printed from the subject and the bodies: what a
// reader sees of a blank cell ("Dear ," in the text, ", your receipt" as
// the subject).
func (s *Set) printedColumns() []string {
	var cols []string
	for _, t := range []*Template{s.Subject, s.Text, s.HTML, s.Markdown} {
		if t == nil {
			continue
		}
		for _, c := range t.Printed() {
			if !slices.Contains(cols, c) {
				cols = append(cols, c)
			}
		}
	}
	return cols
}

// PrintedBlank lists the columns the subject or a body prints as they are
// (Template.Printed) that are blank in row (empty, or white space only),
// in campaign order; nil when none is.
func (s *Set) PrintedBlank(row campaign.Row) []string {
	return s.PrintedWhere(row, func(v string) bool { return strings.TrimSpace(v) == "" })
}

// PrintedWhere lists the columns the subject or a body prints as they
// are (Template.Printed) whose value in row satisfies match, in campaign
// order; nil when none does.
func (s *Set) PrintedWhere(row campaign.Row, match func(value string) bool) []string {
	var found []string
	for _, c := range s.printed {
		if match(row.Values[c]) {
			found = append(found, c)
		}
	}
	return found
}
