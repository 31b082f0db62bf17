package templates

import (
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"strings"
	texttemplate "text/template"
)

// maxParseErrors bounds how many parse errors noteParseError notes for
// one template.
const maxParseErrors = 20

// noteParseError notes err, the parse error of t, whose functions are fm.
// text/template stops at its first error; when that is a column written
// as a function ({{email}}, see columnLike), t is parsed again with that
// name made a function, and the next error is noted too, and so on: every
// such mistake of the file is told at once, with the first other error
// after them.
func (cp *compiler) noteParseError(t *Template, err error, fm map[string]any) {
	cp.checkJinjaSource(t)
	fm = maps.Clone(fm)
	for range maxParseErrors {
		cp.errs = append(cp.errs, cp.parseError(t, err))
		m := undefinedFuncRE.FindStringSubmatch(err.Error())
		if m == nil || cp.columnLike(m[1]) == "" || fm[m[1]] != nil {
			return
		}
		fm[m[1]] = func(...any) string { return "" }
		if _, err = texttemplate.New(t.name).Funcs(fm).Parse(t.source); err == nil {
			return
		}
	}
}

// columnHint is the hint for a function name that is a column written
// without its dot ({{email}}, {{ Name }}), or "".
func (cp *compiler) columnHint(name string) string {
	c := cp.columnLike(name)
	if c == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean {{.%s}}? a column is written with a leading dot)", Identifier(c))
}

// callHint explains the parse error msg at line (1-based) of src when it
// comes from a call written as Jinja and Python write it: its arguments
// in parentheses ({{name|default("friend")}}) or text in single quotes;
// or from a condition written with an operator (infixHint). It gives "" for
// other errors.
func (cp *compiler) callHint(src string, line int, msg string) string {
	if hint := cp.pipeCompareHint(sourceLine(src, line)); hint != "" && !undefinedFuncRE.MatchString(msg) {
		return hint
	}
	if hint := cp.infixHint(sourceLine(src, line), msg); hint != "" {
		return hint
	}
	switch {
	case strings.Contains(msg, `unexpected "(" in operand`):
		return "; functions take their arguments after a space, without parentheses: " + cp.unparen(sourceLine(src, line))
	case strings.HasPrefix(msg, "malformed character constant"):
		return "; text is written in double quotes or backquotes (\"friend\", `friend`), not in single quotes"
	case typographicQuoteRE.MatchString(msg):
		return smartQuoteHint(sourceLine(src, line))
	case oddSpaceRE.MatchString(msg):
		return "; that is a space a word processor or a web page put there (a no-break or zero-width space), which looks like one but is not: inside {{ }} retype it as an ordinary space, or delete it"
	}
	return ""
}

// pipeCompareRE finds a condition written as Thunderbird's Mail Merge
// writes it, the operator between bars: {{if Gender|==|m}}.
var pipeCompareRE = regexp.MustCompile(`\{\{-?\s*(if|else\s+if)\s+\.?(\w+)\s*\|(==|!=|[^|{}\s]{1,2})\|([^|{}]*?)\s*-?\}\}`)

// pipeCompareHint is the hint for the first condition of line written
// with an operator between bars (pipeCompareRE), or "": == and != as eq
// and ne, any other operator with a word on conditions.
func (cp *compiler) pipeCompareHint(line string) string {
	m := pipeCompareRE.FindStringSubmatch(line)
	if m == nil {
		return ""
	}
	fn := compareFuncs[m[3]]
	if fn == "" {
		return fmt.Sprintf("; a condition is a call, not an operator between bars (|%s|): {{if eq .a \"x\"}}, {{if ne .a \"x\"}}, {{if .a}}; tidings help templates shows the functions", m[3])
	}
	return fmt.Sprintf("; a condition is a call, not an operator between bars: {{%s %s %s %q}}", strings.Join(strings.Fields(m[1]), " "), fn, cp.jinjaField(m[2]), m[4])
}

// typographicQuoteRE matches text/template's error for a typographic
// quote inside an action: “ ” „ ‘ ’ ‚ « », as Word's AutoFormat writes
// quotes (and a document's text pasted into a template keeps).
var typographicQuoteRE = regexp.MustCompile(`^(?:unrecognized character in action: |bad character )U\+(201[CDE89A]|00AB|00BB) `)

