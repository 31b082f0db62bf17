package templates

import (
	"path/filepath"
	"slices"
	"strings"
	"text/template/parse"

	"github.com/tidings/tidings/campaign"
)

// printing is one place where a template prints a column so that a blank
// cell leaves a hole a reader sees ("Dear ,"), or, filled, prints it only
// when it is filled (given to default): the column, and the columns that
// must not be blank for the place to print at all (it stands within
// {{if .g}}, {{with .g}} or {{range split "," .g}}).
type printing struct {
	column string
	guards []string
	// seen is what a reader sees of the line when the column is blank
	// (holedLine, blankSeen): "Hallo ," for "Hallo {{.Vorname}},".
	seen string
	// place is the line with the mark of where the value goes (holedLine),
	// and what kind of template prints it: what place.shows sees of a
	// value with white space at its ends.
	place place
	// trimmed tells that the place prints the value trimmed ({{trim
	// .name}}, {{.name | trim | title}}): white space at its ends does
	// not show.
	trimmed bool
	// filled tells that the place prints the value only when it is filled
	// ({{.name | default "friend"}}): a blank leaves no hole, but white
	// space at the ends of a filled one shows (places, not printings).
	filled bool
}

// runs reports whether the place prints for row: every guard is filled.
func (p printing) runs(row campaign.Row) bool {
	for _, g := range p.guards {
		if isBlankCell(row.Values[g]) {
			return false
		}
	}
	return true
}

func isBlankCell(v string) bool { return strings.TrimSpace(v) == "" }

// Printed lists the columns t prints so that a blank cell leaves a hole
// in the text (see printings): in template order, each once; nil for
// none.
func (t *Template) Printed() []string {
	var cols []string
	for _, p := range t.printings() {
		if !slices.Contains(cols, p.column) {
			cols = append(cols, p.column)
		}
	}
	return cols
}

// BlankPrinted lists the columns t prints (see printings) that are blank
// in row where they print (their {{if}} columns filled): in template
// order, each once; nil for none. A path "{{.dir}}/{{.file}}" that
// cannot be read names the blank file column by it, not the filled dir
// that its text "tickets/" holds.
func (t *Template) BlankPrinted(row campaign.Row) []string { return blankPaths(t.printings(), row) }

// printings are the places t prints a column as it is, found by walking
// its parse tree while dot is the row:
//
//   - an action whose value is the column's: {{.name}}, {{$.name}},
//     {{.name | upper}}, {{title .name}} (upper, lower, title, trim and
//     the escapers keep a blank blank), and each column printf prints with
//     %s, %v or %x ({{printf "Dear %s" .name}}: see printfHoles), also
//     within parentheses ({{upper (trim .name)}}, {{printf "Dear %s"
//     (printf "%s %s" .first .last)}}); not one piped to default, nor to
//     any function that may make a blank into something ({{.name | len}});
//   - within {{if .g}}, {{if and .g .h}}, {{with .g}} and {{range split
//     SEP .g}}, guarded by those columns (warned of only for rows where
//     they are filled); the body of any other condition and every
//     {{else}} are not walked, as the template may deal with a blank
//     there. Within with and range, where dot is no longer the row, only
//     $.name is the row's;
//   - in a {{define}}d template called with the row ({{template "x" .}}
//     or {{template "x" $}}), with the guards of the call.
//
// A column printed alone on its line is left out: the rule for columns
// the author leaves blank on purpose (see besideText). A blank {{.note}}
// paragraph of its own leaves an empty line, not a hole; "Dear {{.name}},"
// and "- {{.item}}" are still holes, and so are "{{.first}} {{.last}}",
// {{printf "%s %s" .first .last}} and a column a trim marker joins to the
// text of the line before or after ("Dear\n{{- " " -}}\n{{.name}}": the
// line is the one the message prints, see joinTrimmed); in HTML, a <br>,
// a paragraph or a table cell ends a line ("{{.street}}<br>{{.line2}}",
// a body written on one line: see htmlLine). The subject is one line a reader sees whole:
// there every such column is a place. Walked once by Compile for the
// subject and the bodies (walkPrintings); the caller must not change
// the slice.
func (t *Template) printings() []printing {
	if t.walked {
		return t.holes
	}
	return slices.DeleteFunc(t.places(), isFilled)
}

