package templates

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	texttemplate "text/template"
	"text/template/parse"
	"unicode/utf8"

	"github.com/tidings/tidings/campaign"
)

// ErrUnknownColumn is wrapped by the FileError of a template that names a
// column the sheet does not have.
var ErrUnknownColumn = errors.New("no such column in the sheet")

// ErrLineBreak is wrapped by the FileError of a one-line template (a header
// or attachment path) whose own text holds a line break or other control
// character.
var ErrLineBreak = errors.New("control character in a one-line template")

// ErrDateArgs: a call of date with its arguments the wrong way round
// (date takes the layout first, then the value).
var ErrDateArgs = errors.New("date takes the layout first, then the value")

// Template is one compiled template of a campaign. It is immutable after
// Compile and safe for concurrent use.
type Template struct {
	name    string // campaign key: "subject", "headers.X-Tag", "attachments[0]", "text", "html"
	file    string // file holding the source: the campaign file or a body file
	line    int    // line in file where the template text starts; 0 when unknown
	sheet   string // the recipient sheet, for RowErrors
	source  string
	columns []string
	usesRow bool
	// wholeRow: the template takes the row itself as data (see walker).
	wholeRow bool
	// dated are the columns the template passes to date as its value;
	// datedAny: it passes a value that may be any column's.
	dated    []string
	datedAny bool
	layout   bool // a layout: run with LayoutData (ExecuteLayout), not a row
	// max bounds the output for one row: max_message_size (see
	// execCapped, which keeps its writers in caps for the next row).
	max  int64
	caps sync.Pool
	// again executes a failed row again to tell every failing call
	// (allproblems.go); nil for a template that is not.
	again *rerun
	text  *texttemplate.Template
	html  *htmltemplate.Template
	// holes are the subject's and the bodies' printings, walked once by
	// Compile (walked) for every row and warning that asks.
	holes  []printing
	placed []printing // places, holes among them: walked with holes
	walked bool
	// rawQuery: the columns an unsubscribe.url writes into its query as
	// they are (RawQueryColumns); rawFix: for each, the action to write
	// instead (RawQueryFix).
	rawQuery []string
	rawFix   []string
}

// Name is the campaign key the template comes from: "from", "subject",
// "headers.X-Campaign", "attachments[0]", "unsubscribe.url", "text", "html",
// "markdown", "layout".
func (t *Template) Name() string { return t.name }

// File is the file the template text is in (the campaign file for inline
// templates) and Line the line where the text starts there (0 if unknown).
func (t *Template) File() string { return t.file }

// Line is the line of File where the template text starts; 0 if unknown.
func (t *Template) Line() int { return t.line }

// Source is the template text as compiled.
func (t *Template) Source() string { return t.source }

// Columns lists the sheet columns the template names, by header text (a
// column named by its Identifier too), each once, in order of first use.
// The caller must not modify the slice.
func (t *Template) Columns() []string { return t.columns }

// Const reports whether the output does not depend on the row (the
// template never looks at its data), so it can be executed once.
func (t *Template) Const() bool { return !t.usesRow }

// Execute writes the template's output for row to w; a layout runs with
// ExecuteLayout instead. Errors are *campaign.RowError values naming the
// row and, where it can be told, the column at fault; when more than one
// call fails because of the row's values ({{number 2 .a}} and {{date
// "iso" .b}}, both bad), a campaign.RowErrors of them all, in template
// order, a column named once (see allproblems.go). On error, w may have
// received partial output, so callers execute into a buffer.
func (t *Template) Execute(w io.Writer, row campaign.Row) error {
	var err error
	if t.layout {
		return fmt.Errorf("templates: %s: a layout runs with ExecuteLayout", t.name)
	}
	if t.html != nil {
		err = t.execCapped(w, func(w io.Writer) error { return t.html.Execute(w, row.Values) })
	} else {
		err = t.execCapped(w, func(w io.Writer) error { return t.text.Execute(w, row.Values) })
	}
	if err != nil {
		return t.problems(row, err)
	}
	return nil
}

// problems is the row's error for err, the first failure of executing
// t for row, with those of the calls after it that fail too.
func (t *Template) problems(row campaign.Row, err error) error {
	first := t.rowError(row, err)
	if t.again == nil || errors.Is(err, ErrOutputTooLarge) {
		return first
	}
	more := t.again.rest(t, row)
	if len(more) == 0 {
		return first
	}
	all := campaign.RowErrors{first}
	for _, e := range more {
		re := t.rowError(row, e)
		if !slices.ContainsFunc(all, func(o *campaign.RowError) bool { return o.Column != "" && o.Column == re.Column }) {
			all = append(all, re)
		}
	}
	if len(all) == 1 {
		return first
	}
	return all
}