// oddSpaceRE matches text/template's error for a space inside an action
// that is not an ASCII one: a no-break space (U+00A0, U+202F, U+2007:
// Word puts them before « » and :, and in numbers), a zero-width space
// or joiner, or a byte order mark.
var oddSpaceRE = regexp.MustCompile(`^(?:unrecognized character in action: |bad character )U\+(00A0|202F|2007|200B|200C|200D|2060|FEFF)`)

// straightQuotes writes each typographic double quote of s as '"' and
// each single one as '"' too: an action reads text in double quotes only.
var straightQuotes = strings.NewReplacer("“", `"`, "”", `"`, "„", `"`, "‘", `"`, "’", `"`, "‚", `"`, "«", `"`, "»", `"`)

// smartQuoteHint is the hint for a typographic quote in an action of
// line: what to write, the line's actions with straight quotes.
func smartQuoteHint(line string) string {
	fixed := lineActionRE.ReplaceAllStringFunc(line, straightQuotes.Replace)
	if fixed == line {
		return `; a word processor wrote a typographic quote (“ ” ‘ ’): inside {{ }} text is written in straight double quotes ("friend")`
	}
	return `; a word processor wrote a typographic quote (“ ” ‘ ’): inside {{ }} text is written in straight double quotes: ` + clipLine(strings.TrimSpace(fixed))
}

// lineActionRE finds an action on one line: {{ … }}.
var lineActionRE = regexp.MustCompile(`\{\{.*?\}\}`)

// parenCallRE finds a call written with parentheses, piped a value or
// not: {{ name|default("friend") }}, {{upper(.name)}}.
var parenCallRE = regexp.MustCompile(`\{\{-?\s*(?:([\w.$]+)\s*\|\s*)?(\w+)\(([^(){}]*)\)`)

// unparen writes the first call with parentheses in line as a template
// writes it ({{.name | default "friend"}}), or an example when there is
// none to be found.
func (cp *compiler) unparen(line string) string {
	if fix := cp.pyMethod(line); fix != "" {
		return fix
	}
	m := parenCallRE.FindStringSubmatch(line)
	if m == nil {
		return `as in {{.name | default "friend"}}`
	}
	parts := []string{m[2]}
	single := false
	for _, a := range strings.Split(m[3], ",") {
		a = strings.TrimSpace(a)
		switch {
		case a == "":
			continue
		case len(a) >= 2 && a[0] == '\'' && a[len(a)-1] == '\'':
			a, single = strconv.Quote(a[1:len(a)-1]), true
		case isIdentifier(a) && a != "true" && a != "false" && a != "nil":
			a = cp.jinjaField(a)
		}
		parts = append(parts, a)
	}
	call := strings.Join(parts, " ")
	if v := m[1]; v != "" {
		if isIdentifier(v) {
			v = cp.jinjaField(v)
		}
		call = v + " | " + call
	}
	if single {
		return "{{" + call + "}} (text in double quotes or backquotes, not single quotes)"
	}
	return "{{" + call + "}}"
}

// sourceLine is line n (1-based) of src, or "".
func sourceLine(src string, n int) string {
	lines := strings.Split(src, "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}

// braceHint explains a parse error that comes from an action not closed
// with "}}": text/template says only `unexpected "," in operand` for
// "{{.name, welcome" or `bad character U+007D '}'` for "{{.name}", and
// of "{{.name" before a later "{{.plan}}" something about the words in
// between. It quotes the first "{{" of src closed by one "}" or by none
// (another "{{" coming first), or gives "". lines: src is a file of its
// own, whose line the quote is at is told.
func braceHint(src string, lines bool) string {
	for off := 0; ; {
		i := strings.Index(src[off:], "{{")
		if i < 0 {
			return ""
		}
		off += i
		rest := src[off:]
		where := ""
		if lines {
			where = fmt.Sprintf(" at line %d", 1+strings.Count(src[:off], "\n"))
		}
		j := strings.IndexByte(rest[2:], '}')
		if next := strings.Index(rest[2:], "{{"); j < 0 || next >= 0 && next < j {
			return fmt.Sprintf("; %q%s has no }} to close it: an action is written {{.name}}", clipLine(rest), where)
		}
		end := 2 + j
		if end+1 >= len(rest) || rest[end+1] != '}' {
			return fmt.Sprintf("; %q%s ends with one }: an action is written {{.name}}", rest[:end+1], where)
		}
		off += end + 2
	}
}