// isFilled reports whether p prints its column only when it is filled
// (printing.filled): a place of places, not of printings.
func isFilled(p printing) bool { return p.filled }

// places are printings and the places that print a column only when it
// is filled, its value piped to or given to default ({{.name | default
// "friend"}}, {{default "friend" .name}}) or dot within {{with .name}}
// ({{with .name}}Dear {{.}},{{end}}): where white space at the ends of a
// cell shows as well (PrintedPadded). Walked once by Compile
// (walkPrintings); the caller must not change the slice.
func (t *Template) places() []printing {
	if t.walked {
		return t.placed
	}
	w := &printWalk{t: t, src: actionBreaks(joinTrimmed(t.source)), seen: map[string]bool{}, withDefault: true}
	switch {
	case t.html != nil && t.html.Tree != nil:
		w.html = true
		w.list(t.html.Tree.Root, true, nil)
	case t.text != nil && t.text.Tree != nil:
		w.list(t.text.Tree.Root, true, nil)
	}
	return w.out
}

// printWalk walks a template for printings.
type printWalk struct {
	t     *Template
	html  bool
	src   string          // t's source, its trimmed white space one line (joinTrimmed), its printed breaks lines (actionBreaks)
	seen  map[string]bool // templates called with the row, by name and guards
	out   []printing
	pre   *preIndex // of src, made at the first place (holedLine, printWalk.place)
	lines *srcLines // of src, made at the first printing action
	// trims are the columns the action being walked prints trimmed.
	trims []string
	// withDefault: the walk takes a column given to default, or printed
	// as {{.}} within {{with .name}}, as a place (printing.filled, see
	// places); without, as none. fills are those columns of the action
	// being walked.
	withDefault bool
	fills       []string
	// dotColumn is the column whose cell dot is, within {{with .name}} in
	// a walk withDefault (see with); "" elsewhere.
	dotColumn string
	// places is what the places of out tell, by column and guards (see
	// keep).
	places map[string]*placesTold
	// read is how many bytes of lines the walk has read for places
	// after each column's first (see placesFull).
	read int
}

// placesTold is what the places a walk keeps of a column under the same
// guards tell (one is kept: it has an entry): whether one is not filled
// (hole: the first such is what a blank cell's warning tells of), and
// which of the paddingProbes one of them shows.
type placesTold struct {
	hole  bool
	shows probeMask
}

// maxCalls bounds the templates one walk follows: calls under ever other
// guards could otherwise take as long as the sets of columns are many.
const maxCalls = 256

// list walks the nodes of l; dot tells whether dot is the row there, and
// guards are the columns that must be filled for l to print.
func (w *printWalk) list(l *parse.ListNode, dot bool, guards []string) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		switch n := n.(type) {
		case *parse.ActionNode:
			w.action(n, dot, guards)
		case *parse.IfNode:
			if g, ok := w.condition(n.Pipe, dot); ok {
				w.list(n.List, dot, join(guards, g))
			}
		case *parse.WithNode:
			if g, ok := w.condition(n.Pipe, dot); ok {
				w.with(n, dot, join(guards, g))
			}
		case *parse.RangeNode:
			if g, ok := w.splitRange(n.Pipe, dot); ok {
				outer := w.dotColumn
				w.dotColumn = ""
				w.list(n.List, false, join(guards, g))
				w.dotColumn = outer
			}
		case *parse.TemplateNode:
			w.call(n, dot, guards)
		}
	}
}

// with walks the body of n, a {{with}} of the columns its condition
// tests (guards among them); there dot is the row no more, but for
// {{with $}}, and in a walk withDefault, within {{with .name}}, it is
// the cell of that column (dotColumn): {{.}} prints it only when filled.
func (w *printWalk) with(n *parse.WithNode, dot bool, guards []string) {
	outer := w.dotColumn
	w.dotColumn = ""
	if args := n.Pipe.Cmds[0].Args; w.withDefault && len(args) == 1 {
		w.dotColumn, _ = w.column(args[0], dot)
	}
	w.list(n.List, dot && passesRow(n.Pipe, dot), guards)
	w.dotColumn = outer
}