// Column names the sheet column to blame for a bad piece of this template's
// output for row. For each token in turn, it looks among the columns the
// template names for the one whose (trimmed, non-empty) value occurs in the
// token, as it is or as %q quotes it, the longest if several do; failing that it names the only column
// the template names, or "". Pass the narrowest token first (the addr-spec
// of a bad address, then the whole address).
func (t *Template) Column(row campaign.Row, tokens ...string) string {
	for _, token := range tokens {
		best, bestLen, tie := "", 0, false
		for _, c := range t.columns {
			v := strings.TrimSpace(row.Values[c])
			if v == "" {
				continue
			}
			if !strings.Contains(token, v) {
				// Messages quote a value with %q: "1\u00a0234,50" for a
				// French sheet's 1 234,50.
				if v = quotedInner(v); !strings.Contains(token, v) {
					continue
				}
			}
			switch {
			case len(v) > bestLen:
				best, bestLen, tie = c, len(v), false
			case len(v) == bestLen:
				tie = true
			}
		}
		if best != "" && !tie {
			return best
		}
	}
	// A token cut out of a longer value ("Doe" from "Doe, John").
	for _, token := range tokens {
		token = strings.TrimSpace(token)
		if len(token) < 2 {
			continue
		}
		found := ""
		for _, c := range t.columns {
			if strings.Contains(row.Values[c], token) {
				if found != "" {
					found = ""
					break
				}
				found = c
			}
		}
		if found != "" {
			return found
		}
	}
	if len(t.columns) == 1 {
		return t.columns[0]
	}
	return ""
}

// ColumnWhere names the first column the template names whose value in row
// satisfies bad, or "" when none does.
func (t *Template) ColumnWhere(row campaign.Row, bad func(value string) bool) string {
	for _, c := range t.columns {
		if bad(row.Values[c]) {
			return c
		}
	}
	return ""
}

// quotedInner is v as %q writes it, without the quotes.
func quotedInner(v string) string {
	q := strconv.Quote(v)
	return q[1 : len(q)-1]
}

// Location is "file:line" for messages, or just the file, the file as
// campaign.ShownPath names it ("c.yaml:3" run from its folder).
func (t *Template) Location() string {
	if t.line > 0 {
		return fmt.Sprintf("%s:%d", campaign.ShownPath(t.file), t.line)
	}
	return campaign.ShownPath(t.file)
}

var noEntryRE = regexp.MustCompile(`no entry for key "([^"]*)"`)

// rowError is the row's problem for err, an error of executing t for
// row, naming the column at fault where it can be told.
func (t *Template) rowError(row campaign.Row, err error) *campaign.RowError {
	msg := err.Error()
	col := ""
	var bad *badEmailError
	if m := noEntryRE.FindStringSubmatch(msg); m != nil {
		col = m[1]
	} else if errors.Is(err, errEmptyNumber) {
		col = t.blankIn(row, msg) // the message names no value to look for
	} else if errors.Is(err, errEmptyEmail) {
		col = t.lastBlankIn(row, msg)
	} else if errors.As(err, &bad) {
		// The message quotes the email escaped (%q): look for it as is.
		col = t.Column(row, bad.email)
	} else if indexPastEnd(msg) {
		if col = t.actionColumn(msg); col == "" {
			col = t.Column(row, msg)
		}
	} else if col = t.Column(row, msg); col == "" {
		col = t.blankIn(row, msg)
	}
	if col != "" && idLike(col) && errors.Is(err, errNotNumber) && !errors.Is(err, errEmptyNumber) {
		// "030 1234567" under number: no decimal mark makes a phone number one.
		err = fmt.Errorf("%w; the column %q reads as a number that names something (a phone number, a postcode, an IBAN) or a year, which number is not for: print it as it is (%s)", withoutAdvice(err), col, fieldOf(col))
	}
	return &campaign.RowError{
		File:   t.sheet,
		Row:    row.Number,
		Column: col,
		Err:    &execError{name: t.name, loc: t.errLocation(msg), err: err},
	}
}

// actionRE finds the failing action in text/template's execution error.
var actionRE = regexp.MustCompile(`executing "[^"]*" at <(.*?)>: `)

// blankIn is the column the failing action of execution error msg names
// that is empty in row ({{address .name .email}} with no email): the one
// such column, "" when none or several are.
func (t *Template) blankIn(row campaign.Row, msg string) string {
	return t.oneColumnIn(msg, func(c string) bool { return strings.TrimSpace(row.Values[c]) == "" })
}

// oneColumnIn is the one column of t that the failing action of
// execution error msg names and that keep keeps, "" when none or
// several are.
func (t *Template) oneColumnIn(msg string, keep func(column string) bool) string {
	m := actionRE.FindStringSubmatch(msg)
	if m == nil {
		return ""
	}
	found := ""
	for _, c := range t.columns {
		if !keep(c) || !namesColumn(m[1], c) {
			continue
		}
		if found != "" {
			return ""
		}
		found = c
	}
	return found
}

// lastBlankIn is, of the columns the failing action of execution error
// msg names that are empty in row, the one it names last (address's
// email, after the name), "" when none is.
func (t *Template) lastBlankIn(row campaign.Row, msg string) string {
	m := actionRE.FindStringSubmatch(msg)
	if m == nil {
		return ""
	}
	found, at := "", -1
	for _, c := range t.columns {
		if strings.TrimSpace(row.Values[c]) != "" || !namesColumn(m[1], c) {
			continue
		}
		if i := max(strings.LastIndex(m[1], "."+c), strings.LastIndex(m[1], strconv.Quote(c))); i > at {
			found, at = c, i
		}
	}
	return found
}

// namesColumn reports whether action, as text/template prints it, names
// column c: as a field (.c, $.c, not .cx) or an index key ("c").
func namesColumn(action, c string) bool {
	if strings.Contains(action, strconv.Quote(c)) {
		return true
	}
	for i := 0; ; {
		j := strings.Index(action[i:], "."+c)
		if j < 0 {
			return false
		}
		end := i + j + 1 + len(c)
		if next, _ := utf8.DecodeRuneInString(action[end:]); end == len(action) || !isIdentRune(next) {
			return true
		}
		i = end
	}
}

