package templates

import (
	"fmt"
	"slices"
	"strings"
	"text/template/parse"

	"github.com/tidings/tidings/campaign"
)

// An unsubscribe URL's query (after the '?' of its own text, before a
// '#') reads + as a space, & and ; as a value's end, # as the URL's and
// % as an escape: a column written there as it is ("?e={{.email}}")
// sends ann+news@example.org as "ann news@example.org" to the server
// that takes the one-click POST (RFC 8058). Whether a column may hold
// such a character is the sheet's to say, row by row (render refuses
// the rows whose value does), but the template is wrong for every row
// the day one does: it is judged once, here, from where its actions
// stand, and warned of at its line.

// urlPart is where in a URL the text a template writes stands.
type urlPart int

const (
	inPath urlPart = iota
	inQuery
	inFragment
)

// rawAction is an action of a URL template that writes a column into the
// query as it is: its text as written, its line, the columns it reads.
type rawAction struct {
	text    string
	line    int
	columns []string
}

// RawQueryColumns are the columns an unsubscribe.url template writes into
// the URL's query as they are (checkRawQuery): the row values render must
// look at for a character the query reads otherwise. Nil for any other
// template and for a URL that escapes every one (| urlquery). The caller
// must not modify the slice.
func (t *Template) RawQueryColumns() []string { return t.rawQuery }

// RawQueryFix is what to write in place of the first action of t that
// writes column into the URL's query as it is: that action with urlquery
// ending its pipeline ("{{.email | urlquery}}"), as checkRawQuery's
// warning says; "" for a column not among RawQueryColumns.
func (t *Template) RawQueryFix(column string) string {
	if i := slices.Index(t.rawQuery, column); i >= 0 {
		return t.rawFix[i]
	}
	return ""
}

// checkRawQuery warns, at its line, of each action of t, the
// unsubscribe.url template, that writes a column into the URL's query
// without urlquery as its last call (see urlPart), and notes its columns
// in t.rawQuery, with the action to write (t.rawFix). An action before the '?' (a whole URL in a column, a
// path), after a '#', piped to urlquery, or reading no column is not
// warned of; one inside {{if}} or {{with}} is.
func (cp *compiler) checkRawQuery(t *Template) {
	if t == nil || t.text == nil || t.text.Tree == nil {
		return
	}
	var found []rawAction
	scanURL(t.text.Tree.Root, inPath, true, func(a *parse.ActionNode, dot bool) {
		cols := actionColumns(a, dot)
		if len(cols) == 0 || len(a.Pipe.Decl) > 0 || escapesQuery(a.Pipe) {
			return
		}
		found = append(found, rawAction{text: actionText(t.source, int(a.Position())), line: cp.line(t, a), columns: cols})
	})
	for _, a := range found {
		for _, c := range a.columns {
			if !slices.Contains(t.rawQuery, c) {
				t.rawQuery, t.rawFix = append(t.rawQuery, c), append(t.rawFix, withURLQuery(a.text))
			}
		}
		cp.warns = append(cp.warns, (&campaign.FileError{File: t.file, Line: a.line, Err: fmt.Errorf(
			"templates: %s: %s writes %s into the URL's query as it is: a value holding + & ; # or %% (ann+news@example.org) reaches the one-click POST changed, + as a space, and its row is a problem then; "+
				"write %s, which leaves letters, digits and - . _ ~ as they are", t.name, a.text, columnWords(a.columns), withURLQuery(a.text))}).Error())
	}
}

// scanURL walks the nodes of list, a URL template's, from part, calling
// raw for each action met in the query (dot: the dot is the row there),
// and returns the part the URL is in after them. Of an {{if}}'s or
// {{with}}'s branches, the furthest part one reaches is taken.
func scanURL(list *parse.ListNode, part urlPart, dot bool, raw func(*parse.ActionNode, bool)) urlPart {
	if list == nil {
		return part
	}
	for _, n := range list.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			part = partAfter(string(n.Text), part)
		case *parse.ActionNode:
			if part == inQuery {
				raw(n, dot)
			}
		case *parse.IfNode:
			part = max(scanURL(n.List, part, dot, raw), scanURL(n.ElseList, part, dot, raw))
		case *parse.WithNode:
			part = max(scanURL(n.List, part, false, raw), scanURL(n.ElseList, part, dot, raw))
		case *parse.RangeNode:
			part = max(scanURL(n.List, part, false, raw), scanURL(n.ElseList, part, dot, raw))
		}
	}
	return part
}

// partAfter is the part of a URL that text, written from part, leaves it in.
func partAfter(text string, part urlPart) urlPart {
	for i := 0; i < len(text) && part != inFragment; i++ {
		switch {
		case text[i] == '#':
			part = inFragment
		case text[i] == '?':
			part = inQuery
		}
	}
	return part
}

// actionColumns are the columns a's pipeline reads (dot: the dot is the
// row), each once, by header text.
func actionColumns(a *parse.ActionNode, dot bool) []string {
	w := &walker{seen: map[string]bool{}}
	w.pipe(a.Pipe, dot)
	var cols []string
	for _, r := range w.refs {
		if !slices.Contains(cols, r.name) {
			cols = append(cols, r.name)
		}
	}
	return cols
}

// escapesQuery reports whether p's last call is urlquery, whose result
// a query reads as written.
func escapesQuery(p *parse.PipeNode) bool {
	return len(p.Cmds) > 0 && isIdent(p.Cmds[len(p.Cmds)-1].Args[0], "urlquery")
}

// actionText is the action of src that holds offset pos, as written.
func actionText(src string, pos int) string {
	for i, j := range actionSpans(src) {
		if i <= pos && pos < j+2 {
			return src[i : j+2]
		}
	}
	return ""
}

// withURLQuery is action, "{{.email}}", with "| urlquery" ending its
// pipeline: "{{.email | urlquery}}"; a trim marker stays where it is.
func withURLQuery(action string) string {
	body := strings.TrimSuffix(strings.TrimPrefix(action, "{{"), "}}")
	end := ""
	if trimmed := strings.TrimRight(body, " \t"); strings.HasSuffix(trimmed, " -") {
		body, end = strings.TrimSuffix(trimmed, " -"), " -"
	}
	return "{{" + strings.TrimRight(body, " \t") + " | urlquery" + end + "}}"
}

// columnWords names cols: `column "email"`, `columns "a" and "b"`.
func columnWords(cols []string) string {
	if len(cols) == 1 {
		return fmt.Sprintf("column %q", cols[0])
	}
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = fmt.Sprintf("%q", c)
	}
	return "columns " + strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}