// join is guards and more as a new set, sorted: a template that calls
// itself within an {{if}} adds nothing once its guards are in (see call).
func join(guards, more []string) []string {
	set := append(slices.Clone(guards), more...)
	slices.Sort(set)
	return slices.Compact(set)
}

// action notes the columns a, an action that prints, prints as holes.
// A column printed alone on its line is no hole (besideText), but for
// the subject; one printed with others by one action ({{printf "%s %s"
// .first .last}}) is beside them: a blank one loses a word of the line.
func (w *printWalk) action(a *parse.ActionNode, dot bool, guards []string) {
	if w.html && inTag(w.t.source, int(a.Pos)) {
		return
	}
	w.trims, w.fills = w.trims[:0], w.fills[:0]
	cols, text := w.pipe(a.Pipe, dot)
	if len(cols) == 0 {
		return
	}
	alone := strings.TrimSpace(text) == "" && len(slices.Compact(slices.Sorted(slices.Values(cols)))) == 1
	if w.lines == nil {
		w.lines = newSrcLines(w.src)
	}
	if w.t.name != "subject" && alone && !besideText(w.lines, int(a.Pos), w.html) {
		return
	}
	if w.placesFull(cols, guards) {
		return // each told by the places kept
	}
	if w.html && w.pre == nil {
		w.pre = newPreIndex(w.src)
	}
	pl, span := w.place(int(a.Pos), text)
	w.read += span
	seen, shows := "", pl.probes()
	for _, c := range cols {
		trimmed, filled := slices.Contains(w.trims, c), slices.Contains(w.fills, c)
		if !w.adds(c, guards, trimmed, filled, shows) {
			continue
		}
		if seen == "" {
			seen = blankSeen(pl.line, w.html)
		}
		w.keep(printing{column: c, guards: guards, seen: seen, place: pl, trimmed: trimmed, filled: filled}, shows)
	}
}

// maxPlaceRead is how many times its source's length a walk reads of
// lines for places after each column's first (placesFull): enough for every
// line of a body of ordinary lines, where an action's line holds a few
// actions; a line of many (a minified export without break tags) read
// for each of them would grow with the square of its length.
const maxPlaceRead = 4

// adds reports whether a place of column under guards, trimmed or not,
// filled (given to default: printing.filled) or not, showing the
// paddings shows, tells what the places kept do not: it is the first, or
// the first not filled (the hole a blank cell's warning tells of, which
// printings keep), or a reader sees there white space at a value's ends
// that none of them shows (PrintedPadded names the first place that
// shows it).
func (w *printWalk) adds(column string, guards []string, trimmed, filled bool, shows probeMask) bool {
	told := w.places[placeKey(column, guards)]
	if told == nil || !filled && !told.hole {
		return true
	}
	return !trimmed && shows&^told.shows != 0
}

// keep adds p, a place adds takes, to the walk's printings, and notes
// what it tells (one like it, the same column, guards, line, trimming and
// filling, tells nothing more: adds takes none). The first of a column
// and guards comes first, and the first not filled before the others not
// filled: Printed, BlankSeen and printedColumns take that one.
func (w *printWalk) keep(p printing, shows probeMask) {
	if w.places == nil {
		w.places = map[string]*placesTold{}
	}
	key := placeKey(p.column, p.guards)
	told := w.places[key]
	if told == nil {
		told = &placesTold{}
		w.places[key] = told
	}
	told.hole = told.hole || !p.filled
	if !p.trimmed {
		told.shows |= shows
	}
	w.out = append(w.out, p)
}

// placeKey is the key of column under guards in printWalk.places.
func placeKey(column string, guards []string) string {
	return column + "\x00" + strings.Join(guards, "\x00")
}

// placesFull reports whether an action printing cols under guards can add no
// place (adds): each has its first place, and its first not filled where
// the action prints it not filled (fills), and either every padding
// shows at one of its places or the walk has read maxPlaceRead times its
// source for later places. Its line is then not read.
func (w *printWalk) placesFull(cols, guards []string) bool {
	budget := w.read >= maxPlaceRead*len(w.src)
	for _, c := range cols {
		told := w.places[placeKey(c, guards)]
		if told == nil || !told.hole && !slices.Contains(w.fills, c) || !budget && told.shows != allProbes {
			return false
		}
	}
	return true
}