var execLineRE = regexp.MustCompile(`^template: .*?:(\d+):\d+: executing `)

// errLocation is where in its file the failing action of an execution
// error msg is: text/template counts lines from the template's start.
func (t *Template) errLocation(msg string) string {
	m := execLineRE.FindStringSubmatch(msg)
	if m == nil {
		return t.Location()
	}
	n, _ := strconv.Atoi(m[1])
	return fmt.Sprintf("%s:%d", campaign.ShownPath(t.file), max(t.line, 1)+n-1)
}

// execError shortens text/template's execution error ("template: subject:1:
// 3: executing "subject" at <date "iso" .d>: error calling date: ...") to the
// part that helps a user, keeping the original for errors.Is/As.
type execError struct {
	name, loc string
	err       error
}

var callRE = regexp.MustCompile(`(?s)^error calling (\w+): (.*)$`)

var execPrefixRE = regexp.MustCompile(`^template: [^\n]*?: executing "[^"]*" at <.*?>: `)

func (e *execError) Error() string {
	if raw := e.err.Error(); indexPastEnd(raw) {
		return fmt.Sprintf("templates: %s (%s): %s", e.name, e.loc, indexPastEndMessage(raw))
	}
	msg := execPrefixRE.ReplaceAllString(e.err.Error(), "")
	if m := callRE.FindStringSubmatch(msg); m != nil {
		// "error calling date: templates: date: …" → "date: …"
		msg = strings.TrimPrefix(m[2], "templates: ")
		if !strings.HasPrefix(msg, m[1]+": ") {
			msg = m[1] + ": " + msg
		}
	}
	return fmt.Sprintf("templates: %s (%s): %s", e.name, e.loc, msg)
}

func (e *execError) Unwrap() error { return e.err }

// HeaderTemplate is one extra header of the campaign: its name and the
// template of its value.
type HeaderTemplate struct {
	Name  string
	Value *Template
}

// Set holds every compiled template of a campaign. Fields are nil when the
// campaign leaves that key empty (From, To and Subject are always set). A
// Set is immutable after Compile and safe for concurrent use; callers must
// not modify its fields.
type Set struct {
	From, Sender, ReplyTo, To, Cc, Bcc, Subject *Template
	UnsubscribeURL, UnsubscribeMailto           *Template
	// Attachments are path templates in campaign order.
	Attachments []*Template
	// Images are the paths of the HTML body's inline images of each row's
	// own (<img src="cid:{{.qr_file}}">: see RowImageRefs), in the order
	// the body first names them, each text once; the body's output writes
	// RowImageMarker(i) where it names Images[i].
	Images []*Template
	// Headers are the extra headers in campaign file order.
	Headers []HeaderTemplate
	// Text, HTML and Markdown are the body templates; at least one is
	// set, and never both HTML and Markdown. Markdown's output is Markdown
	// source with every value escaped (EscapeMarkdown).
	Text, HTML, Markdown *Template
	// Layout is the campaign's layout for the Markdown body (an
	// html/template run with ExecuteLayout), or nil for the built-in one.
	Layout *Template

	columns []string
	used    []string
	dated   []string
	printed []printing // printedColumns
	padded  []printing // printedColumns
	paths   []printing // pathColumns
	images  []printing // imagePaths
	// warnings are the compiler's notes that stop nothing (checkNumberIDs).
	warnings []string
}

// Warnings are notes about the templates that stop nothing, each a line
// naming its file and line: a year or an identifier given to number
// under a locale that groups thousands (checkNumberIDs).
func (s *Set) Warnings() []string { return s.warnings }

// Columns returns the sheet columns the Set was compiled against.
func (s *Set) Columns() []string { return s.columns }

// UsedColumns lists the sheet columns any template of the Set names (see
// Template.Columns), each once, in campaign order: from, sender, reply_to,
// to, cc, bcc, subject, attachments, headers, unsubscribe, text, html,
// markdown, the HTML body's inline images (Images).
// A template that takes the row itself as data ({{range $k, $v := .}},
// {{$r := .}}) may show any column: then every column of the sheet is in
// it. The caller must not modify the slice.
func (s *Set) UsedColumns() []string { return s.used }

// DateColumns lists the sheet columns a template passes to the date
// function as its value ({{date "2 Jan" .due}}, {{.due | date "iso"}}),
// each once; every used column (UsedColumns) when a template passes date
// a value that may be any column's ({{.due | trim | date "iso"}},
// {{with .due}}{{date "iso" .}}{{end}}). The caller must not modify the
// slice.
func (s *Set) DateColumns() []string { return s.dated }

// datedColumns are the column names of the references in nodes.
func datedColumns(nodes []parse.Node) []string {
	var cols []string
	for _, n := range nodes {
		switch a := n.(type) {
		case *parse.FieldNode:
			cols = append(cols, a.Ident[0])
		case *parse.VariableNode:
			cols = append(cols, a.Ident[1])
		case *parse.StringNode:
			cols = append(cols, a.Text)
		}
	}
	return cols
}

// usedColumns collects UsedColumns from the Set's templates.
func (s *Set) usedColumns() []string {
	all := s.all()
	var used []string
	seen := map[string]bool{}
	for _, t := range all {
		if t.wholeRow && s.columns != nil {
			return slices.Clone(s.columns) // every column may reach the message
		}
	}
	for _, t := range all {
		for _, c := range t.columns {
			if !seen[c] {
				seen[c] = true
				used = append(used, c)
			}
		}
	}
	return used
}

// all are the Set's templates (not the layout) in campaign order: from,
// sender, reply_to, to, cc, bcc, subject, attachments, headers,
// unsubscribe, text, html, markdown, Images.
func (s *Set) all() []*Template {
	all := []*Template{s.From, s.Sender, s.ReplyTo, s.To, s.Cc, s.Bcc, s.Subject}
	all = append(all, s.Attachments...)
	for _, h := range s.Headers {
		all = append(all, h.Value)
	}
	all = append(all, s.UnsubscribeURL, s.UnsubscribeMailto, s.Text, s.HTML, s.Markdown)
	all = append(all, s.Images...)
	return slices.DeleteFunc(all, func(t *Template) bool { return t == nil })
}

// datedColumns collects DateColumns from the Set's templates: every used
// column when one passes date a value it cannot tie to a column.
func (s *Set) datedColumns() []string {
	var dated []string
	for _, t := range s.all() {
		if t.datedAny {
			return s.used
		}
		for _, c := range t.dated {
			if !slices.Contains(dated, c) {
				dated = append(dated, c)
			}
		}
	}
	return dated
}

// Compile parses every template of c once: from, sender, reply_to, to, cc,
// bcc, subject, attachments, header values, unsubscribe.url and
// unsubscribe.mailto (text/template, one line each), the text body file
// (text/template), the html body file (html/template: values are
// HTML-escaped), the markdown body file (text/template, values escaped
// for Markdown) and the layout (html/template, see LayoutData). All run
// with missingkey=error and the function set listed in the package
// documentation.
//
// columns are the sheet's header texts. A template names a column by its
// text or by its Identifier ({{.First_Name}} for "First Name"); any other
// name is an error (ErrUnknownColumn, with the column it probably means),
// and so are two columns with the same Identifier (ErrColumnClash). A nil
// columns skips those checks, and identifiers are then not resolved.
//
// Errors are *campaign.FileError values with the template's file (the
// campaign file for inline templates, naming the key) and line; several
// problems are joined with errors.Join. Any of them makes the campaign
// unusable.
func Compile(c *campaign.Campaign, columns []string) (*Set, error) {
	return compile(c, columns, "")
}

// CompileSheet is Compile with the columns of sheet; a message about a
// column the sheet lacks also says which worksheet of a workbook was read
// and which others it has (campaign.SheetNote), since the list is often on
// another sheet.
func CompileSheet(c *campaign.Campaign, sheet campaign.Sheet) (*Set, error) {
	return compile(c, sheet.Columns(), campaign.SheetNote(sheet))
}

func compile(c *campaign.Campaign, columns []string, sheetNote string) (*Set, error) {
	cp := compiler{c: c, columns: columns, sheetNote: sheetNote, lines: sourceLines(c.File)}
	if columns != nil {
		cp.names, cp.errs = newColumnNames(columns, c.Recipients.Path)
	}
	s := &Set{columns: columns}
	s.From = cp.inline("from", c.From)
	s.Sender = cp.inline("sender", c.Sender)
	s.ReplyTo = cp.inline("reply_to", c.ReplyTo)
	s.To = cp.inline("to", c.To)
	s.Cc = cp.inline("cc", c.Cc)
	s.Bcc = cp.inline("bcc", c.Bcc)
	s.Subject = cp.inline("subject", c.Subject)
	for i, a := range c.Attachments {
		if t := cp.inline(fmt.Sprintf("attachments[%d]", i), a); t != nil && cp.slashedPath(t) {
			s.Attachments = append(s.Attachments, t)
		}
	}
	for _, h := range c.Headers {
		if t := cp.inline("headers."+h.Name, h.Value); t != nil {
			s.Headers = append(s.Headers, HeaderTemplate{Name: h.Name, Value: t})
		}
	}
	s.UnsubscribeURL = cp.inline("unsubscribe.url", c.Unsubscribe.URL)
	cp.checkRawQuery(s.UnsubscribeURL)
	cp.checkFeedbackID(s)
	s.UnsubscribeMailto = cp.inline("unsubscribe.mailto", c.Unsubscribe.Mailto)
	s.Text = cp.file("text", c.Text, false)
	s.HTML = cp.file("html", c.HTML, true)
	s.Images = cp.images
	cp.errs = append(cp.errs, rowDotErrors(s.HTML, s.Images)...)
	s.Markdown = cp.markdown("markdown", c.Markdown)
	s.Layout = cp.layout("layout", c.Layout)
	if err := errors.Join(cp.errs...); err != nil {
		return nil, err
	}
	s.used = s.usedColumns()
	s.dated = s.datedColumns()
	s.walkPrintings()
	s.printed, s.padded = s.printedColumns()
	s.paths = s.pathColumns()
	s.images = s.imagePaths()
	s.warnings = cp.warns
	return s, nil
}