// pipe is the columns p, an action's pipeline or a parenthesized one
// within it, prints as holes, and text what it prints besides them: its
// first command's (command), when the commands after it keep a blank
// blank (keepsBlank); none for a pipeline that declares a variable, nor
// for one that gives its value to default but in a walk withDefault,
// whose fills they are then.
func (w *printWalk) pipe(p *parse.PipeNode, dot bool) (cols []string, text string) {
	if len(p.Decl) > 0 || len(p.Cmds) == 0 {
		return nil, ""
	}
	cmds, filled := p.Cmds[1:], defaulted(p)
	if filled && !w.withDefault {
		return nil, ""
	}
	if filled {
		cmds = slices.DeleteFunc(slices.Clone(cmds), func(c *parse.CommandNode) bool { return isIdent(c.Args[0], "default") && len(c.Args) == 2 })
	}
	cols, text = w.command(p.Cmds[0], dot)
	if len(cols) == 0 {
		return nil, ""
	}
	kept, more := keepsBlank(cmds)
	if !kept {
		return nil, ""
	}
	if slices.ContainsFunc(p.Cmds[1:], func(c *parse.CommandNode) bool { return isIdent(c.Args[0], "trim") }) {
		w.trims = append(w.trims, cols...)
	}
	if filled {
		w.fills = append(w.fills, cols...)
	}
	return cols, text + more
}

// command is the columns cmd prints as holes: the field alone ({{.name}},
// {{$.name}}), given alone to a function that keeps a blank ({{title
// .name}}), or printf's values that a blank leaves a hole in
// (printfHoles) ({{printf "Dear %s" .name}}); each of those may be a
// parenthesized pipeline, read the same way ({{upper (trim .name)}},
// {{printf "Dear %s" (printf "%s %s" .first .last)}}). text is what
// printf prints besides them.
func (w *printWalk) command(cmd *parse.CommandNode, dot bool) (cols []string, text string) {
	args := cmd.Args
	if len(args) >= 2 && isIdent(args[0], "printf") {
		format, ok := args[1].(*parse.StringNode)
		if !ok {
			return nil, ""
		}
		holes, text := printfHoles(format.Text, len(args)-2)
		for i, a := range args[2:] {
			if holes[i] {
				c, more := w.arg(a, dot)
				cols, text = append(cols, c...), text+more
			}
		}
		return cols, text
	}
	if w.withDefault && len(args) == 3 && isIdent(args[0], "default") {
		cols, text = w.arg(args[2], dot)
		w.fills = append(w.fills, cols...)
		return cols, text
	}
	trims := false
	if len(args) == 2 {
		if id, ok := args[0].(*parse.IdentifierNode); ok && blankKeeping(id.Ident) {
			args, trims = args[1:], id.Ident == "trim"
		}
	}
	if len(args) != 1 {
		return nil, ""
	}
	cols, text = w.arg(args[0], dot)
	if trims {
		w.trims = append(w.trims, cols...)
	}
	return cols, text
}

// arg is the columns n, a command's argument, prints as holes: a column,
// or those of a parenthesized pipeline (pipe).
func (w *printWalk) arg(n parse.Node, dot bool) (cols []string, text string) {
	if p, ok := n.(*parse.PipeNode); ok {
		return w.pipe(p, dot)
	}
	if _, ok := n.(*parse.DotNode); ok && !dot && w.dotColumn != "" {
		w.fills = append(w.fills, w.dotColumn)
		return []string{w.dotColumn}, ""
	}
	if c, ok := w.column(n, dot); ok {
		return []string{c}, ""
	}
	return nil, ""
}

// column is the sheet column n reads as it is: .name while dot is the
// row, or $.name (within the walk, $ is always the row).
func (w *printWalk) column(n parse.Node, dot bool) (string, bool) {
	var c string
	switch a := n.(type) {
	case *parse.FieldNode:
		if !dot || len(a.Ident) != 1 {
			return "", false
		}
		c = a.Ident[0]
	case *parse.VariableNode:
		if len(a.Ident) != 2 || a.Ident[0] != "$" {
			return "", false
		}
		c = a.Ident[1]
	default:
		return "", false
	}
	return c, slices.Contains(w.t.columns, c)
}