type compiler struct {
	c         *campaign.Campaign
	columns   []string
	names     columnNames
	sheetNote string // campaign.SheetNote, for unknown columns
	lines     map[string]int
	errs      []error
	warns     []string                // Set.Warnings
	images    []*Template             // Set.Images (rowImages)
	imageOf   map[string]int          // the index in images of a path's text
	breaks    map[*Template]lineIndex // each template's line breaks (line)
}

// inline compiles a one-line template from the campaign file. Trailing line
// breaks (left by YAML block scalars) are dropped; any other control
// character in the template's own text is an error, so that line breaks in
// headers can only come from data, where render refuses them per row. A
// tab in the subject's own text is no error but a warning at its line:
// render shows it as a space, as it does a tab in a cell the subject reads.
func (cp *compiler) inline(key, src string) *Template {
	return cp.inlineAt(key, src, cp.c.File, cp.lines[key])
}

// inlineAt is inline for a one-line template at line of file: one of the
// campaign file's, or an inline image's path in the HTML body (rowImages).
func (cp *compiler) inlineAt(key, src, file string, line int) *Template {
	src = strings.TrimRight(src, "\r\n")
	if strings.TrimSpace(src) == "" {
		return nil
	}
	t := &Template{name: key, file: file, line: line, sheet: cp.c.Recipients.Path, source: src, max: int64(cp.c.MaxMessageSize)}
	fm := templateFuncs(cp.c.Recipients, t.max)
	tt, err := texttemplate.New(key).Option("missingkey=error").Funcs(fm).Parse(src)
	if err != nil {
		cp.noteParseError(t, err, funcs(cp.c.Recipients))
		return nil
	}
	t.text = tt
	w := cp.walk(t, func(name string) *parse.Tree {
		if x := tt.Lookup(name); x != nil {
			return x.Tree
		}
		return nil
	}, tt.Tree)
	tabbed := false
	for _, tn := range w.text {
		text := tn.name
		if key == "subject" && strings.ContainsRune(text, '\t') {
			// As a tab in a cell the subject reads (render's
			// rowSubject): a space, told once.
			if !tabbed {
				cp.warns = append(cp.warns, (&campaign.FileError{File: t.file, Line: cp.line(t, tn.node),
					Err: fmt.Errorf("templates: subject: %q holds a tab, which the subject shows as a space", tn.name)}).Error())
			}
			tabbed, text = true, strings.ReplaceAll(text, "\t", " ")
		}
		if strings.IndexFunc(text, isControl) >= 0 {
			cp.errs = append(cp.errs, &campaign.FileError{
				File: t.file, Line: cp.line(t, tn.node),
				Err: fmt.Errorf("templates: %s: %w: %q (a header is one line)", key, ErrLineBreak, tn.name),
			})
			return nil
		}
	}
	t.again = newRerun(fm, tt, nil, textRoots(tt))
	return t
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// readFile reads the template file at path for setting key into a
// Template not compiled yet; nil (the error noted) when it cannot be read.
func (cp *compiler) readFile(key, path string) *Template {
	data, err := os.ReadFile(path)
	if err != nil {
		if merr := cp.c.MissingFile(key, path, err); merr != err {
			cp.errs = append(cp.errs, merr)
			return nil
		}
		cp.errs = append(cp.errs, &campaign.FileError{File: path, Err: fmt.Errorf("templates: %s: %w", key, err)})
		return nil
	}
	data, line, err := campaign.UTF8Text(data)
	if err != nil {
		cp.errs = append(cp.errs, &campaign.FileError{File: path, Line: line, Err: fmt.Errorf("templates: %s: %w", key, err)})
		return nil
	}
	return &Template{name: key, file: path, line: 1, sheet: cp.c.Recipients.Path, source: string(data), max: int64(cp.c.MaxMessageSize)}
}

// file compiles a body template from its file; key is "text" or "html".
func (cp *compiler) file(key, path string, html bool) *Template {
	if path == "" {
		return nil
	}
	t := cp.readFile(key, path)
	if t == nil {
		return nil
	}
	cp.checkBodyHeaders(t)
	src := t.source
	name := filepath.Base(path)
	fm := templateFuncs(cp.c.Recipients, t.max)
	if html {
		var ok bool
		if src, ok = cp.rowImages(t); !ok {
			return nil
		}
		var kept func(int) htmltemplate.HTML
		var unkept *conditionalError
		if src, kept, unkept = keepConditionalComments(src); unkept != nil {
			cp.errs = append(cp.errs, cp.conditionalError(t, unkept))
			return nil
		}
		if kept != nil {
			fm[conditionalFunc] = kept
		}
		ht, err := htmltemplate.New(name).Option("missingkey=error").Funcs(fm).Parse(src)
		if err != nil {
			cp.noteParseError(t, err, funcs(cp.c.Recipients))
			return nil
		}
		t.html = ht
		cp.walk(t, func(n string) *parse.Tree {
			if x := ht.Lookup(n); x != nil {
				return x.Tree
			}
			return nil
		}, ht.Tree)
		t.again = newRerun(fm, nil, ht, htmlRoots(ht)) // before ht's escaping, which a clone must not follow
		// html/template escapes on first use; do it now so that an escaping
		// problem (an action inside a <script> string, say) is a file error
		// with a line, not a failure of every row. Execution errors (no row
		// data) are expected and ignored.
		if err := ht.Execute(io.Discard, map[string]string{}); err != nil {
			var he *htmltemplate.Error
			if errors.As(err, &he) && he.ErrorCode != htmltemplate.ErrorCode(0) {
				line := he.Line
				if line == 0 && he.Node != nil {
					line = cp.line(t, he.Node)
				}
				if he.ErrorCode == htmltemplate.ErrEndContext {
					words, at := endContext(he.Description, src)
					cp.errs = append(cp.errs, &campaign.FileError{File: path, Line: cmp.Or(at, line),
						Err: &endContextError{key: key, words: words, err: err}})
					return nil
				}
				cp.errs = append(cp.errs, &campaign.FileError{File: path, Line: line, Err: fmt.Errorf("templates: %s: %w", key, err)})
				return nil
			}
		}
		return t
	}
	tt, err := texttemplate.New(name).Option("missingkey=error").Funcs(fm).Parse(src)
	if err != nil {
		cp.noteParseError(t, err, funcs(cp.c.Recipients))
		return nil
	}
	t.text = tt
	cp.walk(t, func(n string) *parse.Tree {
		if x := tt.Lookup(n); x != nil {
			return x.Tree
		}
		return nil
	}, tt.Tree)
	t.again = newRerun(fm, tt, nil, textRoots(tt))
	return t
}

// textRoots are the parse trees of tt and the templates it defines.
func textRoots(tt *texttemplate.Template) []*parse.Tree {
	var roots []*parse.Tree
	for _, x := range tt.Templates() {
		roots = append(roots, x.Tree)
	}
	return roots
}

// htmlRoots are the parse trees of ht and the templates it defines.
func htmlRoots(ht *htmltemplate.Template) []*parse.Tree {
	var roots []*parse.Tree
	for _, x := range ht.Templates() {
		roots = append(roots, x.Tree)
	}
	return roots
}

// walk finds the columns t names, records them in t and reports unknown
// ones. A column named by its Identifier is renamed, in the parse tree, to
// its header text, which is the key of the row's values.
func (cp *compiler) walk(t *Template, lookup func(string) *parse.Tree, root *parse.Tree) *walker {
	w := &walker{lookup: lookup, seen: map[string]bool{}}
	w.walkTree(root, true)
	t.usesRow, t.wholeRow = w.usesRow, w.wholeRow
	cp.checkJinja(t, w.text)
	cp.checkHalfOpen(t, w.text)
	cp.checkMergeFields(t, w.text)
	for _, r := range w.swapped {
		cp.errs = append(cp.errs, &campaign.FileError{
			File: t.file, Line: cp.line(t, r.node),
			Err: fmt.Errorf("templates: %s: %w: {{%s}} passes the date first; write {{date %q VALUE}}", t.name, ErrDateArgs, r.node, r.name),
		})
	}
	cp.checkCalls(t, w.calls)
	cp.checkArgTypes(t, w.calls)
	cp.checkComparisons(t, w.calls)
	cp.checkTextOrder(t, w.calls)
	cp.checkPrintf(t, w.calls)
	cp.checkNumberPlaces(t, w.calls)
	cp.checkNumberIDs(t, w.calls)
	cp.checkTrimGlue(t)
	cp.checkDateLayouts(t, w.calls)
	cp.resolveColumns(t, w.refs)
	t.dated = datedColumns(w.dated) // the references renamed to their columns above
	t.datedAny = w.datedAny
	return w
}

// resolveColumns sets t.columns to the sheet columns refs name, each
// once, in order: a reference written as its header's Identifier is
// renamed to the header (columnNames.resolve), and one
// the sheet has not is an error, told once per name. A name in a list
// of columns ({{index $ .}}) is read as written, so one that is not its
// header exactly is an error too.
func (cp *compiler) resolveColumns(t *Template, refs []colRef) {
	seen, reported := map[string]bool{}, map[string]bool{}
	for _, r := range refs {
		col := r.name
		if cp.columns != nil {
			col = cp.names.resolve(r.name)
			switch {
			case col == "":
				col = r.name
				if !reported[col] {
					reported[col] = true
					cp.errs = append(cp.errs, cp.unknownColumn(t, r))
				}
			case col != r.name && r.item:
				if !reported[r.name] {
					reported[r.name] = true
					cp.errs = append(cp.errs, &campaign.FileError{File: t.file, Line: cp.line(t, r.node),
						Err: fmt.Errorf("templates: %s: %w: %q in a list of columns: write the column's header as the sheet has it, %q", t.name, ErrUnknownColumn, r.name, col)})
				}
			case col != r.name:
				rename(r.node, col)
			}
		}
		if !seen[col] {
			seen[col] = true
			t.columns = append(t.columns, col)
		}
	}
}

// unknownColumn is the error for r, a name that is no column of the sheet,
// with the column it probably means (and, for a to: the campaign file
// does not write, what its default reads).
func (cp *compiler) unknownColumn(t *Template, r colRef) error {
	hint, note := "", ""
	if c := garbledColumn(r.name, cp.columns); c != "" {
		hint = fmt.Sprintf("; the sheet's column %q is %q garbled: %s", c, r.name, campaign.GarbledAdviceFor(cp.c.Recipients.Encoding))
	} else if c, advice := campaign.MisreadHeader(cp.c.Recipients.Encoding, cp.columns, func(n string) bool { return n == r.name || Identifier(n) == r.name }); c != "" {
		hint = "; " + advice
	} else if c := cp.names.suggest(r.name, cp.columns); c != "" && r.item {
		hint = fmt.Sprintf("; did you mean %q?", c)
	} else if c != "" {
		hint = "; " + cp.names.hint(c)
	}
	if r.looped && hint == "" {
		hint = loopColumnsHint // not a near column's name: no such list
	}
	if t.name == "to" && t.line == 0 {
		// Not written: the reader looks for a to: that is not there.
		hint += fmt.Sprintf("; the campaign file has no to:, whose default, %s, reads the column %q: write to: with the column of the addresses", t.source, r.name)
	}
	if cp.sheetNote != "" {
		note = "; " + cp.sheetNote
	}
	return &campaign.FileError{
		File: t.file, Line: cp.line(t, r.node),
		Err: fmt.Errorf("templates: %s: %w: %q%s (columns: %s)%s", t.name, ErrUnknownColumn, r.name, hint, cp.names.list(cp.columns), note),
	}
}

// garbledColumn is the column of columns whose header is name garbled by
// a wrong import (campaign.Garbled: "FÃ¤llig" for "Fällig"), or "".
// Suggesting its Identifier would have the template written garbled too.
func garbledColumn(name string, columns []string) string {
	for _, c := range columns {
		if was, ok := campaign.Garbled(c); ok && (was == name || Identifier(was) == name) {
			return c
		}
	}
	return ""
}

// line maps the position of node n, of one of t's parse trees, to a line
// of t's file: every tree parsed from t reads t's source (or one of the
// same lines, rowImages' and keepConditionalComments'), whose line breaks
// are indexed once (cp.breaks).
func (cp *compiler) line(t *Template, n parse.Node) int {
	if n == nil {
		return t.line
	}
	return cp.lineAt(t, int(n.Position()))
}

// lineAt is the line of t's file holding offset off of t's source (see
// line); 0 for a template whose line is not known (t.line 0).
func (cp *compiler) lineAt(t *Template, off int) int {
	if t.line == 0 {
		return t.line
	}
	x, ok := cp.breaks[t]
	if !ok {
		x = newLineIndex(t.source)
		if cp.breaks == nil {
			cp.breaks = map[*Template]lineIndex{}
		}
		cp.breaks[t] = x
	}
	return t.line + x.lineOf(off) - 1
}

var parseErrRE = regexp.MustCompile(`(?s)^template: .*?:(\d+): (.*)$`)

// parseError turns a text/template parse error ("template: NAME:LINE: msg")
// into a FileError at the right line of t's file.
func (cp *compiler) parseError(t *Template, err error) error {
	fe := &campaign.FileError{File: t.file, Line: t.line, Err: fmt.Errorf("templates: %s: %w", t.name, err)}
	if m := parseErrRE.FindStringSubmatch(err.Error()); m != nil {
		l, _ := strconv.Atoi(m[1])
		if l > 0 && t.line > 0 {
			fe.Line = t.line + l - 1
		}
		msg := m[2] + cp.spacedHint(t.source) + cp.funcHint(m[2]) + cp.callHint(t.source, l, m[2]) + braceHint(t.source, t.file != cp.c.File)
		if strings.Contains(m[2], "unexpected EOF") {
			if word, line := unclosedAction(t.source); line > 0 {
				where := ""
				if t.file != cp.c.File { // a body file: its own lines
					where = fmt.Sprintf(" at line %d", line)
				}
				msg = fmt.Sprintf("the {{%s}}%s has no {{end}} (%s)", word, where, m[2])
				if t.line > 0 {
					fe.Line = t.line + line - 1
				}
			}
		}
		fe.Err = &parseError{name: t.name, msg: msg, err: err}
	}
	return fe
}

// unclosedAction finds, in a template's source, the innermost block
// action ({{if}}, {{range}}, {{with}}, {{define}}, {{block}}) that no
// {{end}} closes: its word and line (1-based; 0 when none), for a parse
// error that only says the template ended ("unexpected EOF"). Written by
// hand: text/template's parser keeps no position of the block it was in.
func unclosedAction(src string) (word string, line int) {
	type open struct {
		word string
		line int
	}
	var stack []open
	at := 1
	for {
		i := strings.Index(src, "{{")
		if i < 0 {
			break
		}
		at += strings.Count(src[:i], "\n")
		src = src[i+2:]
		j := strings.Index(src, "}}")
		if j < 0 {
			break
		}
		action := strings.TrimSpace(strings.Trim(src[:j], "-"))
		first, _, _ := strings.Cut(action, " ")
		switch first {
		case "if", "range", "with", "define", "block":
			stack = append(stack, open{first, at})
		case "end":
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
		at += strings.Count(src[:j], "\n")
		src = src[j+2:]
	}
	if len(stack) == 0 {
		return "", 0
	}
	o := stack[len(stack)-1]
	return o.word, o.line
}

var undefinedFuncRE = regexp.MustCompile(`function "([^"]+)" not defined`)

// funcHint names the column a parse error's undefined function is
// written without its dot ({{email}}), or the function it probably means
// ("uper"), with the list of them, or gives "".
func (cp *compiler) funcHint(msg string) string {
	m := undefinedFuncRE.FindStringSubmatch(msg)
	if m == nil {
		return ""
	}
	if hint := cp.columnHint(m[1]); hint != "" {
		return hint
	}
	switch m[1] {
	case "endif", "endfor", "endwith", "endunless", "endeach":
		return fmt.Sprintf(" (every block ends with {{end}}: write {{end}}, not {{%s}})", m[1])
	case "elif", "elseif", "elsif":
		return fmt.Sprintf(" (write {{else if …}}, not {{%s …}})", m[1])
	}
	names := slices.Sorted(maps.Keys(funcs(cp.c.Recipients)))
	builtins := []string{"and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne", "lt", "le", "gt", "ge", "urlquery", "html", "js", "call"}
	if c := campaign.Closest(m[1], append(slices.Clone(names), builtins...)); c != "" {
		return fmt.Sprintf(" (did you mean %s? tidings' functions: %s)", c, strings.Join(names, ", "))
	}
	return fmt.Sprintf(" (tidings' functions: %s; tidings help templates shows each)", strings.Join(names, ", "))
}

// spacedHint explains a syntax error that comes from writing a column
// whose header is not an identifier as a field ({{.First Name}}): it names
// the first such column src holds after a '.', or gives "".
func (cp *compiler) spacedHint(src string) string {
	for _, c := range cp.columns {
		if id := Identifier(c); id != c && strings.Contains(src, "."+c) {
			return fmt.Sprintf(" (the column %q is written {{.%s}} or {{index . %q}})", c, id, c)
		}
	}
	return ""
}

type parseError struct {
	name, msg string
	err       error
}

func (e *parseError) Error() string { return fmt.Sprintf("templates: %s: %s", e.name, e.msg) }
func (e *parseError) Unwrap() error { return e.err }

// Fields holds one row's rendered templates. Header strings are the raw
// template output (render checks and encodes them). Text, HTML and
// Markdown are nil when the campaign has no such body; they point into
// pooled buffers that Release gives back.
type Fields struct {
	From, Sender, ReplyTo, To, Cc, Bcc, Subject string
	UnsubscribeURL, UnsubscribeMailto           string
	// Attachments are the rendered paths, in campaign order.
	Attachments []string
	// Headers are the rendered values of Set.Headers, in the same order.
	Headers              []string
	Text, HTML, Markdown []byte

	bufs []*bytes.Buffer
}

// Release returns the body buffers to a pool for reuse. Text and HTML must
// not be used afterwards. Calling it is optional.
func (f *Fields) Release() {
	for _, b := range f.bufs {
		putBuffer(b)
	}
	f.bufs, f.Text, f.HTML, f.Markdown = nil, nil, nil, nil
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuffer() *bytes.Buffer { return bufPool.Get().(*bytes.Buffer) }

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 { // do not keep huge buffers alive
		return
	}
	b.Reset()
	bufPool.Put(b)
}

// Execute renders every template of the Set for row. It is safe for
// concurrent use. Errors are *campaign.RowError values (see
// Template.Execute: a template's failing calls all); the first failing
// template stops the row.
func (s *Set) Execute(row campaign.Row) (*Fields, error) {
	f := &Fields{}
	buf := getBuffer()
	defer putBuffer(buf)
	str := func(t *Template, dst *string) error {
		if t == nil {
			return nil
		}
		buf.Reset()
		if err := t.Execute(buf, row); err != nil {
			return err
		}
		*dst = buf.String()
		return nil
	}
	for _, p := range []struct {
		t   *Template
		dst *string
	}{
		{s.From, &f.From}, {s.Sender, &f.Sender}, {s.ReplyTo, &f.ReplyTo},
		{s.To, &f.To}, {s.Cc, &f.Cc}, {s.Bcc, &f.Bcc}, {s.Subject, &f.Subject},
		{s.UnsubscribeURL, &f.UnsubscribeURL}, {s.UnsubscribeMailto, &f.UnsubscribeMailto},
	} {
		if err := str(p.t, p.dst); err != nil {
			return nil, err
		}
	}
	f.Attachments = make([]string, len(s.Attachments))
	for i, t := range s.Attachments {
		if err := str(t, &f.Attachments[i]); err != nil {
			return nil, err
		}
	}
	f.Headers = make([]string, len(s.Headers))
	for i, h := range s.Headers {
		if err := str(h.Value, &f.Headers[i]); err != nil {
			return nil, err
		}
	}
	for _, p := range []struct {
		t   *Template
		dst *[]byte
	}{{s.Text, &f.Text}, {s.HTML, &f.HTML}, {s.Markdown, &f.Markdown}} {
		if p.t == nil {
			continue
		}
		b := getBuffer()
		if err := p.t.Execute(b, row); err != nil {
			putBuffer(b)
			f.Release()
			return nil, err
		}
		f.bufs = append(f.bufs, b)
		*p.dst = b.Bytes()
	}
	return f, nil
}

// Files lists the files the Set's templates were read from (the campaign
// file, the body files), each once, in the order first met.
func (s *Set) Files() []string {
	var out []string
	add := func(t *Template) {
		if t != nil && t.file != "" && !slices.Contains(out, t.file) {
			out = append(out, t.file)
		}
	}
	for _, t := range []*Template{s.From, s.Sender, s.ReplyTo, s.To, s.Cc, s.Bcc, s.Subject, s.UnsubscribeURL, s.UnsubscribeMailto, s.Text, s.HTML, s.Markdown, s.Layout} {
		add(t)
	}
	for _, t := range s.Attachments {
		add(t)
	}
	for _, h := range s.Headers {
		add(h.Value)
	}
	return out
}