// condition is the columns an {{if}} or {{with}} pipeline tests, when it
// tests only that they are filled: {{if .g}}, {{with $v := $.g}}, {{if
// and .g .h}}; ok is false for any other condition.
func (w *printWalk) condition(p *parse.PipeNode, dot bool) (cols []string, ok bool) {
	if len(p.Cmds) != 1 {
		return nil, false
	}
	args := p.Cmds[0].Args
	if len(args) > 1 && isIdent(args[0], "and") {
		args = args[1:]
	} else if len(args) != 1 {
		return nil, false
	}
	for _, a := range args {
		c, ok := w.column(a, dot)
		if !ok {
			return nil, false
		}
		cols = append(cols, c)
	}
	return cols, true
}

// splitRange is the column a {{range}} pipeline splits ({{range split ","
// .g}}): its body prints only when the column is filled; ok is false for
// any other range.
func (w *printWalk) splitRange(p *parse.PipeNode, dot bool) ([]string, bool) {
	if len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 3 || !isIdent(p.Cmds[0].Args[0], "split") {
		return nil, false
	}
	c, ok := w.column(p.Cmds[0].Args[2], dot)
	return []string{c}, ok
}

// call walks the template n calls when it is given the row, once for
// each set of guards.
func (w *printWalk) call(n *parse.TemplateNode, dot bool, guards []string) {
	if !passesRow(n.Pipe, dot) {
		return
	}
	if tree := w.t.calledTree(n, w.seen, strings.Join(guards, "\x00")); tree != nil {
		w.list(tree.Root, true, guards)
	}
}

// calledTree is the parse tree of the template n calls, for a walk that
// follows each template once for each of its walks' data (guards, what
// dot is), recorded in seen, and no more than maxCalls in all: nil when
// it was followed with data already, seen is full, or t has no such
// template.
func (t *Template) calledTree(n *parse.TemplateNode, seen map[string]bool, data string) *parse.Tree {
	// html/template renames a template it escapes in another context
	// ("x$htmltemplate_stateAttr…"); its nodes are those of x.
	name, _, _ := strings.Cut(n.Name, "$htmltemplate_")
	key := name + "\x00" + data
	if seen[key] || len(seen) >= maxCalls {
		return nil
	}
	seen[key] = true
	return t.lookup(name)
}

// lookup is the parse tree of the template named name in t's file, nil
// when there is none.
func (t *Template) lookup(name string) *parse.Tree {
	switch {
	case t.html != nil:
		if x := t.html.Lookup(name); x != nil {
			return x.Tree
		}
	case t.text != nil:
		if x := t.text.Lookup(name); x != nil {
			return x.Tree
		}
	}
	return nil
}

// blankKeeping reports whether fn prints a blank value as blank: a
// column given to it ({{title .name}}) prints as it does piped to it
// ({{.name | title}}). The escapers html/template and the Markdown body
// add to an action ({{.name}} is {{.name | _html_template_htmlescaper}})
// keep a blank too.
func blankKeeping(fn string) bool {
	switch fn {
	case "upper", "lower", "title", "trim", "html", "urlquery", "js", escapeFunc:
		return true
	}
	return strings.HasPrefix(fn, "_html_template_")
}

// keepsBlank reports whether cmds, the commands a value is piped through
// after the first, print a blank as blank: each a function that keeps
// one, or printf with the piped value where a blank leaves a hole
// ({{.name | printf "Dear %s"}}: printfHoles); text is what those printf print besides it.
func keepsBlank(cmds []*parse.CommandNode) (ok bool, text string) {
	for _, c := range cmds {
		id, isID := c.Args[0].(*parse.IdentifierNode)
		switch {
		case !isID:
			return false, ""
		case id.Ident == "printf":
			if len(c.Args) < 2 {
				return false, ""
			}
			format, isString := c.Args[1].(*parse.StringNode)
			if !isString {
				return false, ""
			}
			holes, more := printfHoles(format.Text, len(c.Args)-1)
			if !holes[len(holes)-1] {
				return false, ""
			}
			text += more
		case len(c.Args) != 1 || !blankKeeping(id.Ident):
			return false, ""
		}
	}
	return true, text
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

// readerTemplates are the templates whose text a reader sees, in the
// order the printing warnings name them: the subject, the text, HTML
// and Markdown bodies; each may be nil.
func (s *Set) readerTemplates() []*Template {
	return []*Template{s.Subject, s.Text, s.HTML, s.Markdown}
}

// walkPrintings walks the subject and the bodies for their places and
// printings once, before s is shared: Printed, BlankPrinted, BlankSeen,
// PrintedIn and PaddedIn, asked for each blank or padded column and row,
// then walk none (a 4.7 MB body took half a second a walk).
func (s *Set) walkPrintings() {
	for _, t := range s.readerTemplates() {
		if t != nil {
			t.placed = t.places()
			t.holes = slices.DeleteFunc(slices.Clone(t.placed), isFilled)
			t.walked = true
		}
	}
}

// printedColumns collects the printings of the subject and the bodies
// (walkPrintings' walk): printed, what a reader sees of a blank cell
// ("Dear ," in the text, ", your receipt" as the subject), each column
// and guards once; padded, every place kept that prints a column not
// trimmed, where white space at a value's ends may show (PrintedPadded).
func (s *Set) printedColumns() (printed, padded []printing) {
	for _, t := range s.readerTemplates() {
		if t == nil {
			continue
		}
		for _, p := range t.places() {
			if !p.filled && !slices.ContainsFunc(printed, func(q printing) bool { return q.column == p.column && slices.Equal(q.guards, p.guards) }) {
				printed = append(printed, p)
			}
			if !p.trimmed {
				padded = append(padded, p)
			}
		}
	}
	return printed, padded
}

// PrintedBlank lists the columns the subject or a body prints as holes
// (Template.Printed) that are blank in row (empty, or white space only)
// where the template prints them for row (the columns of an {{if}} around
// them filled), in the order the templates print them; nil when none is.
func (s *Set) PrintedBlank(row campaign.Row) []string { return blankPaths(s.printed, row) }

// BlankSeen is what a reader sees of the line where the subject or a body
// first prints column as a hole (Template.Printed) when it is blank, the
// subject first: "Hallo ," for "Hallo {{.Vorname}},", the line's other
// columns written "…", HTML without its tags, Markdown without its marks
// (see holedLine, blankSeen, markdownPlain); "" when none
// prints it so, or the line is the column alone (a subject "{{.title}}").
func (s *Set) BlankSeen(column string) string {
	for _, t := range s.readerTemplates() {
		if t == nil {
			continue
		}
		for _, p := range t.printings() {
			if p.column == column && t == s.Markdown {
				return markdownPlain(p.seen)
			}
			if p.column == column {
				return p.seen
			}
		}
	}
	return ""
}

// PrintedIn names where the subject and the bodies print column as a hole
// (Template.Printed), for a warning about its blank cells: "the subject",
// "body.txt", "the subject and body.txt", "the subject, body.txt and
// body.html"; "the subject or the body" when
// none does (a column the set does not print so).
func (s *Set) PrintedIn(column string) string {
	return s.printedIn(column, func(p printing) bool { return !p.filled })
}

// PaddedIn is PrintedIn of the places that print column not trimmed
// (see PrintedPadded), for a warning about its cells with white space
// at their ends: a subject "{{trim .name}}" is not named.
func (s *Set) PaddedIn(column string) string {
	return s.printedIn(column, func(p printing) bool { return !p.trimmed })
}

// printedIn is PrintedIn of the places keep keeps.
func (s *Set) printedIn(column string, keep func(printing) bool) string {
	var where []string
	for _, t := range s.readerTemplates() {
		if t == nil || !slices.ContainsFunc(t.places(), func(p printing) bool { return p.column == column && keep(p) }) {
			continue
		}
		if t == s.Subject || t.file == "" {
			where = append(where, "the "+t.name)
		} else {
			where = append(where, filepath.Base(t.file))
		}
	}
	if len(where) == 0 {
		return "the subject or the body"
	}
	return campaign.JoinAnd(where)
}
